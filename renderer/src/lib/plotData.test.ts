import { describe, expect, it } from 'vitest';
import {
  binEdges,
  histogramCsv,
  histogramTrace,
  logColorBar,
  mapTrace,
  matrixRows,
  trendSeconds,
} from './plotData';
import { columnsToCsv, matrixToCsv } from './csv';
import { formatBytes, formatDuration, formatTime, parseNumber } from './format';

const h = { min: 0, max: 4e-6, counts: new Float64Array([1, 0, 5, 2]), underflow: 3, overflow: 1 };

describe('plot data', () => {
  it('draws a histogram as steps over its bin edges, in display units', () => {
    expect(Array.from(binEdges(h, 1e6))).toEqual([0, 1, 2, 3, 4]);
    const t = histogramTrace(h, 1e6, 'ToF');
    expect(Array.from(t.y!)).toEqual([1, 0, 5, 2, 2]);
    expect(histogramCsv(h, 1, 's')).toBe(
      'bin_start_s,bin_end_s,counts\n0,0.000001,1\n0.000001,0.000002,0\n0.000002,0.000003,5\n0.000003,0.000004,2\n',
    );
  });

  it('turns row-major maps into plotly rows, log10(1 + v) on request, with colour bar ticks in counts', () => {
    const v = new Uint32Array([0, 9, 99, 0, 0, 999]);
    expect(matrixRows(v, 3, 2, false)).toEqual([
      [0, 9, 99],
      [0, 0, 999],
    ]);
    expect(matrixRows(v, 3, 2, true)[0]).toEqual([0, 1, 2]);
    expect(logColorBar(999).ticktext).toEqual(['0', '1', '10', '100']);
    const m = mapTrace(v, 3, 2, false, 2);
    expect([m.x0, m.dx]).toEqual([1, 2]);
    expect(matrixToCsv(v, 3, 2)).toBe('x,y,value\n1,0,9\n2,0,99\n2,1,999\n');
  });

  it('puts trend samples at the seconds they cover, the last one being endS', () => {
    expect(Array.from(trendSeconds(10, 3))).toEqual([8, 9, 10]);
    expect(columnsToCsv([{ name: 'a,b', values: [1, 2] }])).toBe('"a,b"\n1\n2\n');
  });

  it('formats numbers for the operator', () => {
    expect(formatTime(1.5e-6)).toBe('1.5 µs');
    expect(formatTime(1e-3)).toBe('1 ms');
    expect(formatTime(0)).toBe('0 s');
    expect(formatBytes(78.9e9)).toBe('78.9 GB');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(65)).toBe('1:05');
    expect(parseNumber(' 1e-3 ')).toBe(1e-3);
    expect(parseNumber('abc')).toBeNull();
  });
});
