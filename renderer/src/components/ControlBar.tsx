// The bar at the top: source badge, Start/Stop, Record with the next file's name, elapsed time,
// reset and freeze of the views, and the Live/Files/Camera tabs. Keyboard: Alt+S start/stop, Alt+R
// record, Alt+C clear views, Alt+F freeze display, Alt+1/Alt+2/Alt+3 tabs.
import { useEffect } from 'react';
import { formatBytes, formatDuration } from '../lib/format';
import { useAcquisition, useLive, usePrefs, useStores } from '../stores/stores';
import type { Prefs } from '../stores/prefsStore';

export const SHORTCUTS: [string, string][] = [
  ['Alt+S', 'start / stop acquisition'],
  ['Alt+R', 'start / stop recording'],
  ['Alt+C', 'clear the views'],
  ['Alt+F', 'freeze / unfreeze the display'],
  ['Alt+1 / Alt+2 / Alt+3', 'live view / file browser / camera'],
];

function useShortcuts() {
  const stores = useStores();
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const a = stores.acquisition.getState();
      const key = e.key.toLowerCase();
      const actions: Record<string, () => void> = {
        s: () => void a.toggleAcquisition(),
        r: () => void a.toggleRecording(stores.prefs.getState().autoStopS),
        c: () => void stores.api.resetViews(),
        f: () => stores.live.getState().setFrozen(!stores.live.getState().frozen),
        '1': () => stores.prefs.getState().setTab('live'),
        '2': () => stores.prefs.getState().setTab('browser'),
        '3': () => stores.prefs.getState().setTab('camera'),
      };
      const act = actions[key] ?? actions[e.code.replace(/^Key|^Digit/, '').toLowerCase()];
      if (act) {
        e.preventDefault();
        act();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [stores]);
}

const TABS: [Prefs['tab'], string][] = [
  ['live', 'Live'],
  ['browser', 'Files'],
  ['camera', 'Camera'],
];

export function ControlBar() {
  useShortcuts();
  const stores = useStores();
  const status = useAcquisition((s) => s.status);
  const busy = useAcquisition((s) => s.busy);
  const preview = useAcquisition((s) => s.preview);
  const connection = useAcquisition((s) => s.connection);
  const frozen = useLive((s) => s.frozen);
  const tab = usePrefs((s) => s.tab);
  const autoStopS = usePrefs((s) => s.autoStopS);
  const a = stores.acquisition.getState();
  const running = status?.state === 'running';
  const rec = status?.recording ?? null;
  return (
    <header className="controlbar">
      <div className="brand">
        <img src="./icon.svg" alt="" width={22} height={22} />
        Chronopix
      </div>
      {status && (
        <span
          className={`badge ${status.source.kind}`}
          data-testid="source-badge"
          title={`${status.source.address}:${status.source.port}`}
        >
          {status.source.kind === 'emulator'
            ? 'EMULATOR'
            : `UDP ${status.source.address}:${status.source.port}`}
        </span>
      )}
      <button
        type="button"
        className={`primary ${running ? 'stop' : 'start'}`}
        disabled={
          busy || connection !== 'open' || status?.state === 'starting' || status?.state === 'stopping'
        }
        onClick={() => void a.toggleAcquisition()}
        data-testid="acquire-button"
        title="Alt+S"
      >
        {running ? '■ Stop' : '▶ Start'}
      </button>
      <button
        type="button"
        className={`record${rec ? ' on' : ''}`}
        disabled={busy || !running}
        onClick={() => void a.toggleRecording(autoStopS)}
        data-testid="record-button"
        title="Alt+R"
      >
        {rec ? '● Recording' : '● Record'}
      </button>
      <span className="recinfo" data-testid="record-info">
        {rec ? (
          <>
            {rec.path
              .split(/[\\/]/)
              .pop()
              ?.replace(/\.partial$/, '')}{' '}
            · {formatBytes(rec.bytes)}
            {rec.stopAfterS !== null && ` · stops after ${formatDuration(rec.stopAfterS)}`}
          </>
        ) : preview ? (
          <span title={`${preview.folder} (${formatBytes(preview.freeBytes)} free)`}>
            next: <code data-testid="next-file">{preview.fileName}</code>
            {autoStopS > 0 && ` · auto-stop ${formatDuration(autoStopS)}`}
          </span>
        ) : null}
      </span>
      <span className="elapsed" data-testid="elapsed" title="Acquisition time">
        {formatDuration(status?.elapsedS ?? 0)}
      </span>
      <span className="spacer" />
      <button
        type="button"
        onClick={() => void stores.api.resetViews()}
        title="Clear the views (Alt+C)"
        data-testid="reset-button"
      >
        Clear views
      </button>
      <button
        type="button"
        className={frozen ? 'on' : undefined}
        onClick={() => stores.live.getState().setFrozen(!frozen)}
        title="Freeze the display (Alt+F)"
      >
        {frozen ? 'Frozen' : 'Freeze'}
      </button>
      <nav className="tabs">
        {TABS.map(([id, label]) => (
          <button
            key={id}
            type="button"
            className={tab === id ? 'on' : undefined}
            onClick={() => stores.prefs.getState().setTab(id)}
            data-testid={`tab-${id}`}
          >
            {label}
          </button>
        ))}
      </nav>
    </header>
  );
}
