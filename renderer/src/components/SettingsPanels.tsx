// The engine's settings in the sidebar: the data source, the recording target, the event window,
// and processing (pipeline, clustering algorithm and its parameters, every n-th trigger,
// processes). Processing applies live; the source at the next start.
import {
  CLUSTERING_ALGORITHMS,
  type ClusteringAlgorithm,
  type ClusteringSettings,
} from '../../../shared/processingSettings';
import type { Settings } from '../../../shared/settings';
import { usePrefs, useSettings, useStores } from '../stores/stores';
import type { SettingsPatch } from '../stores/settingsStore';
import { NumberField, Section, SelectField, TextField, TimeRangeField } from './fields';

function useApply() {
  const apply = useStores().settings.getState().applySettings;
  return (field: string, patch: SettingsPatch) => apply(field, patch);
}

export function SourcePanel({ settings }: { settings: Settings }) {
  const apply = useApply();
  const { source } = settings;
  return (
    <Section title="Data source" open={false} testId="panel-source">
      <SelectField
        label="Source"
        field="source.kind"
        value={source.kind}
        options={[
          { value: 'emulator', label: 'built-in emulator' },
          { value: 'udp', label: 'detector (UDP)' },
        ]}
        onCommit={(kind) => apply('source.kind', { source: { kind } })}
      />
      {source.kind === 'udp' ? (
        <>
          <TextField
            label="Listen address"
            field="source.udp.address"
            value={source.udp.address}
            onCommit={(address) =>
              apply('source.udp.address', { source: { udp: { ...source.udp, address } } })
            }
          />
          <NumberField
            label="UDP port"
            field="source.udp.port"
            value={source.udp.port}
            onCommit={(port) => apply('source.udp.port', { source: { udp: { ...source.udp, port } } })}
          />
          <NumberField
            label="Receive buffer"
            unit="MB"
            field="source.receiveBufferMB"
            value={source.receiveBufferMB}
            onCommit={(receiveBufferMB) => apply('source.receiveBufferMB', { source: { receiveBufferMB } })}
          />
        </>
      ) : (
        <>
          <NumberField
            label="Send rate"
            unit="MB/s"
            field="source.emulator.rateMBps"
            value={source.emulator.rateMBps}
            onCommit={(rateMBps) =>
              apply('source.emulator.rateMBps', { source: { emulator: { ...source.emulator, rateMBps } } })
            }
          />
          <NumberField
            label="Trigger rate"
            unit="Hz"
            field="source.emulator.triggerRate"
            value={source.emulator.triggerRate}
            onCommit={(triggerRate) =>
              apply('source.emulator.triggerRate', {
                source: { emulator: { ...source.emulator, triggerRate } },
              })
            }
          />
        </>
      )}
      <p className="hint">Source changes apply at the next start.</p>
    </Section>
  );
}

export function RecordingPanel({ settings }: { settings: Settings }) {
  const apply = useApply();
  const { api } = useStores();
  const autoStopS = usePrefs((s) => s.autoStopS);
  const setAutoStop = useStores().prefs.getState().setAutoStop;
  const refreshPreview = useStores().acquisition.getState().refreshPreview;
  const commit = async (field: string, patch: SettingsPatch): Promise<boolean> => {
    const ok = await apply(field, patch);
    if (ok) void refreshPreview();
    return ok;
  };
  return (
    <Section title="Recording" testId="panel-recording">
      <TextField
        label="Folder"
        field="recording.folder"
        value={settings.recording.folder}
        placeholder="(home folder)"
        onCommit={(folder) => commit('recording.folder', { recording: { folder } })}
      />
      {api.host && (
        <button
          type="button"
          onClick={async () => {
            const folder = await api.host!.chooseFolder({
              title: 'Recording folder',
              defaultPath: settings.recording.folder || undefined,
            });
            if (folder) void commit('recording.folder', { recording: { folder } });
          }}
        >
          Choose folder…
        </button>
      )}
      <TextField
        label="File prefix"
        field="recording.prefix"
        value={settings.recording.prefix}
        onCommit={(prefix) => commit('recording.prefix', { recording: { prefix } })}
      />
      <NumberField
        label="Auto-stop after"
        unit="s (0 = off)"
        field="autoStop"
        value={autoStopS}
        onCommit={(v) => setAutoStop(v)}
      />
    </Section>
  );
}

