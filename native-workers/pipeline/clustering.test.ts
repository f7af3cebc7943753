// clusterEvents against the reference's outputs (DBSCAN and cluster stream on the centroid test
// file, DBSCAN on the online chunk), the filters, chunk independence and a large single trigger.
import { describe, expect, it } from 'vitest';
import { emptyEventBatch, type CentroidBatch, type EventBatch } from '../../shared/batches';
import { DEFAULT_CLUSTERING } from '../../shared/processingSettings';
import {
  FIXTURES_SKIP_REASON,
  HAVE_FIXTURES,
  loadExpectedDatasets,
  loadOnlineChunk,
} from '../../test/fixtures';
import { clusterEvents, selectRows } from './clustering';

type Row = [trig: number, x: number, y: number, tof: number, totAvg: number, totMax: number, size: number];

function eventsFrom(cols: ArrayLike<number | string>[]): EventBatch {
  const n = cols[0].length;
  const ev = emptyEventBatch(n);
  ev.n = n;
  for (let i = 0; i < n; i++) {
    ev.triggerNr[i] = Number(cols[0][i]);
    ev.x[i] = Number(cols[1][i]);
    ev.y[i] = Number(cols[2][i]);
    ev.tof[i] = Number(cols[3][i]);
    ev.tot[i] = Number(cols[4][i]);
  }
  return ev;
}

function rowsOf(c: CentroidBatch): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < c.n; i++) {
    out.push([c.triggerNr[i], c.x[i], c.y[i], c.tof[i], c.totAvg[i], c.totMax[i], c.size[i]]);
  }
  return out;
}

function columnsToRows(cols: ArrayLike<number | string>[]): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < cols[0].length; i++) out.push(cols.map((c) => Number(c[i])) as Row);
  return out;
}

/** Same rows per trigger as multisets: x, y within 1e-9, tof within 1e-12 s, the rest exact. */
function expectSameCentroids(actual: Row[], expected: Row[]): void {
  expect(actual.length).toBe(expected.length);
  const key = (r: Row): number[] => [r[0], r[6], r[5], r[4], r[1], r[2], r[3]];
  const cmp = (a: Row, b: Row): number => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
    return 0;
  };
  const a = [...actual].sort(cmp);
  const e = [...expected].sort(cmp);
  // Output is grouped by trigger ascending.
  for (let i = 1; i < actual.length; i++) expect(actual[i][0]).toBeGreaterThanOrEqual(actual[i - 1][0]);
  for (let i = 0; i < a.length; i++) {
    expect(a[i][0]).toBe(e[i][0]);
    expect(Math.abs(a[i][1] - e[i][1])).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(a[i][2] - e[i][2])).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(a[i][3] - e[i][3])).toBeLessThanOrEqual(1e-12);
    expect(a[i][4]).toBe(e[i][4]);
    expect(a[i][5]).toBe(e[i][5]);
    expect(a[i][6]).toBe(e[i][6]);
  }
}

function fileCase(name: string): { events: EventBatch; expected: Row[] } {
  const ds = loadExpectedDatasets(name);
  const col = (p: string): (number | string)[] => {
    const d = ds.get(p);
    if (!d) throw new Error(`${name}: no ${p}`);
    return d.values;
  };
  const events = eventsFrom(['trigger nr', 'x', 'y', 'tof', 'tot'].map((c) => col(`raw/${c}`)));
  const names = ['trigger nr', 'x', 'y', 'tof', 'tot avg', 'tot max', 'clustersize'];
  return { events, expected: columnsToRows(names.map((c) => col(`centroided/${c}`))) };
}

describe.skipIf(!HAVE_FIXTURES)(
  `parity with the reference ${HAVE_FIXTURES ? '' : FIXTURES_SKIP_REASON}`,
  () => {
    it('DBSCAN defaults on centroid_pipeline_test gives its 46 centroids', () => {
      const { events, expected } = fileCase('centroid_pipeline_test.dbscan.expected.json');
      expect(expected.length).toBe(46);
      const out = clusterEvents(events, DEFAULT_CLUSTERING);
      expectSameCentroids(rowsOf(out), expected);
    });

    it('cluster stream on centroid_pipeline_test gives its 45 centroids', () => {
      const { events, expected } = fileCase('centroid_pipeline_test.clusterstream.expected.json');
      expect(expected.length).toBe(45);
      const out = clusterEvents(events, { ...DEFAULT_CLUSTERING, algorithm: 'stream' });
      expectSameCentroids(rowsOf(out), expected);
    });

    it('DBSCAN on the online chunk gives its single centroid', () => {
      const chunk = loadOnlineChunk();
      const events = eventsFrom(chunk.events.columns.slice(0, 5).map((c) => c.values));
      const expected = columnsToRows(chunk.centroids.columns.slice(0, 7).map((c) => c.values));
      expect(expected.length).toBe(1);
      expectSameCentroids(rowsOf(clusterEvents(events, DEFAULT_CLUSTERING)), expected);
    });

    it('gives the same centroids for any split into whole triggers, any row order within a trigger', () => {
      for (const algorithm of ['dbscan', 'stream'] as const) {
        const name = `centroid_pipeline_test.${algorithm === 'dbscan' ? 'dbscan' : 'clusterstream'}.expected.json`;
        const { events } = fileCase(name);
        const settings = { ...DEFAULT_CLUSTERING, algorithm };
        const whole = rowsOf(clusterEvents(events, settings));
        const parts: Row[] = [];
        const splits = [...wholeTriggerSplits(events, 100), events.n];
        let from = 0;
        for (const to of splits) {
          parts.push(...rowsOf(clusterEvents(slice(events, from, to), settings)));
          from = to;
        }
        expect(splits.length).toBeGreaterThan(3);
        expect(parts).toEqual(whole);
        // Reversed rows: same clusters per trigger (sums may differ in the last bits).
        expectSameCentroids(rowsOf(clusterEvents(reversed(events), settings)), whole);
      }
    });
  },
);

