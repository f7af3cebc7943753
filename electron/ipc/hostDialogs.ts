// HostApi in the app: native open dialogs and the file manager. Every path the user picks is added
// to the allow-list, which is what lets the page then list, read or convert it; showInFolder only
// reveals allowed paths. createHostRouter parses the page's parameters (zod) before use, the way
// createApiRouter does for the ServerApi.
import type { BrowserWindow, Dialog, Shell } from 'electron';
import { z } from 'zod';
import { HOST_METHODS, type HostRequests } from '../../shared/api';
import { assertNever } from '../../shared/assertNever';
import { parseParams } from '../api/apiRouter';
import type { PathAllowList } from './pathAllowList';

export interface HostDeps {
  dialog: Pick<Dialog, 'showOpenDialog'>;
  shell: Pick<Shell, 'showItemInFolder'>;
  window: BrowserWindow;
  allowList: PathAllowList;
}

export const RAW_FILE_FILTERS = [
  { name: 'Timepix raw data', extensions: ['raw', 'partial'] },
  { name: 'All files', extensions: ['*'] },
];

export function createHostApi({ dialog, shell, window, allowList }: HostDeps): HostRequests {
  return {
    async chooseFolder(options = {}) {
      const r = await dialog.showOpenDialog(window, {
        title: options.title ?? 'Choose a folder',
        defaultPath: options.defaultPath,
        properties: ['openDirectory', 'createDirectory'],
      });
      if (r.canceled || r.filePaths.length === 0) return null;
      allowList.addFolder(r.filePaths[0]);
      return r.filePaths[0];
    },
    async chooseRawFiles(options = {}) {
      const r = await dialog.showOpenDialog(window, {
        title: 'Open raw files',
        defaultPath: options.defaultPath,
        filters: RAW_FILE_FILTERS,
        properties: ['openFile', 'multiSelections'],
      });
      if (r.canceled) return [];
      for (const p of r.filePaths) allowList.addFile(p);
      return r.filePaths;
    },
    async showInFolder(path) {
      if (!allowList.allows(path)) throw new Error('showInFolder: not a file you opened or recorded');
      shell.showItemInFolder(path);
    },
  };
}

type HostMethod = keyof typeof HOST_METHODS;

const text = z.string().max(4096);
const SCHEMAS = {
  chooseFolder: z.object({ title: text.optional(), defaultPath: text.optional() }).strict().optional(),
  chooseRawFiles: z.object({ defaultPath: text.optional() }).strict().optional(),
  showInFolder: z.string().min(1, 'give a path').max(4096),
} satisfies { [M in HostMethod]: z.ZodType };

export interface HostRouter {
  /** Rejects with a one-line message (`method: what is wrong`) on a bad method or parameter. */
  call(method: unknown, params: unknown): Promise<unknown>;
}

export function isHostMethod(method: unknown): method is HostMethod {
  return typeof method === 'string' && Object.hasOwn(HOST_METHODS, method);
}

export function createHostRouter(host: HostRequests): HostRouter {
  return {
    async call(method, params) {
      if (!isHostMethod(method)) throw new Error(`unknown method '${String(method)}'`);
      const data = parseParams<unknown>(method, SCHEMAS[method] as z.ZodType<unknown>, params);
      switch (method) {
        case 'chooseFolder':
          return host.chooseFolder(data as z.infer<(typeof SCHEMAS)['chooseFolder']>);
        case 'chooseRawFiles':
          return host.chooseRawFiles(data as z.infer<(typeof SCHEMAS)['chooseRawFiles']>);
        case 'showInFolder':
          return host.showInFolder(data as string);
        default:
          return assertNever(method, 'host method');
      }
    },
  };
}
