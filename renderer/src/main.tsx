// Entry of the page. Picks the transport (the Electron preload's bridge when present, else the
// WebSocket of the server that served the page), makes the stores, and renders the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import type { ApiClient } from './api/apiClient';
import { createElectronClient } from './api/electronClient';
import { apiUrlFromLocation, createWebClient } from './api/webClient';
import { StoresContext, createStores } from './stores/stores';
import './styles.css';

const api: ApiClient = window.chronopix
  ? createElectronClient(window.chronopix)
  : createWebClient(apiUrlFromLocation(window.location));
const stores = createStores(api, window.localStorage);
// For the end-to-end tests and for debugging from the console.
(window as unknown as { chronopixStores: typeof stores }).chronopixStores = stores;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoresContext.Provider value={stores}>
      <App />
    </StoresContext.Provider>
  </StrictMode>,
);
