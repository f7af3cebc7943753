import { describe, expect, it } from 'vitest';
import {
  binEdges,
  histogramCsv,
  histogramTrace,
  logColorBar,
  tofTotGeometry,
  trendSeconds,
} from './plotData';
import { colourTable, mapToImage } from './colormap';
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

  it('colours maps through Viridis, linear or log10(1 + v), with colour bar ticks in counts', () => {
    const table = colourTable();
    expect(Array.from(table.subarray(0, 3))).toEqual([0x44, 0x01, 0x54]);
    expect(Array.from(table.subarray(255 * 3))).toEqual([0xfd, 0xe7, 0x25]);
    const v = new Uint32Array([0, 9, 99, 0, 0, 999]);
    const lin = mapToImage(v, 3, 2, false);
    expect(lin.max).toBe(999);
    // Pixel (x 2, y 1) holds the maximum: the top colour; zero is the bottom colour; alpha opaque.
    expect(Array.from(lin.rgba.subarray((1 * 3 + 2) * 4, (1 * 3 + 2) * 4 + 4))).toEqual([
      0xfd, 0xe7, 0x25, 255,
    ]);
    expect(Array.from(lin.rgba.subarray(0, 4))).toEqual([0x44, 0x01, 0x54, 255]);
    const log = mapToImage(v, 3, 2, true);
    expect(log.max).toBeCloseTo(3, 12);
    // log10(1 + 9) = 1 of 3: a third of the way up the table.
    expect(Array.from(log.rgba.subarray(4, 7))).toEqual(Array.from(table.subarray(85 * 3, 85 * 3 + 3)));
    expect(logColorBar(999).ticktext).toEqual(['0', '1', '10', '100']);
    expect(matrixToCsv(v, 3, 2)).toBe('x,y,value\n1,0,9\n2,0,99\n2,1,999\n');
    expect(
      tofTotGeometry({
        tofMin: 0,
        tofMax: 1e-5,
        tofBins: 100,
        totMax: 5000,
        totBins: 100,
        counts: new Uint32Array(),
      }),
    ).toEqual({
      x0: 0.05,
      dx: 0.1,
      y0: 25,
      dy: 50,
    });
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
