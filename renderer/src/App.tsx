// The page: control bar, the live view or the file browser, and the status bar.
import { BrowserView } from './offline/BrowserView';
import { ControlBar } from './components/ControlBar';
import { LiveView } from './components/LiveView';
import { StatusBar } from './components/StatusBar';
import { usePrefs } from './stores/stores';

export function App() {
  const tab = usePrefs((s) => s.tab);
  return (
    <div className="app">
      <ControlBar />
      {tab === 'live' ? <LiveView /> : <BrowserView />}
      <StatusBar />
    </div>
  );
}
