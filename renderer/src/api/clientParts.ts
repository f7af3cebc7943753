// What every ApiClient is made of, whatever its transport: the server methods from the shared table
// (each a call through the transport), the pushed events' subscriptions, and the connection state.
// The WebSocket client and the tests' fake client both build on these.
import {
  type ApiEvent,
  type ApiEventPayloads,
  type ChronopixApi,
  SERVER_METHODS,
  type ServerMethod,
} from '../../../shared/api';
import type { ConnectionState } from './apiClient';

type Subscriptions = Pick<ChronopixApi, 'onStatus' | 'onViews' | 'onJob' | 'onConfig'>;
type Methods = Omit<ChronopixApi, 'mode' | 'host' | keyof Subscriptions>;

/** Every method of SERVER_METHODS, each calling `call(method, params)`. */
export function serverMethods(call: (method: ServerMethod, params?: unknown) => Promise<unknown>): Methods {
  return Object.fromEntries(
    (Object.keys(SERVER_METHODS) as ServerMethod[]).map((m) => [m, (p?: unknown) => call(m, p)]),
  ) as unknown as Methods;
}

/** Listeners of the pushed events; `emit` ignores event names it does not know. */
export function eventHub(): { subscriptions: Subscriptions; emit(event: string, payload: unknown): void } {
  const listeners: { [E in ApiEvent]: Set<(p: ApiEventPayloads[E]) => void> } = {
    status: new Set(),
    views: new Set(),
    job: new Set(),
    config: new Set(),
  };
  const on =
    <E extends ApiEvent>(event: E) =>
    (listener: (p: ApiEventPayloads[E]) => void): (() => void) => {
      listeners[event].add(listener);
      return () => listeners[event].delete(listener);
    };
  return {
    subscriptions: { onStatus: on('status'), onViews: on('views'), onJob: on('job'), onConfig: on('config') },
    emit(event, payload) {
      if (!Object.hasOwn(listeners, event)) return;
      for (const l of listeners[event as ApiEvent] as Set<(p: unknown) => void>) l(payload);
    },
  };
}

/** The connection state and its listeners (a new listener hears the current state at once). */
export function connectionState(initial: ConnectionState) {
  let state = initial;
  const listeners = new Set<(s: ConnectionState) => void>();
  return {
    get: () => state,
    set(s: ConnectionState): void {
      state = s;
      for (const l of listeners) l(s);
    },
    onConnection(listener: (s: ConnectionState) => void): () => void {
      listeners.add(listener);
      listener(state);
      return () => listeners.delete(listener);
    },
  };
}
