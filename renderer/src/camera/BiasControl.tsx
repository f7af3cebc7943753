// The bias of the camera panel: the read-back, the configured limit and ramp, and a new value that
// is set only after the operator confirms in a dialog showing from, to, ramp speed and limit. A
// value outside 12 V..limit is refused before the dialog.
import { useState } from 'react';
import type { CameraState } from '../../../shared/cameraApi';
import { parseNumber } from '../lib/format';
import { useCamera, useStores } from '../stores/stores';

export function BiasControl({ camera }: { camera: CameraState }) {
  const store = useStores().camera;
  const bias = useCamera((s) => s.bias);
  const [draft, setDraft] = useState(String(camera.bias.targetVolts ?? ''));
  const [bad, setBad] = useState<string | null>(null);
  const [asking, setAsking] = useState<number | null>(null);
  const { minVolts, limitVolts, rampVoltsPerS } = camera.bias;
  const ask = (): void => {
    const v = parseNumber(draft);
    if (v === null || v < minVolts || v > limitVolts) {
      setBad(`give a bias within ${minVolts}..${limitVolts} V (camera.biasLimitVolts)`);
      return;
    }
    setBad(null);
    setAsking(v);
  };
  return (
    <div className="bias">
      <div className="kv">
        <span>bias</span>
        <b data-testid="camera-bias">{camera.biasVoltage.toFixed(2)} V</b>
        <span>limit</span>
        <b data-testid="camera-bias-limit">{limitVolts} V</b>
        <span>ramp</span>
        <b>{rampVoltsPerS} V/s</b>
        <span>on quit</span>
        <b>{camera.bias.onQuit === 'keep' ? 'kept' : 'ramped off'}</b>
      </div>
      <div className="field-input">
        <input
          data-testid="camera-bias-input"
          aria-label="new bias (V)"
          inputMode="decimal"
          value={draft}
          placeholder="volts"
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') ask();
          }}
        />
        <span className="unit">V</span>
        <button type="button" disabled={bias.busy} onClick={ask} data-testid="camera-bias-set">
          Set bias…
        </button>
      </div>
      {bad && (
        <div className="field-error" role="alert" data-testid="camera-bias-error">
          {bad}
        </div>
      )}
      {bias.error && (
        <div className="field-error" role="alert" data-testid="camera-bias-error">
          {bias.error}
        </div>
      )}
      {bias.message && (
        <div className="note" data-testid="camera-bias-message">
          {bias.message}
        </div>
      )}
      {asking !== null && (
        <div className="confirm" role="dialog" aria-modal="true" data-testid="bias-confirm">
          <p>
            Ramp the sensor bias from {camera.biasVoltage.toFixed(1)} V to <b>{asking} V</b> at{' '}
            {rampVoltsPerS} V/s? The limit is {limitVolts} V.
          </p>
          <div className="confirm-buttons">
            <button
              type="button"
              className="primary"
              data-testid="bias-confirm-ok"
              onClick={() => {
                const v = asking;
                setAsking(null);
                void store.getState().setBias(v);
              }}
            >
              Ramp to {asking} V
            </button>
            <button type="button" data-testid="bias-confirm-cancel" onClick={() => setAsking(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
