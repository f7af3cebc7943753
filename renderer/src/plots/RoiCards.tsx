// One card per ToF region of interest: its count trend and its filtered hit map (event rows whose
// ToF falls in the region), side by side, and its own ToF histogram.
import { useMemo } from 'react';
import type { LiveSnapshot, RoiSnapshot } from '../../../shared/liveViews';
import { Plot } from '../components/Plot';
import { mapImageTraces } from '../components/mapImage';
import { PIXELS, mapLayout } from './Plots';
import { PlotCard } from '../components/PlotCard';
import { formatCount, formatTime } from '../lib/format';
import { histogramCsv, histogramTotal, histogramTrace, mapCsv, trendTrace } from '../lib/plotData';
import { ROI_COLOURS } from './TofPlot';

function RoiCard({
  roi,
  index,
  snapshot,
  log,
}: {
  roi: RoiSnapshot;
  index: number;
  snapshot: LiveSnapshot;
  log: boolean;
}) {
  const colour = ROI_COLOURS[index % ROI_COLOURS.length];
  const { sensor } = snapshot;
  const trend = useMemo(
    () => [trendTrace(snapshot.trend.endS, roi.trend, roi.name, colour)],
    [roi, snapshot.trend.endS, colour],
  );
  const map = useMemo(
    () => () => mapImageTraces(roi.map, sensor.width, sensor.height, log, PIXELS),
    [roi, sensor, log],
  );
  const hist = useMemo(() => [histogramTrace(roi.histogram, 1e6, roi.name, colour)], [roi, colour]);
  const rate = roi.trend.length > 1 ? roi.trend[roi.trend.length - 2] : 0;
  return (
    <PlotCard
      title={`ROI ${roi.name}`}
      exportName={`roi-${roi.name.replace(/[^\w.-]+/g, '_')}`}
      wide
      testId={`roi-card-${roi.name}`}
      csv={() => `${histogramCsv(roi.histogram, 1, 's')}\n${mapCsv(roi.map, sensor.width, sensor.height)}`}
      info={
        <>
          <span style={{ color: colour }}>■</span> {formatTime(roi.tofMin)}–{formatTime(roi.tofMax)} ·{' '}
          {formatCount(histogramTotal(roi.histogram))} in view · {formatCount(rate)}/s
        </>
      }
    >
      {(ref) => (
        <div className="roi-row" ref={ref}>
          <Plot
            data={trend}
            maxHz={2}
            layout={{ xaxis: { title: { text: 's' } }, yaxis: { title: { text: 'counts/s' } } }}
          />
          <Plot data={hist} layout={{ xaxis: { title: { text: 'ToF (µs)' } } }} />
          <Plot data={map} maxHz={5} layout={mapLayout(sensor.width, sensor.height)} />
        </div>
      )}
    </PlotCard>
  );
}

export function RoiCards({ snapshot, log }: { snapshot: LiveSnapshot; log: boolean }) {
  return (
    <>
      {snapshot.rois.map((roi, i) => (
        <RoiCard key={roi.name} roi={roi} index={i} snapshot={snapshot} log={log} />
      ))}
    </>
  );
}
