// The file browser tab: a folder of runs (size, start, duration, packets), the chosen file's
// summary with its hit rate over time, the views over a time or trigger range of it (computed by
// the engine, with progress and cancel), and conversion to HDF5 of one or several runs.
import { useEffect, useMemo, useState } from 'react';
import type { BrowseRange, JobUpdate, RunListing } from '../../../shared/offlineApi';
import { FILE_EVENT_WINDOW } from '../../../shared/eventWindow';
import { CLUSTERING_ALGORITHMS, type ClusteringAlgorithm } from '../../../shared/processingSettings';
import { Plot } from '../components/Plot';
import { Section, SelectField, TextField, TimeRangeField } from '../components/fields';
import { Sidebar } from '../components/Sidebar';
import { formatBytes, formatCount, formatDuration, formatTime, parseNumber } from '../lib/format';
import { ViewsGrid } from '../plots/ViewsGrid';
import { useOffline, usePrefs, useSettings, useStores } from '../stores/stores';

export function JobProgress({
  job,
  onCancel,
}: {
  job: JobUpdate | undefined;
  onCancel: (id: string) => void;
}) {
  if (!job) return null;
  return (
    <div className={`job ${job.state}`} data-testid={`job-${job.kind}`} data-state={job.state}>
      <progress max={1} value={job.progress} />
      <span className="job-detail">
        {job.state === 'running'
          ? job.detail || `${Math.round(job.progress * 100)}%`
          : job.state === 'failed'
            ? job.error
            : job.state}
      </span>
      {job.state === 'running' && (
        <button type="button" onClick={() => onCancel(job.id)} data-testid={`cancel-${job.kind}`}>
          Cancel
        </button>
      )}
    </div>
  );
}

