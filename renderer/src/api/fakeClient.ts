// An in-memory ApiClient for the stores' tests: records calls, answers from `handlers` (or with
// undefined), and lets the test push events and change the connection state.
import type { ApiEvent, ApiEventPayloads, ServerMethod } from '../../../shared/api';
import type { ApiClient, ConnectionState } from './apiClient';
import { connectionState, eventHub, serverMethods } from './clientParts';

export interface FakeClient extends ApiClient {
  calls: [ServerMethod, unknown][];
  handlers: Partial<Record<ServerMethod, (params: unknown) => unknown>>;
  emit<E extends ApiEvent>(event: E, payload: ApiEventPayloads[E]): void;
  setConnection(state: ConnectionState): void;
}

export function createFakeClient(handlers: FakeClient['handlers'] = {}): FakeClient {
  const calls: [ServerMethod, unknown][] = [];
  const events = eventHub();
  const connection = connectionState('connecting');
  return {
    ...serverMethods(async (method, params) => {
      calls.push([method, params]);
      const h = handlers[method];
      return h ? h(params) : undefined;
    }),
    ...events.subscriptions,
    calls,
    handlers,
    mode: 'web',
    host: null,
    onConnection: connection.onConnection,
    close: () => undefined,
    emit: (event, payload) => events.emit(event, payload),
    setConnection: connection.set,
  };
}
