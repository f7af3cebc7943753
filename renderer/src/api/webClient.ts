// The API over the engine's WebSocket (`chronopix serve`): requests {id, method, params} answered by
// {id, result | error}, and pushed events {event, data}, all in shared/wireCodec frames. Reconnects
// with a growing delay when the server goes away; calls made while disconnected fail at once with a
// readable message instead of hanging. The token comes from the page URL (`?token=`).
import {
  type ApiEvent,
  type ApiEventPayloads,
  type ChronopixApi,
  SERVER_METHODS,
  type ServerMethod,
} from '../../../shared/api';
import type { ApiClient, ConnectionState } from './apiClient';
import { decodeMessage, encodeMessage } from '../../../shared/wireCodec';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export function createWebClient(url: string): ApiClient {
  let ws: WebSocket | null = null;
  let state: ConnectionState = 'connecting';
  let nextId = 1;
  let retryMs = 250;
  let closed = false;
  const pending = new Map<number, Pending>();
  const listeners: { [E in ApiEvent]: Set<(p: ApiEventPayloads[E]) => void> } = {
    status: new Set(),
    views: new Set(),
    job: new Set(),
    config: new Set(),
  };
  const connectionListeners = new Set<(s: ConnectionState) => void>();
  const setState = (s: ConnectionState): void => {
    state = s;
    for (const l of connectionListeners) l(s);
  };

  const connect = (): void => {
    setState('connecting');
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    ws = socket;
    socket.onopen = () => {
      retryMs = 250;
      setState('open');
    };
    socket.onmessage = (ev: MessageEvent) => {
      const msg = (
        typeof ev.data === 'string'
          ? JSON.parse(ev.data)
          : decodeMessage(new Uint8Array(ev.data as ArrayBuffer))
      ) as { id?: number; result?: unknown; error?: string; event?: ApiEvent; data?: unknown };
      if (msg.event !== undefined) {
        const set = Object.hasOwn(listeners, msg.event)
          ? (listeners[msg.event] as Set<(p: unknown) => void>)
          : undefined;
        if (set) for (const l of set) l(msg.data);
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
      setState('closed');
      if (!closed) {
        setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 5000);
      }
    };
  };

  const request = (method: ServerMethod, params?: unknown): Promise<never> =>
    new Promise((resolve, reject) => {
      if (!ws || state !== 'open') {
        reject(new Error('not connected to the engine (retrying)'));
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      ws.send(encodeMessage({ id, method, params: params ?? null }));
    });

  const subscribe =
    <E extends ApiEvent>(event: E) =>
    (listener: (p: ApiEventPayloads[E]) => void): (() => void) => {
      listeners[event].add(listener);
      return () => listeners[event].delete(listener);
    };

  const methods = Object.fromEntries(
    (Object.keys(SERVER_METHODS) as ServerMethod[]).map((m) => [m, (p?: unknown) => request(m, p)]),
  ) as unknown as Omit<ChronopixApi, 'mode' | 'host' | 'onStatus' | 'onViews' | 'onJob' | 'onConfig'>;

  connect();
  return {
    ...methods,
    mode: 'web',
    host: null,
    onStatus: subscribe('status'),
    onViews: subscribe('views'),
    onJob: subscribe('job'),
    onConfig: subscribe('config'),
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(state);
      return () => connectionListeners.delete(listener);
    },
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
