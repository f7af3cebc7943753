// One dispatch table for the whole ServerApi, used by both transports: the WebSocket server (web
// mode) and the Electron IPC adapter. A request is a method name and at most one parameter from
// outside (the page); the router checks the name against SERVER_METHODS, parses the parameter
// (zod schemas from shared/), and calls the API. Errors are one line: `method: what is wrong`.
import type { z } from 'zod';
import {
  API_EVENTS,
  type ApiEvent,
  type ApiEventPayloads,
  SERVER_METHODS,
  type ServerApi,
  type ServerMethod,
} from '../../shared/api';
import {
  cameraBiasRequestSchema,
  cameraConfigRequestSchema,
  cameraDacRequestSchema,
  cameraQuerySchema,
} from '../../shared/cameraApi';
import { recordingOptionsSchema } from '../../shared/engineApi';
import { describeIssues } from '../../shared/zodProblems';

export interface ApiRouter {
  /** Rejects with an Error whose message is one line for the operator. */
  call(method: unknown, params: unknown): Promise<unknown>;
  subscribe<E extends ApiEvent>(event: E, listener: (payload: ApiEventPayloads[E]) => void): () => void;
}

type Handler = (api: ServerApi, params: unknown) => Promise<unknown>;

/** A request's parameter, parsed; else an Error `method: path: message` naming its first problem.
 * (Also used by the Electron shell's host router.) */
export function parseParams<T>(method: string, schema: z.ZodType<T>, params: unknown): T {
  const r = schema.safeParse(params ?? undefined);
  if (r.success) return r.data;
  throw new Error(`${method}: ${describeIssues(r.error.issues.slice(0, 1), null)}`);
}

function text(method: string, params: unknown, what: string): string {
  if (typeof params !== 'string' || params.length === 0) throw new Error(`${method}: give ${what}`);
  return params;
}

const HANDLERS: { [M in ServerMethod]: Handler } = {
  start: (api) => api.start(),
  stop: (api) => api.stop(),
  startRecording: (api, p) => api.startRecording(parseParams('startRecording', recordingOptionsSchema, p)),
  stopRecording: (api) => api.stopRecording(),
  previewRecording: (api, p) =>
    api.previewRecording(parseParams('previewRecording', recordingOptionsSchema, p)),
  getSettings: (api) => api.getSettings(),
  setSettings: (api, p) => api.setSettings(p),
  getStatus: (api) => api.getStatus(),
  getViews: (api) => api.getViews(),
  setViews: (api, p) => api.setViews(p),
  resetViews: (api) => api.resetViews(),
  listRuns: (api, p) => api.listRuns(text('listRuns', p, 'a folder path')),
  summarizeFile: (api, p) => api.summarizeFile(text('summarizeFile', p, 'a file path')),
  browseFile: (api, p) => api.browseFile(p as never),
  convertFiles: (api, p) => api.convertFiles(p as never),
  cancelJob: (api, p) => api.cancelJob(text('cancelJob', p, 'a job id')),
  getCamera: (api, p) => api.getCamera(parseParams('getCamera', cameraQuerySchema, p)),
  setCameraDac: (api, p) => api.setCameraDac(parseParams('setCameraDac', cameraDacRequestSchema, p)),
  setCameraBias: (api, p) => api.setCameraBias(parseParams('setCameraBias', cameraBiasRequestSchema, p)),
  loadCameraConfig: (api, p) =>
    api.loadCameraConfig(parseParams('loadCameraConfig', cameraConfigRequestSchema, p)),
};

export function isServerMethod(method: unknown): method is ServerMethod {
  return typeof method === 'string' && Object.hasOwn(SERVER_METHODS, method);
}

export function createApiRouter(api: ServerApi): ApiRouter {
  return {
    async call(method, params) {
      if (!isServerMethod(method)) throw new Error(`unknown method '${String(method)}'`);
      return HANDLERS[method](api, params);
    },
    subscribe(event, listener) {
      if (!Object.hasOwn(API_EVENTS, event)) throw new Error(`unknown event '${String(event)}'`);
      switch (event) {
        case 'status':
          return api.onStatus(listener as (s: ApiEventPayloads['status']) => void);
        case 'views':
          return api.onViews(listener as (s: ApiEventPayloads['views']) => void);
        case 'job':
          return api.onJob(listener as (s: ApiEventPayloads['job']) => void);
        case 'config':
          return api.onConfig(listener as (s: ApiEventPayloads['config']) => void);
      }
      throw new Error(`unknown event '${String(event)}'`);
    },
  };
}
