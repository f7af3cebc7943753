// What the page talks to: the typed ChronopixApi plus the state of the connection to the engine.
// Created once at start-up (main.tsx) from the Electron bridge or the WebSocket, then handed to
// the stores; nothing else in the page knows which transport it is.
import type { ChronopixApi } from '../../../shared/api';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface ApiClient extends ChronopixApi {
  onConnection(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}