type NumericClusteringKey = {
  [K in keyof ClusteringSettings]: ClusteringSettings[K] extends number ? K : never;
}[keyof ClusteringSettings];

/** The clustering parameters the panel edits; those with an algorithm show only for it. */
const CLUSTERING_FIELDS: {
  key: NumericClusteringKey;
  label: string;
  unit?: string;
  algorithm?: ClusteringAlgorithm;
}[] = [
  { key: 'everyNthTrigger', label: 'Every n-th trigger' },
  { key: 'totThreshold', label: 'ToT threshold', unit: 'ns' },
  { key: 'epsilon', label: 'Epsilon', unit: 'px', algorithm: 'dbscan' },
  { key: 'minSamples', label: 'Min samples', algorithm: 'dbscan' },
  { key: 'tofScale', label: 'ToF scale', unit: 'px/s', algorithm: 'dbscan' },
  { key: 'csMaxDistTof', label: 'Max ToF distance', unit: 's', algorithm: 'stream' },
  { key: 'csMinClusterSize', label: 'Min cluster size', algorithm: 'stream' },
  { key: 'csTotOffset', label: 'ToT offset', algorithm: 'stream' },
];

export function ProcessingPanel({ settings }: { settings: Settings }) {
  const apply = useApply();
  const p = settings.processing;
  const c = p.clustering;
  const clustering = (field: keyof typeof c, value: number | string) =>
    apply(`processing.clustering.${field}`, { processing: { clustering: { ...c, [field]: value } } });
  return (
    <>
      <Section title="Event window" testId="panel-event-window">
        <TimeRangeField
          label="ToF window"
          field="processing.eventWindow"
          value={p.eventWindow}
          onCommit={(eventWindow) => apply('processing.eventWindow', { processing: { eventWindow } })}
        />
        <p className="hint">Hits with ToF outside the window are not events. Applies live.</p>
      </Section>
      <Section title="Processing" testId="panel-processing">
        <SelectField
          label="Pipeline"
          field="processing.pipeline"
          value={p.pipeline}
          options={[
            { value: 'pixel', label: 'pixels (events only)' },
            { value: 'centroid', label: 'centroids (clustering)' },
          ]}
          onCommit={(pipeline) => apply('processing.pipeline', { processing: { pipeline } })}
        />
        <SelectField
          label="Algorithm"
          field="processing.clustering.algorithm"
          value={c.algorithm}
          options={CLUSTERING_ALGORITHMS}
          onCommit={(v) => clustering('algorithm', v)}
        />
        {CLUSTERING_FIELDS.filter((f) => f.algorithm === undefined || f.algorithm === c.algorithm).map(
          (f) => (
            <NumberField
              key={f.key}
              label={f.label}
              unit={f.unit}
              field={`processing.clustering.${f.key}`}
              value={c[f.key]}
              onCommit={(v) => clustering(f.key, v)}
            />
          ),
        )}
        <NumberField
          label="Centroid processes"
          field="processing.centroidProcesses"
          value={p.centroidProcesses}
          hint="Worker threads for clustering; applies at the next start."
          onCommit={(centroidProcesses) =>
            apply('processing.centroidProcesses', { processing: { centroidProcesses } })
          }
        />
      </Section>
    </>
  );
}

export function SettingsPanels() {
  const settings = useSettings((s) => s.settings);
  if (!settings) return <p className="hint">Waiting for the engine…</p>;
  return (
    <>
      <RecordingPanel settings={settings} />
      <ProcessingPanel settings={settings} />
      <SourcePanel settings={settings} />
    </>
  );
}
