// The API in the desktop app: the preload's `window.chronopix` bridge (IPC to the main process),
// with the host's native dialogs. The connection never drops, so it is always 'open'.
import type { ChronopixApi, ChronopixBridge } from '../../../shared/api';
import type { ApiClient } from './apiClient';

declare global {
  interface Window {
    chronopix?: ChronopixBridge;
  }
}

export function createElectronClient(bridge: ChronopixBridge): ApiClient {
  const { chooseFolder, chooseRawFiles, showInFolder, onMenuOpen, ...server } = bridge;
  const api: ChronopixApi = {
    ...server,
    mode: 'electron',
    host: { chooseFolder, chooseRawFiles, showInFolder, onMenuOpen },
  };
  return {
    ...api,
    onConnection(listener) {
      listener('open');
      return () => undefined;
    },
    close: () => undefined,
  };
}
