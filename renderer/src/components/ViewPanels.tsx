// The live views' configuration in the sidebar: refresh rate, histogram ranges and bins, map
// binning, the accumulate/reset policy, the ROI list, and which plots the grid shows.
import type { LiveViewsConfig, LiveViewsConfigInput, Roi } from '../../../shared/liveViews';
import { PLOT_IDS, type PlotId } from '../stores/prefsStore';
import { usePrefs, useSettings, useStores } from '../stores/stores';
import { FieldError, NumberField, Section, SelectField, TextField, TimeRangeField } from './fields';

const PLOT_NAMES: Record<PlotId, string> = {
  tof: 'ToF histogram',
  rate: 'Rates',
  tot: 'ToT histogram',
  hitMap: 'Hit map',
  centroidMap: 'Centroid map',
  tofTot: 'ToF vs ToT',
  clusterSize: 'Cluster size',
};

function RoiList({
  rois,
  apply,
}: {
  rois: Roi[];
  apply: (field: string, patch: LiveViewsConfigInput) => Promise<boolean>;
}) {
  const set = (next: Roi[]) => apply('rois', { rois: next });
  return (
    <Section title={`Regions of interest (${rois.length})`} testId="panel-rois">
      {rois.length === 0 && <p className="hint">Drag across the ToF histogram to add one.</p>}
      {rois.map((r, i) => (
        <div className="roi-item" key={`${i}-${r.name}`} data-testid={`roi-item-${r.name}`}>
          <TextField
            label="Name"
            field={`rois.${i}.name`}
            value={r.name}
            onCommit={(name) => set(rois.map((x, j) => (j === i ? { ...x, name } : x)))}
          />
          <TimeRangeField
            label="ToF"
            field={`rois.${i}.tof`}
            value={[r.tofMin, r.tofMax]}
            onCommit={([tofMin, tofMax]) => set(rois.map((x, j) => (j === i ? { ...x, tofMin, tofMax } : x)))}
          />
          <button type="button" className="danger" onClick={() => void set(rois.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <FieldError field="rois" />
    </Section>
  );
}

function ViewsForm({ views }: { views: LiveViewsConfig }) {
  const apply = useStores().settings.getState().applyViews;
  return (
    <>
      <Section title="Display" testId="panel-views">
        <NumberField
          label="Refresh"
          unit="Hz"
          field="views.refreshHz"
          value={views.refreshHz}
          onCommit={(refreshHz) => apply('views.refreshHz', { refreshHz })}
        />
        <SelectField
          label="Accumulate"
          field="views.reset"
          value={views.reset.mode}
          options={[
            { value: 'accumulate', label: 'until reset' },
            { value: 'everyNTriggers', label: 'clear every N triggers' },
            { value: 'everyNSeconds', label: 'clear every N seconds' },
          ]}
          onCommit={(mode) => apply('views.reset', { reset: { ...views.reset, mode } })}
        />
        {views.reset.mode !== 'accumulate' && (
          <NumberField
            label="N"
            field="views.reset.n"
            value={views.reset.n}
            onCommit={(n) => apply('views.reset.n', { reset: { ...views.reset, n } })}
          />
        )}
        <TimeRangeField
          label="ToF range"
          field="views.tof"
          value={[views.tof.min, views.tof.max]}
          onCommit={([min, max]) => apply('views.tof', { tof: { ...views.tof, min, max } })}
        />
        <NumberField
          label="ToF bins"
          field="views.tof.bins"
          value={views.tof.bins}
          onCommit={(bins) => apply('views.tof.bins', { tof: { ...views.tof, bins } })}
        />
        <SelectField
          label="ToF of"
          field="views.tof.source"
          value={views.tof.source}
          options={[
            { value: 'pixel', label: 'pixel hits' },
            { value: 'centroid', label: 'centroids' },
          ]}
          onCommit={(source) => apply('views.tof.source', { tof: { ...views.tof, source } })}
        />
        <NumberField
          label="ToT max"
          unit="ns"
          field="views.tot.max"
          value={views.tot.max}
          onCommit={(max) => apply('views.tot.max', { tot: { ...views.tot, max } })}
        />
        <NumberField
          label="ToT bins"
          field="views.tot.bins"
          value={views.tot.bins}
          onCommit={(bins) => apply('views.tot.bins', { tot: { ...views.tot, bins } })}
        />
        <NumberField
          label="Centroid bin"
          unit="px"
          field="views.centroidMap.binSize"
          value={views.centroidMap.binSize}
          onCommit={(binSize) => apply('views.centroidMap.binSize', { centroidMap: { binSize } })}
        />
        <NumberField
          label="Trend length"
          unit="s"
          field="views.trendSeconds"
          value={views.trendSeconds}
          onCommit={(trendSeconds) => apply('views.trendSeconds', { trendSeconds })}
        />
        <NumberField
          label="ROI bins"
          field="views.roiBins"
          value={views.roiBins}
          onCommit={(roiBins) => apply('views.roiBins', { roiBins })}
        />
      </Section>
      <RoiList rois={views.rois} apply={apply} />
    </>
  );
}

function PlotToggles() {
  const hidden = usePrefs((s) => s.hidden);
  const toggle = useStores().prefs.getState().toggleHidden;
  return (
    <Section title="Plots" open={false} testId="panel-plots">
      {PLOT_IDS.map((id) => (
        <label className="check" key={id}>
          <input type="checkbox" checked={!hidden.includes(id)} onChange={() => toggle(id)} />{' '}
          {PLOT_NAMES[id]}
        </label>
      ))}
    </Section>
  );
}

export function ViewPanels() {
  const views = useSettings((s) => s.views);
  return (
    <>
      {views && <ViewsForm views={views} />}
      <PlotToggles />
    </>
  );
}
