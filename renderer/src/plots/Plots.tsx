// The other plots of the views grid: ToT histogram, rate trends, hit map, centroid map,
// ToF-vs-ToT and cluster sizes. Each turns its piece of a snapshot into traces (lib/plotData.ts),
// memoised on the snapshot so a re-render without new data draws nothing.
import { useMemo } from 'react';
import type { LiveSnapshot } from '../../../shared/liveViews';
import { Plot, type PlotLayout } from '../components/Plot';
import { mapImageTraces } from '../components/mapImage';
import { PlotCard } from '../components/PlotCard';
import { formatCount } from '../lib/format';
import {
  clusterSizeTrace,
  histogramCsv,
  histogramTotal,
  histogramTrace,
  mapCsv,
  tofTotCsv,
  tofTotGeometry,
  trendCsv,
  trendTrace,
} from '../lib/plotData';

interface LogProps {
  snapshot: LiveSnapshot;
  log: boolean;
  onToggleLog: () => void;
}

/** Maps: square pixels, y upwards (plotly reverses the y axis of images unless told), and the
 * axes fixed to the map (no autorange to compute at every redraw). */
export function mapLayout(width: number, height: number): PlotLayout {
  return {
    yaxis: { scaleanchor: 'x', constrain: 'domain', autorange: false, range: [0, height] },
    xaxis: { constrain: 'domain', autorange: false, range: [0, width] },
    margin: { l: 40, r: 8, t: 8, b: 30 },
  };
}
/** One pixel per cell, centred on x + 0.5. */
export const PIXELS = { x0: 0.5, dx: 1, y0: 0.5, dy: 1 };

export function TotPlot({ snapshot, log, onToggleLog }: LogProps) {
  const h = snapshot.tot;
  const data = useMemo(() => [histogramTrace(h, 1, 'ToT', '#9ccc65')], [h]);
  const layout = useMemo(
    () => ({
      // A fixed x range: plotly then recomputes only the y axis at each redraw.
      xaxis: { title: { text: 'time over threshold (ns)' }, autorange: false, range: [h.min, h.max] },
      yaxis: { type: log ? 'log' : 'linear', title: { text: 'hits' } },
    }),
    [log, h.min, h.max],
  );
  return (
    <PlotCard
      title="ToT histogram"
      exportName="tot-histogram"
      log={log}
      onToggleLog={onToggleLog}
      csv={() => histogramCsv(h, 1, 'ns')}
      info={`${formatCount(histogramTotal(h))} hits`}
      testId="plot-tot"
    >
      {(ref) => <Plot data={data} maxHz={10} layout={layout as never} plotRef={ref} />}
    </PlotCard>
  );
}

export function RatePlot({ snapshot, log, onToggleLog }: LogProps) {
  const t = snapshot.trend;
  const data = useMemo(
    () => [
      trendTrace(t.endS, t.hits, 'hits/s', '#4fc3f7'),
      trendTrace(t.endS, t.events, 'event rows/s', '#9ccc65'),
      trendTrace(t.endS, t.centroids, 'centroids/s', '#ffb74d'),
      { ...trendTrace(t.endS, t.triggers, 'triggers/s', '#e57373'), yaxis: 'y2' },
    ],
    [t],
  );
  const layout = useMemo(
    () => ({
      showlegend: true,
      legend: { orientation: 'h', y: 1.12, x: 0 },
      xaxis: { title: { text: 'time since start (s)' } },
      yaxis: { type: log ? 'log' : 'linear', title: { text: 'per second' } },
      yaxis2: { overlaying: 'y', side: 'right', showgrid: false, title: { text: 'triggers/s' } },
      margin: { l: 50, r: 50, t: 8, b: 38 },
    }),
    [log],
  );
  const r = snapshot.rates;
  return (
    <PlotCard
      title="Rates"
      exportName="rates"
      log={log}
      onToggleLog={onToggleLog}
      testId="plot-rate"
      csv={() =>
        trendCsv(t.endS, [
          { name: 'hits', values: t.hits },
          { name: 'event_rows', values: t.events },
          { name: 'triggers', values: t.triggers },
          { name: 'centroids', values: t.centroids },
          { name: 'bytes', values: t.bytes },
        ])
      }
      info={
        <>
          <span data-testid="hit-rate">{formatCount(r.hitsPerS)}</span> hits/s · {formatCount(r.triggersPerS)}{' '}
          triggers/s · {formatCount(r.centroidsPerS)} centroids/s
        </>
      }
    >
      {(ref) => <Plot data={data} maxHz={2} layout={layout as never} plotRef={ref} />}
    </PlotCard>
  );
}

