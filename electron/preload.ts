// The sandboxed preload: exposes exactly the typed ChronopixBridge (shared/api.ts) on
// `window.chronopix` and nothing else (never ipcRenderer itself). Each request method is one
// ipcRenderer.invoke on its channel, whose IpcReply is unwrapped into a value or an Error with the
// main process's one-line message; status and job events arrive by ipcRenderer.on; view snapshots
// come through the MessagePort the main process sends once per page load, each acknowledged so the
// main process skips frames rather than queueing them. Bundled as CommonJS; imports only `electron`
// and constants (no zod: the shared tables it reads are plain objects).
import { type IpcRendererEvent, contextBridge, ipcRenderer } from 'electron';
import {
  API_EVENTS,
  type ApiEventPayloads,
  type ChronopixBridge,
  HOST_EVENTS,
  HOST_METHODS,
  type MenuOpen,
  SERVER_METHODS,
} from '../shared/api';
import { type IpcReply, VIEWS_ACK, VIEWS_PORT_CHANNEL } from './ipc/channels';

async function invoke(channel: string, arg: unknown): Promise<unknown> {
  const reply = (await ipcRenderer.invoke(channel, arg)) as IpcReply;
  if (!reply.ok) throw new Error(reply.error);
  return reply.value;
}

function onChannel<E extends 'status' | 'job' | 'config'>(
  event: E,
): (listener: (payload: ApiEventPayloads[E]) => void) => () => void {
  const channel = API_EVENTS[event];
  return (listener) => {
    const handler = (_e: IpcRendererEvent, payload: ApiEventPayloads[E]): void => listener(payload);
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  };
}

type ViewsListener = (snapshot: ApiEventPayloads['views']) => void;
const viewListeners = new Set<ViewsListener>();
ipcRenderer.on(VIEWS_PORT_CHANNEL, (event: IpcRendererEvent) => {
  const port = event.ports[0];
  if (!port) return;
  port.onmessage = (message: { data: unknown }) => {
    try {
      for (const l of viewListeners) l(message.data as ApiEventPayloads['views']);
    } finally {
      port.postMessage(VIEWS_ACK);
    }
  };
});

function buildBridge(): ChronopixBridge {
  const methods: Record<string, unknown> = {};
  for (const [method, channel] of [...Object.entries(SERVER_METHODS), ...Object.entries(HOST_METHODS)]) {
    methods[method] = (arg?: unknown) => invoke(channel, arg);
  }
  return {
    ...(methods as Omit<ChronopixBridge, 'onStatus' | 'onJob' | 'onViews' | 'onConfig' | 'onMenuOpen'>),
    onStatus: onChannel('status'),
    onJob: onChannel('job'),
    onConfig: onChannel('config'),
    onMenuOpen: (listener) => {
      const handler = (_e: IpcRendererEvent, open: MenuOpen): void => listener(open);
      ipcRenderer.on(HOST_EVENTS.menuOpen, handler);
      return () => {
        ipcRenderer.removeListener(HOST_EVENTS.menuOpen, handler);
      };
    },
    onViews: (listener) => {
      viewListeners.add(listener);
      return () => {
        viewListeners.delete(listener);
      };
    },
  };
}

contextBridge.exposeInMainWorld('chronopix', buildBridge());
