// The DAC table of the camera panel: every Timepix3 DAC with its value, range and bits; a value is
// edited in place (Enter or leaving the cell commits, Escape puts it back). The store refuses a
// value outside the range before anything is sent; its message, or the camera's, shows under the
// row.
import { useEffect, useState } from 'react';
import type { CameraDac } from '../../../shared/cameraApi';
import { useCamera, useStores } from '../stores/stores';

function DacRow({ dac }: { dac: CameraDac }) {
  const store = useStores().camera;
  const error = useCamera((s) => s.dacErrors[dac.name]);
  const busy = useCamera((s) => s.dacBusy === dac.name);
  const [draft, setDraft] = useState(String(dac.value));
  useEffect(() => setDraft(String(dac.value)), [dac.value]);
  const commit = (): void => {
    const text = draft.trim();
    if (text === String(dac.value)) {
      store.getState().clearDacError(dac.name);
      return;
    }
    void store.getState().setDac(dac.name, text === '' ? NaN : Number(text));
  };
  return (
    <>
      <tr className={error ? 'bad' : undefined}>
        <td className="dac-name">{dac.name}</td>
        <td>
          <input
            data-testid={`dac-${dac.name}`}
            aria-label={dac.name}
            className={error ? 'bad' : undefined}
            inputMode="numeric"
            value={draft}
            disabled={busy}
            onChange={(e) => setDraft(e.target.value)}
            onBlur={commit}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commit();
              if (e.key === 'Escape') {
                setDraft(String(dac.value));
                store.getState().clearDacError(dac.name);
              }
            }}
          />
        </td>
        <td className="dac-range" data-testid={`dac-range-${dac.name}`}>
          {dac.min}..{dac.max}
        </td>
        <td className="dac-bits">{dac.bits}</td>
      </tr>
      {error && (
        <tr className="dac-error-row">
          <td colSpan={4}>
            <div className="field-error" role="alert" data-testid={`dac-error-${dac.name}`}>
              {error}
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

export function DacTable({ dacs }: { dacs: CameraDac[] }) {
  return (
    <table className="dac-table" data-testid="dac-table">
      <thead>
        <tr>
          <th>DAC</th>
          <th>value</th>
          <th>range</th>
          <th>bits</th>
        </tr>
      </thead>
      <tbody>
        {dacs.map((d) => (
          <DacRow key={d.name} dac={d} />
        ))}
      </tbody>
    </table>
  );
}