function slice(ev: EventBatch, from: number, to: number): EventBatch {
  return {
    n: to - from,
    triggerNr: ev.triggerNr.slice(from, to),
    x: ev.x.slice(from, to),
    y: ev.y.slice(from, to),
    tof: ev.tof.slice(from, to),
    tot: ev.tot.slice(from, to),
  };
}

function reversed(ev: EventBatch): EventBatch {
  const n = ev.n;
  return {
    n,
    triggerNr: ev.triggerNr.slice(0, n).reverse(),
    x: ev.x.slice(0, n).reverse(),
    y: ev.y.slice(0, n).reverse(),
    tof: ev.tof.slice(0, n).reverse(),
    tot: ev.tot.slice(0, n).reverse(),
  };
}

/** First row of each chunk after the first: whole triggers until a chunk holds >= limit rows. */
function wholeTriggerSplits(ev: EventBatch, limit: number): number[] {
  const splits: number[] = [];
  let inChunk = 0;
  for (let i = 0, j = 0; i < ev.n; i = j) {
    while (j < ev.n && ev.triggerNr[j] === ev.triggerNr[i]) j++;
    if (inChunk >= limit) {
      splits.push(i);
      inChunk = 0;
    }
    inChunk += j - i;
  }
  return splits;
}

/** Trigger t: a 5-hit blob at (20 + 10 t, 30), ToTs 125 down to 25 in time, plus a far noise hit. */
function blobsPerTrigger(triggers: number[]): EventBatch {
  const rows: number[][] = [];
  for (const t of triggers) {
    for (let i = 0; i < 5; i++)
      rows.push([t, 20 + 10 * t + (i % 3), 30 + Math.floor(i / 3), 1e-5 + i * 1e-9, 25 * (5 - i)]);
    rows.push([t, 200, 200, 5e-5, 500]);
  }
  return eventsFrom([0, 1, 2, 3, 4].map((c) => rows.map((r) => r[c])));
}

describe('clusterEvents filters and options', () => {
  for (const algorithm of ['dbscan', 'stream'] as const) {
    it(`${algorithm}: everyNthTrigger keeps triggers whose number is a multiple of n`, () => {
      const ev = blobsPerTrigger([0, 1, 2, 3, 4, 5, 6]);
      const all = clusterEvents(ev, { ...DEFAULT_CLUSTERING, algorithm });
      expect(Array.from(all.triggerNr.subarray(0, all.n))).toEqual([0, 1, 2, 3, 4, 5, 6]);
      const third = clusterEvents(ev, { ...DEFAULT_CLUSTERING, algorithm, everyNthTrigger: 3 });
      expect(Array.from(third.triggerNr.subarray(0, third.n))).toEqual([0, 3, 6]);
      // The same rule whatever the batch: triggers 4..6 alone still give only 6.
      const part = clusterEvents(blobsPerTrigger([4, 5, 6]), {
        ...DEFAULT_CLUSTERING,
        algorithm,
        everyNthTrigger: 3,
      });
      expect(Array.from(part.triggerNr.subarray(0, part.n))).toEqual([6]);
    });

    it(`${algorithm}: totThreshold drops hits with tot <= threshold before clustering`, () => {
      const ev = blobsPerTrigger([2]);
      const full = clusterEvents(ev, { ...DEFAULT_CLUSTERING, algorithm });
      expect([full.n, full.size[0], full.totAvg[0]]).toEqual([1, 5, 75]);
      const cut = clusterEvents(ev, { ...DEFAULT_CLUSTERING, algorithm, totThreshold: 50 });
      // ToT 25 and 50 gone: 75, 100, 125 remain.
      expect([cut.n, cut.size[0], cut.totAvg[0], cut.totMax[0]]).toEqual([1, 3, 100, 125]);
      expect(clusterEvents(ev, { ...DEFAULT_CLUSTERING, algorithm, totThreshold: 75 }).n).toBe(0);
    });

    it(`${algorithm}: applies the centroid time-walk table (seconds)`, () => {
      const ev = blobsPerTrigger([1]);
      const plain = clusterEvents(ev, { ...DEFAULT_CLUSTERING, algorithm });
      const lut = Float64Array.from([1e-9, 2e-9, 3e-9, 4e-9, 5e-9, 6e-9]);
      const corrected = clusterEvents(ev, { ...DEFAULT_CLUSTERING, algorithm }, { centroidLut: lut });
      // tot max 125 -> index floor(125 / 25) - 1 = 4.
      expect(corrected.tof[0]).toBe(plain.tof[0] - 5e-9);
    });
  }

  it("'none' gives no centroids", () => {
    expect(clusterEvents(blobsPerTrigger([0, 1]), { ...DEFAULT_CLUSTERING, algorithm: 'none' }).n).toBe(0);
  });

  it('selectRows keeps the batch when every row passes, else copies the passing rows by trigger', () => {
    const ev = blobsPerTrigger([0, 1]);
    expect(selectRows(ev, DEFAULT_CLUSTERING)).toBe(ev);
    const shuffled = reversed(ev);
    const grouped = selectRows(shuffled, { ...DEFAULT_CLUSTERING, totThreshold: 25 });
    expect(grouped.n).toBe(10);
    expect(Array.from(grouped.triggerNr.subarray(0, grouped.n))).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    // Stable: within a trigger the (reversed) input order is kept.
    expect(Array.from(grouped.tot.subarray(0, 5))).toEqual([500, 50, 75, 100, 125]);
  });
});
