// The ToF spectrum, with the named ToF regions of interest drawn on it: select a range with the
// box tool to propose a new ROI (name it in the form that appears), drag a region's edges to move
// it. ROI changes go to the engine's views configuration through `onRoisChange`.
import { useMemo, useState } from 'react';
import type { HistogramSnapshot, Roi } from '../../../shared/liveViews';
import { Plot, type PlotLayout } from '../components/Plot';
import { PlotCard } from '../components/PlotCard';
import { formatCount, formatTime } from '../lib/format';
import { histogramCsv, histogramTotal, histogramTrace } from '../lib/plotData';

export const ROI_COLOURS = [
  '#ff9f43',
  '#54a0ff',
  '#1dd1a1',
  '#ff6b6b',
  '#c56cf0',
  '#feca57',
  '#48dbfb',
  '#ff9ff3',
];

export interface TofPlotProps {
  tof: HistogramSnapshot;
  source: 'pixel' | 'centroid';
  rois: Roi[];
  log: boolean;
  onToggleLog: () => void;
  /** Absent: ROIs are shown but not editable. */
  onRoisChange?: (rois: Roi[]) => void;
}

export function TofPlot({ tof, source, rois, log, onToggleLog, onRoisChange }: TofPlotProps) {
  const [proposal, setProposal] = useState<{ tofMin: number; tofMax: number } | null>(null);
  const [name, setName] = useState('');
  const data = useMemo(() => [histogramTrace(tof, 1e6, 'ToF', '#4fc3f7')], [tof]);
  const editable = onRoisChange !== undefined;
  const layout = useMemo<PlotLayout>(
    () => ({
      xaxis: {
        title: { text: 'time of flight (µs)' },
        autorange: false,
        range: [tof.min * 1e6, tof.max * 1e6],
      },
      yaxis: { title: { text: source === 'pixel' ? 'hits' : 'centroids' }, type: log ? 'log' : 'linear' },
      dragmode: editable ? 'select' : 'zoom',
      selectdirection: 'h',
      shapes: rois.map((r, i) => ({
        type: 'rect',
        xref: 'x',
        yref: 'paper',
        x0: r.tofMin * 1e6,
        x1: r.tofMax * 1e6,
        y0: 0,
        y1: 1,
        fillcolor: ROI_COLOURS[i % ROI_COLOURS.length],
        opacity: 0.18,
        line: { width: 1, color: ROI_COLOURS[i % ROI_COLOURS.length] },
        editable,
        label: {
          text: r.name,
          textposition: 'top center',
          font: { color: ROI_COLOURS[i % ROI_COLOURS.length] },
        },
      })),
    }),
    [rois, log, source, editable, tof.min, tof.max],
  );
  const addRoi = (): void => {
    if (!proposal || !onRoisChange) return;
    onRoisChange([...rois, { name: name.trim() || `ROI ${rois.length + 1}`, ...proposal }]);
    setProposal(null);
    setName('');
  };
  return (
    <PlotCard
      title="ToF histogram"
      exportName="tof-histogram"
      testId="plot-tof"
      wide
      log={log}
      onToggleLog={onToggleLog}
      csv={() => histogramCsv(tof, 1, 's')}
      info={
        <>
          <span data-testid="tof-total">{formatCount(histogramTotal(tof))}</span>{' '}
          {source === 'pixel' ? 'hits' : 'centroids'} in {formatTime(tof.min)}–{formatTime(tof.max)} · under{' '}
          {formatCount(tof.underflow)} · over {formatCount(tof.overflow)}
        </>
      }
    >
      {(ref) => (
        <>
          <Plot
            data={data}
            layout={layout}
            plotRef={ref}
            testId="tof-plot"
            onSelectX={
              onRoisChange ? (x0, x1) => setProposal({ tofMin: x0 * 1e-6, tofMax: x1 * 1e-6 }) : undefined
            }
            onShapeX={
              onRoisChange
                ? (i, x0, x1) =>
                    onRoisChange(
                      rois.map((r, j) => (j === i ? { ...r, tofMin: x0 * 1e-6, tofMax: x1 * 1e-6 } : r)),
                    )
                : undefined
            }
          />
          {proposal && (
            <form
              className="roi-proposal"
              onSubmit={(e) => {
                e.preventDefault();
                addRoi();
              }}
            >
              New ROI {formatTime(proposal.tofMin)}–{formatTime(proposal.tofMax)}
              <input
                autoFocus
                placeholder={`ROI ${rois.length + 1}`}
                value={name}
                onChange={(e) => setName(e.target.value)}
                aria-label="ROI name"
              />
              <button type="submit">Add</button>
              <button type="button" onClick={() => setProposal(null)}>
                Cancel
              </button>
            </form>
          )}
        </>
      )}
    </PlotCard>
  );
}
