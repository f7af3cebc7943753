// The live view configuration (defaults, nested defaults, validation messages) and the one histogram
// binner: half-open bins, underflow/overflow, NaN, and rounding just below max.
import { describe, expect, it } from 'vitest';
import {
  binIndex,
  DEFAULT_LIVE_VIEWS,
  DEFAULT_SENSOR,
  fillHistogram,
  MAX_ROIS,
  newHistogram,
  parseLiveViewsConfig,
  sensorGeometrySchema,
} from './liveViews';

describe('live views config', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_LIVE_VIEWS).toEqual({
      refreshHz: 5,
      tof: { min: 0, max: 1e-3, bins: 1000, source: 'pixel' },
      tot: { bins: 200, max: 5000 },
      tofTot: { tofBins: 200, totBins: 100 },
      clusterSize: { maxSize: 64 },
      trendSeconds: 60,
      hitMap: { mode: 'counts' },
      centroidMap: { binSize: 1 },
      rois: [],
      roiBins: 100,
      reset: { mode: 'accumulate', n: 1 },
    });
    expect(DEFAULT_SENSOR).toEqual({ width: 256, height: 256 });
  });

  it('fills nested defaults around what is given', () => {
    const c = parseLiveViewsConfig({
      refreshHz: 30,
      tof: { max: 2e-5, source: 'centroid' },
      rois: [{ name: ' C+ ', tofMin: 1e-6, tofMax: 2e-6 }],
      reset: { mode: 'everyNTriggers', n: 100 },
    });
    expect(c.tof).toEqual({ min: 0, max: 2e-5, bins: 1000, source: 'centroid' });
    expect(c.rois).toEqual([{ name: 'C+', tofMin: 1e-6, tofMax: 2e-6 }]);
    expect(c.reset).toEqual({ mode: 'everyNTriggers', n: 100 });
    expect(c.tot).toEqual(DEFAULT_LIVE_VIEWS.tot);
  });

  it('rejects bad values with messages naming the field and the problem', () => {
    const err = (input: unknown): string => {
      try {
        parseLiveViewsConfig(input);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err({ refreshHz: 0 })).toMatch(/^live views: refreshHz: /);
    expect(err({ refreshHz: 31 })).toMatch(/refreshHz: .*30/);
    expect(err({ tof: { min: 1e-6, max: 1e-6 } })).toBe(
      'live views: tof.max: tof.min must be less than tof.max',
    );
    expect(err({ tof: { bins: 0 } })).toMatch(/tof\.bins: /);
    expect(err({ tof: { bins: 2.5 } })).toMatch(/tof\.bins: /);
    expect(err({ tof: { source: 'cluster' } })).toMatch(/tof\.source: .*"pixel"\|"centroid"/);
    expect(err({ hitMap: { mode: 'sum' } })).toMatch(/hitMap\.mode: /);
    expect(err({ centroidMap: { binSize: 0 } })).toMatch(/centroidMap\.binSize: /);
    expect(err({ tot: { max: -1 } })).toMatch(/tot\.max: /);
    expect(err({ rois: [{ name: 'A', tofMin: 2e-6, tofMax: 1e-6 }] })).toBe(
      "live views: rois.0.tofMax: ROI 'A': tofMin (2 us) must be less than tofMax (1 us)",
    );
    expect(
      err({
        rois: [
          { name: 'A', tofMin: 0, tofMax: 1 },
          { name: 'B', tofMin: 0, tofMax: 1 },
          { name: 'A', tofMin: 1, tofMax: 2 },
        ],
      }),
    ).toBe("live views: rois.2.name: ROI name 'A' is used more than once; names must be unique");
    expect(err({ rois: [{ name: '  ', tofMin: 0, tofMax: 1 }] })).toMatch(
      /rois\.0\.name: ROI name must not be empty/,
    );
    const many = Array.from({ length: MAX_ROIS + 1 }, (_, i) => ({ name: `r${i}`, tofMin: 0, tofMax: 1 }));
    expect(err({ rois: many })).toMatch(/^live views: rois: /);
    expect(err({ reset: { mode: 'everyNTriggers', n: 1.5 } })).toBe(
      'live views: reset.n: reset.n must be a whole number of triggers',
    );
    expect(err({ reset: { mode: 'everyNSeconds', n: 0 } })).toMatch(/reset\.n: /);
    expect(err({ reset: { mode: 'everyNSeconds', n: 0.5 } })).toBe('no error');
    // Every problem is named, not just the first.
    expect(err({ refreshHz: 0, trendSeconds: 0 })).toMatch(/refreshHz: .*; trendSeconds: /);
  });

  it('validates the sensor geometry', () => {
    expect(sensorGeometrySchema.parse({ width: 448, height: 512 })).toEqual({ width: 448, height: 512 });
    expect(() => sensorGeometrySchema.parse({ width: 0, height: 256 })).toThrow();
  });
});

describe('binIndex', () => {
  const bin = (v: number, min: number, max: number, n: number): number =>
    binIndex(v, min, max, n / (max - min), n);

  it('uses half-open bins [min, max): max is overflow, below min underflow', () => {
    expect(bin(0, 0, 4, 4)).toBe(0);
    expect(bin(0.999, 0, 4, 4)).toBe(0);
    expect(bin(1, 0, 4, 4)).toBe(1);
    expect(bin(3.999, 0, 4, 4)).toBe(3);
    expect(bin(4, 0, 4, 4)).toBe(4);
    expect(bin(1e9, 0, 4, 4)).toBe(4);
    expect(bin(-1e-12, 0, 4, 4)).toBe(-1);
    expect(bin(Number.NaN, 0, 4, 4)).toBe(-1);
    expect(bin(-3, -4, 4, 4)).toBe(0);
  });

  it('keeps a value just below max in the last bin despite rounding', () => {
    const v = 0.46099999999999997; // the largest double below 0.461; (v - 0.08) * scale rounds to 603
    expect((v - 0.08) * (603 / (0.461 - 0.08))).toBe(603);
    expect(bin(v, 0.08, 0.461, 603)).toBe(602);
  });
});

describe('fillHistogram', () => {
  it('counts each value once, into its bin, underflow or overflow', () => {
    const h = newHistogram(0, 4, 4);
    fillHistogram(h, Float64Array.from([0, 0.5, 1, 3.999, 4, -0.1, 2, Number.NaN, 99]), 8);
    expect(Array.from(h.counts)).toEqual([2, 1, 1, 1]);
    expect([h.under, h.over]).toEqual([2, 1]); // -0.1 and NaN; 4 (99 is beyond n)
    fillHistogram(h, Uint32Array.from([3, 7]), 2);
    expect(Array.from(h.counts)).toEqual([2, 1, 1, 2]);
    expect(h.over).toBe(2);
  });
});
