// Parity with the reference implementation (pymepix 8ee4c81) on real recordings: the converter's
// raw/, timing/ and triggers/ against the reference's HDF5 output, and the live path (one batch,
// one longtime) against its online chunk.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLUSTERING } from '../shared/processingSettings';
import { convertRawFile } from '../native-workers/io/convertRaw';
import { EventBuilder, newEventOutput } from '../native-workers/pipeline/eventBuilder';
import { Tpx3Decoder, newDecodedBatch } from '../native-workers/pipeline/tpx3Decoder';
import {
  FIXTURES_SKIP_REASON,
  HAVE_FIXTURES,
  ONLINE_CHUNK_LONGTIME,
  type ExpectedDataset,
  fixturePath,
  loadExpectedDatasets,
  loadOnlineChunk,
} from './fixtures';
import { type H5Dataset, readH5 } from './readH5';
import { useTmpDir } from './tmpDir';

const dir = useTmpDir();

/** Rows as strings keyed per trigger, for comparing multisets where row order is not defined. */
function rowKeys(cols: (number | bigint | string)[][], n: number): string[] {
  return Array.from({ length: n }, (_, i) => cols.map((c) => String(c[i])).join('|')).sort();
}

describe.skipIf(!HAVE_FIXTURES)(
  `parity with the reference ${HAVE_FIXTURES ? '' : `(skipped: ${FIXTURES_SKIP_REASON})`}`,
  () => {
    let got: Map<string, H5Dataset>;
    const expected = HAVE_FIXTURES
      ? loadExpectedDatasets('centroid_pipeline_test.dbscan.expected.json')
      : new Map<string, ExpectedDataset>();

    beforeAll(async () => {
      const output = join(dir, 'centroid_pipeline_test.h5');
      await convertRawFile({
        input: fixturePath('centroid_pipeline_test.raw'),
        output,
        version: 'test',
      });
      got = (await readH5(output)).datasets;
    });

    it('writes every dataset with the reference dtype and length', () => {
      for (const [path, ds] of expected) {
        expect(got.get(path)?.dtype, path).toBe(ds.dtype);
        expect(got.get(path)?.values.length, path).toBe(ds.values.length);
      }
    });

    it('raw/: the same rows per trigger (tof exact to 1e-12 s, the rest exact)', () => {
      const cols = ['trigger nr', 'x', 'y', 'tot'];
      const n = expected.get('raw/tof')!.values.length;
      expect(n).toBe(1287);
      const exp = rowKeys(
        cols.map((c) => expected.get(`raw/${c}`)!.values.map(String)),
        n,
      );
      const mine = rowKeys(
        cols.map((c) => got.get(`raw/${c}`)!.values.map(String)),
        n,
      );
      expect(mine).toEqual(exp);
      // tof: pair rows by (trigger, x, y, tot, tof rounded), then compare within 1e-12 s.
      const withTof = (m: Map<string, { values: (number | bigint | string)[] }>): string[] =>
        rowKeys(
          [
            ...cols.map((c) => m.get(`raw/${c}`)!.values),
            m.get('raw/tof')!.values.map((v) => Number(v).toFixed(9)),
          ],
          n,
        );
      expect(withTof(got)).toEqual(withTof(expected));
      const expTof = expected
        .get('raw/tof')!
        .values.map(Number)
        .sort((a, b) => a - b);
      const myTof = got
        .get('raw/tof')!
        .values.map(Number)
        .sort((a, b) => a - b);
      const worst = Math.max(...expTof.map((v, i) => Math.abs(v - myTof[i])));
      expect(worst).toBeLessThanOrEqual(1e-12);
    });

    it('raw/ rows are grouped by trigger number, ascending', () => {
      const nr = got.get('raw/trigger nr')!.values.map(Number);
      expect(nr.every((v, i) => i === 0 || v >= nr[i - 1])).toBe(true);
    });

    it('timing/timepix and triggers/: identical values in order (timestamps as uint64)', () => {
      for (const path of [
        'timing/timepix/trigger nr',
        'timing/timepix/event trigger',
        'triggers/trigger1/time',
        'triggers/trigger2/time',
      ]) {
        expect(got.get(path)!.values.map(Number), path).toEqual(expected.get(path)!.values.map(Number));
      }
      expect(got.get('timing/timepix/timestamp')!.values.map((v) => BigInt(v))).toEqual(
        expected.get('timing/timepix/timestamp')!.values.map((v) => BigInt(v)),
      );
    });
  },
);

