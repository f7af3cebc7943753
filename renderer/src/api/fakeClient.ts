// An in-memory ApiClient for the stores' tests: records calls, answers from `handlers` (or with
// undefined), and lets the test push events and change the connection state.
import type { ApiEvent, ApiEventPayloads, ServerMethod } from '../../../shared/api';
import { SERVER_METHODS } from '../../../shared/api';
import type { ApiClient, ConnectionState } from './apiClient';

export interface FakeClient extends ApiClient {
  calls: [ServerMethod, unknown][];
  handlers: Partial<Record<ServerMethod, (params: unknown) => unknown>>;
  emit<E extends ApiEvent>(event: E, payload: ApiEventPayloads[E]): void;
  setConnection(state: ConnectionState): void;
}

export function createFakeClient(handlers: FakeClient['handlers'] = {}): FakeClient {
  const calls: [ServerMethod, unknown][] = [];
  const listeners: { [E in ApiEvent]: Set<(p: ApiEventPayloads[E]) => void> } = {
    status: new Set(),
    views: new Set(),
    job: new Set(),
    config: new Set(),
  };
  const connection = new Set<(s: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  const client = {
    calls,
    handlers,
    mode: 'web' as const,
    host: null,
    onStatus: (l: (p: ApiEventPayloads['status']) => void) => (
      listeners.status.add(l),
      () => listeners.status.delete(l)
    ),
    onViews: (l: (p: ApiEventPayloads['views']) => void) => (
      listeners.views.add(l),
      () => listeners.views.delete(l)
    ),
    onJob: (l: (p: ApiEventPayloads['job']) => void) => (listeners.job.add(l), () => listeners.job.delete(l)),
    onConfig: (l: (p: ApiEventPayloads['config']) => void) => (
      listeners.config.add(l),
      () => listeners.config.delete(l)
    ),
    onConnection(l: (s: ConnectionState) => void) {
      connection.add(l);
      l(state);
      return () => connection.delete(l);
    },
    close: () => undefined,
    emit<E extends ApiEvent>(event: E, payload: ApiEventPayloads[E]) {
      for (const l of listeners[event]) l(payload);
    },
    setConnection(s: ConnectionState) {
      state = s;
      for (const l of connection) l(s);
    },
  } as unknown as FakeClient;
  for (const method of Object.keys(SERVER_METHODS) as ServerMethod[]) {
    (client as unknown as Record<string, unknown>)[method] = async (params?: unknown) => {
      calls.push([method, params]);
      const h = handlers[method];
      return h ? h(params) : undefined;
    };
  }
  return client;
}
