// The page: control bar, the live view, the file browser or the camera panel, and the status bar.
import { BrowserView } from './offline/BrowserView';
import { CameraView } from './camera/CameraView';
import { PanelBoundary } from './camera/PanelBoundary';
import { ControlBar } from './components/ControlBar';
import { LiveView } from './components/LiveView';
import { StatusBar } from './components/StatusBar';
import { useEffect } from 'react';
import { usePrefs, useStores } from './stores/stores';

export function App() {
  const tab = usePrefs((s) => s.tab);
  const { api, prefs, offline } = useStores();
  useEffect(
    () =>
      api.host?.onMenuOpen((open) => {
        prefs.getState().setTab('browser');
        void offline.getState().openChosen(open);
      }),
    [api, prefs, offline],
  );
  return (
    <div className="app">
      <ControlBar />
      {tab === 'live' ? (
        <LiveView />
      ) : tab === 'camera' ? (
        <PanelBoundary>
          <CameraView />
        </PanelBoundary>
      ) : (
        <BrowserView />
      )}
      <StatusBar />
    </div>
  );
}
