// The Camera tab: the SPIDR camera of `camera.address` (set here, through the settings), its
// connection state, chips and versions, temperatures trended at 1 Hz, the bias (confirmed, within
// the limit), the DAC table edited in place, a `.spx` upload, and start/stop of the acquisition
// that drives it. Every failure is a message here; the panel never goes blank.
import { useEffect } from 'react';
import { NumberField, Section, TextField } from '../components/fields';
import { useAcquisition, useCamera, useSettings, useStores } from '../stores/stores';
import { BiasControl } from './BiasControl';
import { ConfigLoader } from './ConfigLoader';
import { DacTable } from './DacTable';
import { TemperaturePlot } from './TemperaturePlot';

const hex = (v: number): string => v.toString(16).toUpperCase().padStart(8, '0');

function ConnectionSection() {
  const stores = useStores();
  const cam = useSettings((s) => s.settings?.camera);
  const camera = useCamera((s) => s.camera);
  const error = useCamera((s) => s.error);
  const loading = useCamera((s) => s.loading);
  const apply = stores.settings.getState().applySettings;
  if (!cam) return null;
  const configured = cam.address.trim() !== '';
  return (
    <Section title="Connection" testId="camera-connection-section">
      <TextField
        label="address"
        field="camera.address"
        value={cam.address}
        placeholder="e.g. 192.168.1.10 (empty: no camera)"
        onCommit={(address) => apply('camera.address', { camera: { address } })}
      />
      <NumberField
        label="control port"
        field="camera.port"
        value={cam.port}
        onCommit={(port) => apply('camera.port', { camera: { port } })}
      />
      <TextField
        label="data to (this PC)"
        field="camera.udp"
        value={cam.udp.address}
        onCommit={(address) => apply('camera.udp', { camera: { udp: { ...cam.udp, address } } })}
      />
      <NumberField
        label="data UDP port"
        field="camera.udp.port"
        value={cam.udp.port}
        onCommit={(port) => apply('camera.udp.port', { camera: { udp: { ...cam.udp, port } } })}
      />
      <div className="camera-state">
        {!configured ? (
          <span className="muted" data-testid="camera-connection">
            No camera configured: acquisition uses the configured source. Give the SPIDR board's address to
            drive a camera.
          </span>
        ) : error ? (
          <span className="error" data-testid="camera-connection">
            not connected
          </span>
        ) : camera ? (
          <span className="ok" data-testid="camera-connection">
            connected to {camera.address}
          </span>
        ) : (
          <span className="muted" data-testid="camera-connection">
            {loading ? 'connecting…' : '…'}
          </span>
        )}
        {configured && (
          <button
            type="button"
            disabled={loading}
            onClick={() => void stores.camera.getState().refresh()}
            data-testid="camera-refresh"
          >
            {error ? 'Retry' : 'Read again'}
          </button>
        )}
      </div>
      {configured && error && (
        <div className="field-error" role="alert" data-testid="camera-error">
          {error}
        </div>
      )}
    </Section>
  );
}

function AcquisitionSection() {
  const stores = useStores();
  const status = useAcquisition((s) => s.status);
  const busy = useAcquisition((s) => s.busy);
  const actionError = useAcquisition((s) => s.error);
  const running = status?.state === 'running';
  const driven = status?.camera ?? null;
  return (
    <Section title="Acquisition" testId="camera-acquisition-section">
      <div className="camera-state">
        <span data-testid="camera-acquisition-state">
          {running
            ? driven
              ? `running: shutter open, heartbeat ${driven.connected ? 'ok' : 'failing'}`
              : 'running (no camera driven)'
            : (status?.state ?? '…')}
        </span>
        <button
          type="button"
          className={`primary ${running ? 'stop' : 'start'}`}
          disabled={busy || status?.state === 'starting' || status?.state === 'stopping'}
          onClick={() => void stores.acquisition.getState().toggleAcquisition()}
          data-testid="camera-acquire"
        >
          {running ? '■ Stop' : '▶ Start'}
        </button>
      </div>
      {actionError && (
        <div className="field-error" role="alert" data-testid="camera-acquire-error">
          {actionError}
        </div>
      )}
    </Section>
  );
}

export function CameraView() {
  const stores = useStores();
  const address = useSettings((s) => s.settings?.camera.address.trim() ?? null);
  const port = useSettings((s) => s.settings?.camera.port ?? null);
  const camera = useCamera((s) => s.camera);
  const temperatures = useCamera((s) => s.temperatures);
  useEffect(() => {
    if (!address) return;
    const store = stores.camera;
    store.getState().reset();
    void store.getState().refresh();
    return store.getState().startPolling(1000);
  }, [stores, address, port]);
  const t = camera?.temperatures;
  return (
    <div className="workspace camera-view" data-testid="camera-view">
      <aside className="sidebar" style={{ width: 380 }}>
        <div className="sidebar-scroll">
          <ConnectionSection />
          <AcquisitionSection />
          {camera && (
            <>
              <Section title="Camera" testId="camera-info-section">
                <div className="kv">
                  <span>chips</span>
                  <b data-testid="camera-chips">{camera.chips.join(', ')}</b>
                  <span>software</span>
                  <b data-testid="camera-software">{hex(camera.softwareVersion)}</b>
                  <span>firmware</span>
                  <b data-testid="camera-firmware">{hex(camera.firmwareVersion)}</b>
                  <span>configuration</span>
                  <b>{camera.configFile?.name ?? 'none loaded'}</b>
                </div>
              </Section>
              <Section title="Bias" testId="camera-bias-section">
                <BiasControl camera={camera} />
              </Section>
              <Section title="Load .spx configuration" testId="camera-spx-section">
                <ConfigLoader />
              </Section>
            </>
          )}
        </div>
      </aside>
      <main className="content camera-content">
        {camera ? (
          <>
            <div className="card camera-temps">
              <div className="card-head">
                <h3>Temperatures</h3>
                {t && (
                  <span className="card-info" data-testid="camera-temperatures">
                    local {t.local.toFixed(1)} °C · remote {t.remote.toFixed(1)} °C · FPGA {t.fpga.toFixed(1)}{' '}
                    °C
                  </span>
                )}
              </div>
              <div className="card-body">
                <TemperaturePlot points={temperatures} />
              </div>
            </div>
            <div className="card camera-dacs">
              <div className="card-head">
                <h3>
                  DACs of chip {camera.chip} ({camera.chips[camera.chip]})
                </h3>
                <span className="card-info">Enter sets a value, Escape puts it back</span>
              </div>
              {camera.dacs ? <DacTable dacs={camera.dacs} /> : <div className="muted">reading…</div>}
            </div>
          </>
        ) : (
          <div className="empty" data-testid="camera-empty">
            {address
              ? 'The camera panel fills once the camera answers; see Connection for what failed.'
              : 'No camera configured. Set its address under Connection.'}
          </div>
        )}
      </main>
    </div>
  );
}
