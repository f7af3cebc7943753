// Snapshot pieces to plot traces (plotly's data objects) and to CSV. Pure: no DOM, no plotly
// import, so the stores' and figures' tests run under Node. ToF is shown in µs, ToT in ns, trends
// against seconds since acquisition start. Maps are images (lib/colormap.ts); their log colour
// scale maps v to log10(1 + v), its colour bar labelled in counts (logColorBar).
import type { HistogramSnapshot, LiveSnapshot } from '../../../shared/liveViews';
import { type CsvColumn, columnsToCsv, matrixToCsv } from './csv';

export interface Trace {
  type: 'scatter' | 'image';
  x?: ArrayLike<number>;
  y?: ArrayLike<number>;
  name?: string;
  [key: string]: unknown;
}

/** Left edges of a histogram's bins, plus the right edge of the last, times `scale`. */
export function binEdges(h: HistogramSnapshot, scale = 1): Float64Array {
  const n = h.counts.length;
  const w = (h.max - h.min) / n;
  const edges = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) edges[i] = (h.min + i * w) * scale;
  return edges;
}

/** A histogram as a step line (plotly 'hv' steps over the bin edges; the last count repeated so the
 * last bin is drawn to its right edge). */
export function histogramTrace(h: HistogramSnapshot, scale: number, name: string, color?: string): Trace {
  const n = h.counts.length;
  const y = new Float64Array(n + 1);
  y.set(h.counts);
  y[n] = n > 0 ? h.counts[n - 1] : 0;
  return {
    type: 'scatter',
    mode: 'lines',
    line: { shape: 'hv', width: 1.2, ...(color ? { color } : {}) },
    fill: 'tozeroy',
    x: binEdges(h, scale),
    y,
    name,
  };
}

export function histogramCsv(h: HistogramSnapshot, scale: number, unit: string): string {
  const n = h.counts.length;
  const edges = binEdges(h, scale);
  return columnsToCsv([
    { name: `bin_start_${unit}`, values: edges.subarray(0, n) },
    { name: `bin_end_${unit}`, values: edges.subarray(1) },
    { name: 'counts', values: h.counts },
  ]);
}

export function histogramTotal(h: HistogramSnapshot): number {
  let t = 0;
  for (let i = 0; i < h.counts.length; i++) t += h.counts[i];
  return t;
}

/** Colour bar ticks in counts for a log10(1 + v) scale up to `max`. */
export function logColorBar(max: number): { tickvals: number[]; ticktext: string[] } {
  const tickvals: number[] = [0];
  const ticktext: string[] = ['0'];
  for (let d = 0; 10 ** d <= Math.max(1, max); d++) {
    tickvals.push(Math.log10(1 + 10 ** d));
    ticktext.push(d < 3 ? String(10 ** d) : `1e${d}`);
  }
  return { tickvals, ticktext };
}

export function maxOf(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
  return m;
}

export function mapCsv(values: ArrayLike<number>, width: number, height: number): string {
  return matrixToCsv(values, width, height);
}

/** Seconds of each trend sample: element i is the second endS - len + 1 + i. */
export function trendSeconds(endS: number, length: number): Float64Array {
  const x = new Float64Array(length);
  for (let i = 0; i < length; i++) x[i] = endS - length + 1 + i;
  return x;
}

export function trendTrace(endS: number, values: Float64Array, name: string, color?: string): Trace {
  return {
    type: 'scatter',
    mode: 'lines',
    x: trendSeconds(endS, values.length),
    y: values,
    name,
    line: { width: 1.5, ...(color ? { color } : {}) },
  };
}

export function trendCsv(endS: number, series: { name: string; values: Float64Array }[]): string {
  const n = series.reduce((m, s) => Math.max(m, s.values.length), 0);
  const columns: CsvColumn[] = [{ name: 'time_s', values: trendSeconds(endS, n) }, ...series];
  return columnsToCsv(columns);
}

/** Where the ToF-vs-ToT map's cells sit: x = ToF (µs) columns, y = ToT (ns) rows (centres). */
export function tofTotGeometry(s: LiveSnapshot['tofTot']): {
  x0: number;
  dx: number;
  y0: number;
  dy: number;
} {
  const dx = ((s.tofMax - s.tofMin) / s.tofBins) * 1e6;
  const dy = s.totMax / s.totBins;
  return { x0: s.tofMin * 1e6 + dx / 2, dx, y0: dy / 2, dy };
}

export function tofTotCsv(s: LiveSnapshot['tofTot']): string {
  return matrixToCsv(s.counts, s.tofBins, s.totBins, ['tof_column', 'tot_row', 'counts']);
}

/** Cluster size histogram as bars: x = hits per cluster (1..maxSize). */
export function clusterSizeTrace(h: HistogramSnapshot): Trace {
  const x = new Float64Array(h.counts.length);
  for (let i = 0; i < x.length; i++) x[i] = i + 1;
  return {
    type: 'scatter',
    mode: 'lines',
    line: { shape: 'hvh', width: 1.2 },
    fill: 'tozeroy',
    x,
    y: h.counts,
    name: 'clusters',
  };
}
