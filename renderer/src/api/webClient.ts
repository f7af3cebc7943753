// The API over the engine's WebSocket (`chronopix serve`): requests {id, method, params} answered by
// {id, result | error}, and pushed events {event, data}, all in shared/wireCodec frames. Reconnects
// with a growing delay when the server goes away; calls made while disconnected fail at once with a
// readable message instead of hanging. The token comes from the page URL (`?token=`).
import type { ApiEvent, ServerMethod } from '../../../shared/api';
import type { ApiClient } from './apiClient';
import { connectionState, eventHub, serverMethods } from './clientParts';
import { decodeMessage, encodeMessage } from '../../../shared/wireCodec';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export function createWebClient(url: string): ApiClient {
  let ws: WebSocket | null = null;
  let nextId = 1;
  let retryMs = 250;
  let closed = false;
  const pending = new Map<number, Pending>();
  const events = eventHub();
  const connection = connectionState('connecting');

  const connect = (): void => {
    connection.set('connecting');
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    ws = socket;
    socket.onopen = () => {
      retryMs = 250;
      connection.set('open');
    };
    socket.onmessage = (ev: MessageEvent) => {
      const msg = (
        typeof ev.data === 'string'
          ? JSON.parse(ev.data)
          : decodeMessage(new Uint8Array(ev.data as ArrayBuffer))
      ) as { id?: number; result?: unknown; error?: string; event?: ApiEvent; data?: unknown };
      if (msg.event !== undefined) {
        events.emit(msg.event, msg.data);
        return;
      }
      const p = msg.id !== undefined ? pending.get(msg.id) : undefined;
      if (!p) return;
      pending.delete(msg.id!);
      if (msg.error !== undefined) p.reject(new Error(msg.error));
      else p.resolve(msg.result);
    };
    socket.onclose = () => {
      ws = null;
      for (const p of pending.values()) p.reject(new Error('connection to the engine lost'));
      pending.clear();
      connection.set('closed');
      if (!closed) {
        setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 5000);
      }
    };
  };

  const request = (method: ServerMethod, params?: unknown): Promise<never> =>
    new Promise((resolve, reject) => {
      if (!ws || connection.get() !== 'open') {
        reject(new Error('not connected to the engine (retrying)'));
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      ws.send(encodeMessage({ id, method, params: params ?? null }));
    });

  connect();
  return {
    ...serverMethods(request),
    ...events.subscriptions,
    mode: 'web',
    host: null,
    onConnection: connection.onConnection,
    close() {
      closed = true;
      ws?.close();
    },
  };
}

/** The API URL of the page's own server, with the page's token. */
export function apiUrlFromLocation(loc: Location): string {
  const token = new URLSearchParams(loc.search).get('token');
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/api${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}
