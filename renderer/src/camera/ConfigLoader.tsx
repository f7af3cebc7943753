// Loading a SoPhy `.spx` file onto the camera from the panel: a path on the engine's machine (web
// mode has no file dialog), then what changed: the DACs, the masked pixels, verified by read-back.
import { useState } from 'react';
import { useCamera, useStores } from '../stores/stores';

export function ConfigLoader() {
  const store = useStores().camera;
  const config = useCamera((s) => s.config);
  const loaded = useCamera((s) => s.camera?.configFile ?? null);
  const [path, setPath] = useState('');
  const load = (): void => void store.getState().loadConfig(path);
  const r = config.result;
  return (
    <div className="spx">
      {loaded && (
        <div
          className="note"
          title={`${loaded.path}\nsha256 ${loaded.sha256}`}
          data-testid="camera-spx-loaded"
        >
          loaded: {loaded.name}
        </div>
      )}
      <div className="field-input">
        <input
          data-testid="camera-spx-path"
          aria-label=".spx file path"
          placeholder="/path/to/chip.spx (on the engine's machine)"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') load();
          }}
        />
        <button type="button" disabled={config.busy} onClick={load} data-testid="camera-spx-load">
          {config.busy ? 'Loading…' : 'Load .spx'}
        </button>
      </div>
      {config.error && (
        <div className="field-error" role="alert" data-testid="camera-spx-error">
          {config.error}
        </div>
      )}
      {r && (
        <div className="note" data-testid="camera-spx-result">
          {r.name} loaded to chip {r.chip} ({r.chipName}), verified by read-back: {r.maskedPixels} masked
          pixels,{' '}
          {r.changed.length === 0
            ? 'DACs unchanged'
            : `${r.changed.length} DACs changed (${r.changed.map((c) => `${c.name} ${c.from} → ${c.to}`).join(', ')})`}
        </div>
      )}
    </div>
  );
}