export function HitMapPlot({
  snapshot,
  log,
  onToggleLog,
  onModeChange,
}: LogProps & { onModeChange?: (mode: 'counts' | 'totSum') => void }) {
  const { sensor, hitMap } = snapshot;
  const data = useMemo(
    () => () => mapImageTraces(hitMap.values, sensor.width, sensor.height, log, PIXELS),
    [hitMap, sensor, log],
  );
  const layout = useMemo(() => mapLayout(sensor.width, sensor.height), [sensor.width, sensor.height]);
  return (
    <PlotCard
      title={hitMap.mode === 'counts' ? 'Hit map (counts)' : 'Hit map (summed ToT, ns)'}
      exportName="hit-map"
      log={log}
      onToggleLog={onToggleLog}
      testId="plot-hitmap"
      csv={() => mapCsv(hitMap.values, sensor.width, sensor.height)}
      tools={
        onModeChange && (
          <select
            aria-label="hit map mode"
            value={hitMap.mode}
            onChange={(e) => onModeChange(e.target.value as 'counts' | 'totSum')}
          >
            <option value="counts">counts</option>
            <option value="totSum">summed ToT</option>
          </select>
        )
      }
      info={hitMap.offSensor > 0 ? `${formatCount(hitMap.offSensor)} off sensor` : undefined}
    >
      {(ref) => <Plot data={data} maxHz={5} layout={layout as never} plotRef={ref} />}
    </PlotCard>
  );
}

export function CentroidMapPlot({ snapshot, log, onToggleLog }: LogProps) {
  const m = snapshot.centroidMap;
  const data = useMemo(
    () => () =>
      mapImageTraces(m.counts, m.width, m.height, log, {
        x0: m.binSize / 2,
        dx: m.binSize,
        y0: m.binSize / 2,
        dy: m.binSize,
      }),
    [m, log],
  );
  const layout = useMemo(
    () => mapLayout(m.width * m.binSize, m.height * m.binSize),
    [m.width, m.height, m.binSize],
  );
  return (
    <PlotCard
      title={`Centroid map (${m.binSize} px bins)`}
      exportName="centroid-map"
      log={log}
      onToggleLog={onToggleLog}
      testId="plot-centroidmap"
      csv={() => mapCsv(m.counts, m.width, m.height)}
      info={`${formatCount(snapshot.totals.centroids)} centroids total`}
    >
      {(ref) => <Plot data={data} maxHz={5} layout={layout as never} plotRef={ref} />}
    </PlotCard>
  );
}

export function TofTotPlot({ snapshot, log, onToggleLog }: LogProps) {
  const s = snapshot.tofTot;
  const data = useMemo(
    () => () => mapImageTraces(s.counts, s.tofBins, s.totBins, log, tofTotGeometry(s)),
    [s, log],
  );
  const layout = useMemo(
    () => ({
      xaxis: { title: { text: 'ToF (µs)' }, autorange: false, range: [s.tofMin * 1e6, s.tofMax * 1e6] },
      yaxis: { title: { text: 'ToT (ns)' }, autorange: false, range: [0, s.totMax], scaleanchor: false },
    }),
    [s.tofMin, s.tofMax, s.totMax],
  );
  return (
    <PlotCard
      title="ToF vs ToT"
      exportName="tof-vs-tot"
      log={log}
      onToggleLog={onToggleLog}
      csv={() => tofTotCsv(s)}
      testId="plot-toftot"
    >
      {(ref) => <Plot data={data} maxHz={5} layout={layout as never} plotRef={ref} />}
    </PlotCard>
  );
}

export function ClusterSizePlot({ snapshot, log, onToggleLog }: LogProps) {
  const h = snapshot.clusterSize;
  const data = useMemo(() => [clusterSizeTrace(h)], [h]);
  const layout = useMemo(
    () => ({
      xaxis: { title: { text: 'hits per cluster' }, autorange: false, range: [0.5, h.counts.length + 0.5] },
      yaxis: { type: log ? 'log' : 'linear', title: { text: 'clusters' } },
    }),
    [log, h.counts.length],
  );
  return (
    <PlotCard
      title="Cluster size"
      exportName="cluster-size"
      log={log}
      onToggleLog={onToggleLog}
      csv={() => histogramCsv(h, 1, 'hits')}
      info={`${formatCount(histogramTotal(h))} clusters · ${formatCount(h.overflow)} larger`}
      testId="plot-clustersize"
    >
      {(ref) => <Plot data={data} maxHz={10} layout={layout as never} plotRef={ref} />}
    </PlotCard>
  );
}