describe.skipIf(!HAVE_FIXTURES)('the live path: one batch, one longtime (online_chunk.expected.json)', () => {
  it('decodes all 1858 pixels and builds the 21 events of trigger 6 exactly', () => {
    const expected = loadOnlineChunk();
    const bytes = readFileSync(fixturePath('centroid_pipeline_test.raw'));
    const words = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const decoder = new Tpx3Decoder({ orientation: 'Up', offsetX: 0, offsetY: 0, timeMode: 'live' });
    const decoded = newDecodedBatch();
    decoder.decode(words, decoded, ONLINE_CHUNK_LONGTIME);
    const [ex, ey, etoa, etot] = expected.pixels.columns.map((c) => c.values);
    const h = decoded.hits;
    expect(h.n).toBe(1858);
    expect(Array.from(h.x.subarray(0, h.n))).toEqual(ex);
    expect(Array.from(h.y.subarray(0, h.n))).toEqual(ey);
    expect(Array.from(h.tot.subarray(0, h.n))).toEqual(etot);
    expect(Array.from(h.toa.subarray(0, h.n))).toEqual(etoa); // bit-exact float64
    const [wMin, wMax] = expected.settings.event_window_s;
    const builder = new EventBuilder({ windowMin: wMin, windowMax: wMax, horizon: 1e-3, startTimeNs: 0 });
    const out = newEventOutput();
    builder.push(h, decoded.triggers, out);
    const [enr, exx, eyy, etof, etot2] = expected.events.columns.map((c) => c.values);
    const e = out.events;
    expect(e.n).toBe(21);
    const mine = rowKeys(
      [e.triggerNr, e.x, e.y, e.tof, e.tot].map((a) => Array.from(a.subarray(0, e.n))),
      e.n,
    );
    expect(mine).toEqual(rowKeys([enr, exx, eyy, etof, etot2], 21));
  });
});

const CENTROID_COLUMNS = ['trigger nr', 'x', 'y', 'tof', 'tot avg', 'tot max', 'clustersize'];

/** Centroid rows per trigger, sorted, for a multiset comparison with tolerances on x, y, tof. */
function centroidRows(get: (c: string) => (number | bigint | string)[]): number[][] {
  const cols = CENTROID_COLUMNS.map((c) => get(c).map(Number));
  const rows = cols[0].map((_, i) => cols.map((c) => c[i]));
  return rows.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3]);
}

describe.skipIf(!HAVE_FIXTURES)('centroided/ parity with the reference, through the converter', () => {
  it.each([
    ['dbscan', 'centroid_pipeline_test.dbscan.expected.json', 46],
    ['stream', 'centroid_pipeline_test.clusterstream.expected.json', 45],
  ] as const)(
    '%s: the same centroids (x, y within 1e-9 px, tof within 1e-12 s, the rest exact)',
    async (algorithm, file, count) => {
      const expected = loadExpectedDatasets(file);
      const output = join(dir, `centroids-${algorithm}.h5`);
      await convertRawFile({
        input: fixturePath('centroid_pipeline_test.raw'),
        output,
        clustering: { ...DEFAULT_CLUSTERING, algorithm },
        workers: 2,
        version: 'test',
      });
      const got = (await readH5(output)).datasets;
      const mine = centroidRows((c) => got.get(`centroided/${c}`)!.values);
      const theirs = centroidRows((c) => expected.get(`centroided/${c}`)!.values);
      expect(mine).toHaveLength(count);
      expect(theirs).toHaveLength(count);
      mine.forEach((row, i) => {
        const ref = theirs[i];
        expect(row[0]).toBe(ref[0]);
        expect(Math.abs(row[1] - ref[1])).toBeLessThanOrEqual(1e-9);
        expect(Math.abs(row[2] - ref[2])).toBeLessThanOrEqual(1e-9);
        expect(Math.abs(row[3] - ref[3])).toBeLessThanOrEqual(1e-12);
        expect(row.slice(4)).toEqual(ref.slice(4));
      });
      for (const c of CENTROID_COLUMNS) expect(got.get(`centroided/${c}`)!.dtype).toBe('float64');
    },
  );
});