function RunTable({ runs }: { runs: RunListing[] }) {
  const { offline } = useStores();
  const current = useOffline((s) => s.current);
  const selected = useOffline((s) => s.selected);
  if (runs.length === 0) return <p className="hint">No .raw files in this folder.</p>;
  return (
    <table className="runs" data-testid="run-table">
      <thead>
        <tr>
          <th />
          <th>Run</th>
          <th>Size</th>
          <th>Start</th>
          <th>Duration</th>
          <th title="Packets (known once the file was summarised, or from its recording sidecar)">Packets</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr
            key={r.path}
            className={r.path === current ? 'current' : undefined}
            onClick={() => void offline.getState().open(r.path)}
            data-testid={`run-${r.name}`}
          >
            <td onClick={(e) => e.stopPropagation()}>
              <input
                type="checkbox"
                aria-label={`select ${r.name}`}
                checked={selected.includes(r.path)}
                onChange={() => offline.getState().toggleSelected(r.path)}
              />
            </td>
            <td title={r.path}>
              {r.name}
              {r.partial && <span className="tag">partial</span>}
            </td>
            <td>{formatBytes(r.bytes)}</td>
            <td>{r.startTime ? new Date(r.startTime).toLocaleString() : '—'}</td>
            <td>{r.durationS !== null ? formatDuration(r.durationS) : '—'}</td>
            <td
              title={
                r.packets
                  ? Object.entries(r.packets)
                      .filter(([, v]) => v > 0)
                      .map(([k, v]) => `${k}: ${v}`)
                      .join('\n')
                  : undefined
              }
            >
              {r.packets ? formatCount(Object.values(r.packets).reduce((a, b) => a + b, 0)) : '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function FolderPicker() {
  const { offline, api } = useStores();
  const folder = useOffline((s) => s.folder);
  const recordingFolder = useSettings((s) => s.settings?.recording.folder ?? '');
  const [draft, setDraft] = useState(folder);
  useEffect(() => setDraft(folder), [folder]);
  useEffect(() => {
    if (!offline.getState().folder && recordingFolder) void offline.getState().list(recordingFolder);
  }, [recordingFolder, offline]);
  return (
    <form
      className="folder"
      onSubmit={(e) => {
        e.preventDefault();
        void offline.getState().list(draft);
      }}
    >
      <input
        aria-label="folder"
        data-testid="browser-folder"
        value={draft}
        placeholder="/path/to/runs"
        onChange={(e) => setDraft(e.target.value)}
      />
      <button type="submit">List</button>
      {api.host && (
        <>
          <button
            type="button"
            onClick={async () => {
              const f = await api.host!.chooseFolder({
                title: 'Folder of runs',
                defaultPath: folder || undefined,
              });
              if (f) void offline.getState().openChosen({ kind: 'folder', paths: [f] });
            }}
          >
            Folder…
          </button>
          <button
            type="button"
            onClick={async () => {
              const paths = await api.host!.chooseRawFiles({ defaultPath: folder || undefined });
              void offline.getState().openChosen({ kind: 'files', paths });
            }}
          >
            Files…
          </button>
        </>
      )}
    </form>
  );
}

function RangeForm({ durationS }: { durationS: number }) {
  const { offline } = useStores();
  const views = useSettings((s) => s.views);
  const [kind, setKind] = useState<BrowseRange['kind']>('all');
  const [from, setFrom] = useState('0');
  const [to, setTo] = useState(String(Number(durationS.toPrecision(6))));
  const [bad, setBad] = useState<string | null>(null);
  const go = (): void => {
    let range: BrowseRange = { kind: 'all' };
    if (kind !== 'all') {
      const a = parseNumber(from);
      const b = parseNumber(to);
      if (a === null || b === null || !(a < b)) {
        setBad('give a range with from < to');
        return;
      }
      range = kind === 'time' ? { kind, fromS: a, toS: b } : { kind, from: Math.floor(a), to: Math.ceil(b) };
    }
    setBad(null);
    void offline.getState().browse(range, views ?? {});
  };
  return (
    <form
      className="range"
      onSubmit={(e) => {
        e.preventDefault();
        go();
      }}
    >
      <select
        aria-label="range kind"
        data-testid="range-kind"
        value={kind}
        onChange={(e) => setKind(e.target.value as BrowseRange['kind'])}
      >
        <option value="all">whole file</option>
        <option value="time">time range (s)</option>
        <option value="trigger">trigger range</option>
      </select>
      {kind !== 'all' && (
        <>
          <input
            aria-label="from"
            data-testid="range-from"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
          />
          <input aria-label="to" data-testid="range-to" value={to} onChange={(e) => setTo(e.target.value)} />
        </>
      )}
      <button type="submit" className="primary" data-testid="browse-button">
        Show views
      </button>
      {bad && <span className="field-error">{bad}</span>}
    </form>
  );
}

function Summary() {
  const summary = useOffline((s) => s.summary);
  const rate = useMemo(() => {
    if (!summary) return null;
    const { binS, hitsPerS } = summary.hitRate;
    const x = Array.from(hitsPerS, (_, i) => (i + 0.5) * binS);
    return [
      { type: 'scatter' as const, mode: 'lines', x, y: hitsPerS, name: 'hits/s', line: { color: '#4fc3f7' } },
      {
        type: 'scatter' as const,
        mode: 'lines',
        x,
        y: summary.triggerRate,
        name: 'triggers/s',
        yaxis: 'y2',
        line: { color: '#e57373' },
      },
    ];
  }, [summary]);
  if (!summary || !rate) return null;
  return (
    <section className="summary" data-testid="file-summary">
      <dl>
        <dt>Start</dt>
        <dd>{summary.startTime ? new Date(summary.startTime).toLocaleString() : '—'}</dd>
        <dt>Duration</dt>
        <dd data-testid="summary-duration">{formatTime(summary.durationS)}</dd>
        <dt>Hits</dt>
        <dd data-testid="summary-hits">{formatCount(summary.hits)}</dd>
        <dt>Triggers</dt>
        <dd data-testid="summary-triggers">{formatCount(summary.triggers)}</dd>
        {Object.entries(summary.packets).map(([k, v]) => (
          <div key={k} className="dl-row">
            <dt>{k}</dt>
            <dd>{formatCount(v)}</dd>
          </div>
        ))}
      </dl>
      <div className="summary-plot">
        <Plot
          data={rate}
          layout={{
            showlegend: true,
            legend: { orientation: 'h', y: 1.15 },
            xaxis: { title: { text: 'time since first hit (s)' } },
            yaxis: { title: { text: 'hits/s' } },
            yaxis2: { overlaying: 'y', side: 'right', showgrid: false },
            margin: { l: 50, r: 50, t: 8, b: 38 },
          }}
        />
      </div>
      <RangeForm durationS={summary.durationS} />
    </section>
  );
}

/** The conversion's processing settings, as `chronopix convert` takes them (its defaults). */
export interface ConvertOptions {
  eventWindow: [number, number];
  algorithm: ClusteringAlgorithm;
  outputFolder: string;
}

const DEFAULT_CONVERT_OPTIONS: ConvertOptions = {
  eventWindow: FILE_EVENT_WINDOW,
  algorithm: 'dbscan',
  outputFolder: '',
};

function ConvertSettings({
  value,
  onChange,
}: {
  value: ConvertOptions;
  onChange: (v: ConvertOptions) => void;
}) {
  return (
    <Section title="Conversion settings" open={false} testId="panel-convert">
      <TimeRangeField
        label="Event window"
        field="convert.eventWindow"
        value={value.eventWindow}
        onCommit={(eventWindow) => onChange({ ...value, eventWindow })}
      />
      <SelectField
        label="Centroiding"
        field="convert.algorithm"
        value={value.algorithm}
        options={CLUSTERING_ALGORITHMS}
        onCommit={(algorithm) => onChange({ ...value, algorithm })}
      />
      <TextField
        label="Output folder"
        field="convert.outputFolder"
        value={value.outputFolder}
        placeholder="(beside each run)"
        onCommit={(outputFolder) => onChange({ ...value, outputFolder })}
      />
    </Section>
  );
}

export function BrowserView() {
  const { offline, api } = useStores();
  const runs = useOffline((s) => s.runs);
  const selected = useOffline((s) => s.selected);
  const current = useOffline((s) => s.current);
  const jobs = useOffline((s) => s.jobs);
  const ids = [
    useOffline((s) => s.summaryJob),
    useOffline((s) => s.browseJob),
    useOffline((s) => s.convertJob),
  ];
  const snapshot = useOffline((s) => s.snapshot);
  const error = useOffline((s) => s.error);
  const width = usePrefs((s) => s.sidebarWidth);
  const views = useSettings((s) => s.views);
  const [convertSettings, setConvertSettings] = useState<ConvertOptions>(DEFAULT_CONVERT_OPTIONS);
  const cancel = (id: string) => void offline.getState().cancel(id);
  const convertJob = ids[2] ? jobs[ids[2]] : undefined;
  const outputs = convertJob?.result?.kind === 'convert' ? convertJob.result.outputs : [];
  return (
    <div className="workspace">
      <Sidebar width={width}>
        <h2 className="sidebar-title">Runs</h2>
        <FolderPicker />
        {error && (
          <div className="field-error" role="alert" data-testid="browser-error">
            {error}
          </div>
        )}
        <RunTable runs={runs} />
        <ConvertSettings value={convertSettings} onChange={setConvertSettings} />
        <div className="convert">
          <button
            type="button"
            data-testid="convert-button"
            disabled={selected.length === 0 && !current}
            onClick={() =>
              void offline.getState().convert(selected.length > 0 ? selected : [current!], convertSettings)
            }
          >
            Convert {selected.length > 1 ? `${selected.length} runs` : 'to HDF5'}
          </button>
          <JobProgress job={convertJob} onCancel={cancel} />
          {outputs.map((o) => (
            <div key={o} className="output" data-testid="convert-output">
              <code>{o}</code>
              {api.host && (
                <button type="button" onClick={() => void api.host!.showInFolder(o)}>
                  Show
                </button>
              )}
            </div>
          ))}
        </div>
      </Sidebar>
      <main className="content">
        {current ? (
          <>
            <h2 className="file-title" data-testid="browser-file">
              {current}
            </h2>
            <JobProgress job={ids[0] ? jobs[ids[0]] : undefined} onCancel={cancel} />
            <Summary />
            <JobProgress job={ids[1] ? jobs[ids[1]] : undefined} onCancel={cancel} />
            {snapshot && <ViewsGrid snapshot={snapshot} rois={views?.rois ?? []} showRates={false} />}
          </>
        ) : (
          <div className="empty">Choose a run on the left to see its summary and browse it.</div>
        )}
      </main>
    </div>
  );
}
