// The grid of plots over one snapshot: the live view's and the offline browser's (the same views,
// computed by the same engine code). Plot options (log scales, hidden plots) come from the prefs
// store; changes that belong to the engine's views configuration (ROIs, hit map mode) are passed up.
import type { LiveSnapshot, Roi } from '../../../shared/liveViews';
import { usePrefs, useStores } from '../stores/stores';
import { CentroidMapPlot, ClusterSizePlot, HitMapPlot, RatePlot, TofTotPlot, TotPlot } from './Plots';
import { RoiCards } from './RoiCards';
import { TofPlot } from './TofPlot';

export interface ViewsGridProps {
  snapshot: LiveSnapshot;
  rois: Roi[];
  onRoisChange?: (rois: Roi[]) => void;
  onHitMapMode?: (mode: 'counts' | 'totSum') => void;
  /** Trends make no sense for a file browsed as a whole. */
  showRates?: boolean;
}

export function ViewsGrid({ snapshot, rois, onRoisChange, onHitMapMode, showRates = true }: ViewsGridProps) {
  const log = usePrefs((s) => s.log);
  const hidden = usePrefs((s) => s.hidden);
  const { prefs } = useStores();
  const toggle = prefs.getState().toggleLog;
  const shown = (id: Parameters<typeof toggle>[0]) => !hidden.includes(id);
  return (
    <div className="grid" data-testid="views-grid">
      {shown('tof') && (
        <TofPlot
          tof={snapshot.tof}
          source={snapshot.tofSource}
          rois={rois}
          log={log.tof}
          onToggleLog={() => toggle('tof')}
          onRoisChange={onRoisChange}
        />
      )}
      {showRates && shown('rate') && (
        <RatePlot snapshot={snapshot} log={log.rate} onToggleLog={() => toggle('rate')} />
      )}
      {shown('tot') && <TotPlot snapshot={snapshot} log={log.tot} onToggleLog={() => toggle('tot')} />}
      {shown('hitMap') && (
        <HitMapPlot
          snapshot={snapshot}
          log={log.hitMap}
          onToggleLog={() => toggle('hitMap')}
          onModeChange={onHitMapMode}
        />
      )}
      {shown('centroidMap') && (
        <CentroidMapPlot
          snapshot={snapshot}
          log={log.centroidMap}
          onToggleLog={() => toggle('centroidMap')}
        />
      )}
      {shown('tofTot') && (
        <TofTotPlot snapshot={snapshot} log={log.tofTot} onToggleLog={() => toggle('tofTot')} />
      )}
      {shown('clusterSize') && (
        <ClusterSizePlot
          snapshot={snapshot}
          log={log.clusterSize}
          onToggleLog={() => toggle('clusterSize')}
        />
      )}
      <RoiCards snapshot={snapshot} log={log.hitMap} />
    </div>
  );
}
