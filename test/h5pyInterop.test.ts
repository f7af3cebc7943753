// Interop with the real reader: a run file written by openRunWriter (on our own HDF5 writer,
// h5Append) is opened by h5py (system Python, /usr/bin/python3, its own HDF5 library) and every
// dataset's dtype, shape, maxshape, chunks, attributes and values, and every group's attributes,
// are compared with what downstream scripts expect; and h5Append's edge cases (a multi-level chunk
// B-tree, empty columns, wide groups) are read back whole.
// Without h5py the tests skip, saying why; with CI or CHRONOPIX_REQUIRE_FIXTURES set they fail.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CentroidBatch, EventBatch, TimingBatch } from '../shared/batches';
import { createH5File } from '../native-workers/io/h5Append';
import { openRunWriter } from '../native-workers/io/runH5Writer';
import { useTmpDir } from './tmpDir';

const PYTHON = '/usr/bin/python3';
const HAVE_H5PY = spawnSync(PYTHON, ['-c', 'import h5py'], { stdio: 'ignore' }).status === 0;
const REQUIRED = !!process.env.CI || !!process.env.CHRONOPIX_REQUIRE_FIXTURES;
if (!HAVE_H5PY) {
  const why = `${PYTHON} cannot import h5py (apt-get install python3-h5py)`;
  if (REQUIRED)
    throw new Error(`h5py interop tests are required (CI or CHRONOPIX_REQUIRE_FIXTURES) but ${why}`);
  console.warn(`skipping h5py interop tests: ${why}`);
}

// 64-bit integers go out as strings (JSON numbers lose precision beyond 2^53); floats as repr.
const DUMP = `
import h5py, json, sys
def attr(v):
    if isinstance(v, bytes): v = v.decode()
    if isinstance(v, str): return {'type': 'str', 'value': v}
    return {'type': v.dtype.name, 'value': str(v) if v.dtype.kind in 'iu' else float(v)}
out = {'groups': {}, 'datasets': {}}
f = h5py.File(sys.argv[1], 'r')
def visit(name, obj):
    attrs = {k: attr(v) for k, v in obj.attrs.items()}
    if isinstance(obj, h5py.Dataset):
        vals = obj[()]
        out['datasets'][name] = {
            'dtype': obj.dtype.name, 'shape': list(obj.shape), 'maxshape': list(obj.maxshape),
            'chunks': list(obj.chunks) if obj.chunks else None, 'compression': obj.compression,
            'attrs': attrs, 'values': [str(v) for v in vals] if obj.dtype.kind in 'iu' else vals.tolist()}
    else:
        out['groups'][name] = attrs
out['groups']['/'] = {k: attr(v) for k, v in f.attrs.items()}
f.visititems(visit)
print(json.dumps(out))
`;

interface Attr {
  type: string;
  value: string | number;
}
interface Dump {
  groups: Record<string, Record<string, Attr>>;
  datasets: Record<
    string,
    {
      dtype: string;
      shape: number[];
      maxshape: (number | null)[];
      chunks: number[] | null;
      compression: string | null;
      attrs: Record<string, Attr>;
      values: (string | number)[];
    }
  >;
}

function dumpWithH5py(path: string): Dump {
  const r = spawnSync(PYTHON, ['-c', DUMP, path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`h5py could not read ${path}: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout) as Dump;
}

const str = (value: string): Attr => ({ type: 'str', value });
const int64 = (value: number): Attr => ({ type: 'int64', value: String(value) });

function events(triggerNr: number[], x: number[], y: number[], tof: number[], tot: number[]): EventBatch {
  return {
    n: triggerNr.length,
    triggerNr: Float64Array.from([...triggerNr, 99]), // arrays longer than n, as pipeline buffers are
    x: Uint16Array.from([...x, 99]),
    y: Uint16Array.from([...y, 99]),
    tof: Float64Array.from([...tof, 99]),
    tot: Uint32Array.from([...tot, 99]),
  };
}

describe.skipIf(!HAVE_H5PY && !REQUIRED)('HDF5 run file read by h5py', () => {
  const dir = useTmpDir('h5py-interop-');

  // Also with the converter's write-behind (data blocks written in the thread pool).
  it.each([0, 64 << 20])(
    'has the reference layout: dtypes, maxshape (None,), chunks, units, descriptions, nr events (write-behind %d)',
    async (writeBehindBytes) => {
      const path = join(dir, `run-${writeBehindBytes}.h5`);
      const w = await openRunWriter(path, { coordinateDtype: 'uint8', writeBehindBytes });
      w.appendEvents(events([0, 1], [0, 255], [17, 3], [1.5e-6, 2.25e-6], [25, 50]));
      w.appendEvents(
        events([4294967301, 9007199254740991], [128, 7], [0, 200], [0, 1e-3], [1000, 4294967295]),
      );
      const ts = 1735689600001500000; // integral float64 beyond 2^53, as TimingBatch carries it
      const timing: TimingBatch = {
        n: 1,
        triggerNr: Float64Array.of(3),
        triggerTime: Float64Array.of(0.0015),
        timestampNs: Float64Array.of(ts),
      };
      w.appendTiming(timing);
      w.appendTriggers(1, { n: 3, time: Float64Array.of(0.001, -0.0015, 0.002) });
      w.appendTriggers(2, { n: 1, time: Float64Array.of(-0.5) });
      const c: CentroidBatch = {
        n: 2,
        triggerNr: Float64Array.of(0, 4294967301),
        x: Float64Array.of(10.5, 200.25),
        y: Float64Array.of(3.75, 0),
        tof: Float64Array.of(1.5e-6, 2e-6),
        totAvg: Float64Array.of(37.5, 25),
        totMax: Float64Array.of(50, 25),
        size: Float64Array.of(2, 1),
      };
      w.appendCentroids({ ...c, n: 0 }); // nothing yet: no group
      w.appendCentroids(c);
      w.setMetadata({
        run: { 'chronopix version': '0.1.0', workers: 2, 'duration s': 0.125 },
        settings: { 'event window s': [0, 0.01], clustering: true, offset: { x: 0, y: 0 }, lut: null },
        counts: { hits: 4, 'dropped hits': 0 },
      });
      await w.commit();
      const d = dumpWithH5py(path);

      const expected: Record<string, [string, (string | number)[], Record<string, Attr>]> = {
        'raw/trigger nr': ['uint64', ['0', '1', '4294967301', '9007199254740991'], {}],
        'raw/x': ['uint8', ['0', '255', '128', '7'], { unit: str('pixel') }],
        'raw/y': ['uint8', ['17', '3', '0', '200'], { unit: str('pixel') }],
        'raw/tof': ['float64', [1.5e-6, 2.25e-6, 0, 1e-3], { unit: str('s') }],
        'raw/tot': ['uint32', ['25', '50', '1000', '4294967295'], { unit: str('ns') }],
        'timing/timepix/trigger nr': ['int64', ['3'], {}],
        'timing/timepix/event trigger': ['float64', [0.0015], { unit: str('s') }],
        'timing/timepix/timestamp': ['uint64', [BigInt(ts).toString()], { unit: str('ns') }],
        'triggers/trigger1/time': ['float64', [0.001, -0.0015, 0.002], { unit: str('s') }],
        'triggers/trigger2/time': ['float64', [-0.5], { unit: str('s') }],
        'centroided/trigger nr': ['float64', [0, 4294967301], {}],
        'centroided/x': ['float64', [10.5, 200.25], { unit: str('pixel') }],
        'centroided/y': ['float64', [3.75, 0], { unit: str('pixel') }],
        'centroided/tof': ['float64', [1.5e-6, 2e-6], { unit: str('s') }],
        'centroided/tot avg': [
          'float64',
          [37.5, 25],
          { unit: str('ns'), description: str('mean of time above threshold in cluster') },
        ],
        'centroided/tot max': [
          'float64',
          [50, 25],
          { unit: str('ns'), description: str('maximum of time above threshold in cluster') },
        ],
        'centroided/clustersize': ['float64', [2, 1], {}],
      };
      expect(Object.keys(d.datasets).sort()).toEqual(Object.keys(expected).sort());
      for (const [name, [dtype, values, attrs]] of Object.entries(expected)) {
        const ds = d.datasets[name];
        expect({ name, dtype: ds.dtype, values: ds.values, attrs: ds.attrs }).toEqual({
          name,
          dtype,
          values,
          attrs,
        });
        expect({ name, shape: ds.shape, maxshape: ds.maxshape, compression: ds.compression }).toEqual({
          name,
          shape: [values.length],
          maxshape: [null],
          compression: null,
        });
        expect(ds.chunks, name).toEqual([values.length]); // small columns: one chunk of exactly their rows
      }

      expect(d.groups).toEqual({
        '/': {},
        raw: { description: str('timewalk corrected raw events'), 'nr events': int64(4) },
        centroided: { description: str('centroided events'), 'nr events': int64(2) },
        timing: { description: str('timing information from TimePix and facility') },
        'timing/timepix': { description: str('timing information from TimePix'), 'nr events': int64(1) },
        triggers: { description: str('triggering information from TimePix') },
        'triggers/trigger1': { description: str('trigger1 time from TimePix starting') },
        'triggers/trigger2': { description: str('trigger2 time from TimePix starting') },
        metadata: {},
        'metadata/run': {
          'chronopix version': str('0.1.0'),
          workers: int64(2),
          'duration s': { type: 'float64', value: 0.125 },
        },
        'metadata/settings': {
          'event window s': str('[0,0.01]'),
          clustering: { type: 'uint8', value: '1' },
          offset: str('{"x":0,"y":0}'),
          lut: str('null'),
          'coordinate dtype': str('uint8'),
        },
        'metadata/counts': { hits: int64(4), 'dropped hits': int64(0) },
      });
    },
  );

  it('writes no centroided group without centroids, and zero-length datasets when empty', async () => {
    const path = join(dir, 'empty.h5');
    const w = await openRunWriter(path, { coordinateDtype: 'uint16' });
    await w.commit();
    const d = dumpWithH5py(path);
    expect(Object.keys(d.groups)).not.toContain('centroided');
    expect(Object.keys(d.datasets).some((k) => k.startsWith('centroided'))).toBe(false);
    for (const [name, dtype] of [
      ['raw/trigger nr', 'uint64'],
      ['raw/x', 'uint16'],
      ['raw/y', 'uint16'],
      ['raw/tof', 'float64'],
      ['raw/tot', 'uint32'],
      ['timing/timepix/trigger nr', 'int64'],
      ['timing/timepix/event trigger', 'float64'],
      ['timing/timepix/timestamp', 'uint64'],
      ['triggers/trigger1/time', 'float64'],
      ['triggers/trigger2/time', 'float64'],
    ]) {
      expect(d.datasets[name], name).toMatchObject({ dtype, shape: [0], maxshape: [null], values: [] });
      expect(d.datasets[name].chunks, name).not.toBeNull();
    }
    expect(d.groups.raw['nr events']).toEqual(int64(0));
    expect(d.groups['timing/timepix']['nr events']).toEqual(int64(0));
    expect(d.groups['metadata/settings']).toEqual({ 'coordinate dtype': str('uint16') });
  });

  it('keeps x and y above 255 with uint16 coordinates', async () => {
    const path = join(dir, 'tpx4.h5');
    const w = await openRunWriter(path, { coordinateDtype: 'uint16' });
    w.appendEvents(events([0], [447], [511], [1e-6], [25]));
    await w.commit();
    const d = dumpWithH5py(path);
    expect(d.datasets['raw/x']).toMatchObject({ dtype: 'uint16', values: ['447'] });
    expect(d.datasets['raw/y']).toMatchObject({ dtype: 'uint16', values: ['511'] });
  });

  it('reads what h5Append writes at its edges: a 3-level chunk B-tree, empty columns, wide groups', async () => {
    const path = join(dir, 'edges.h5');
    const f = await createH5File(path, { chunkRows: 4, blockRows: 16 });
    const rows = 4 * (64 * 64 + 9) + 1; // chunks beyond 64 x 64 leaves: leaf, internal and root levels
    const big = f.column('big/v', 'uint64', { unit: 'ns' });
    for (let off = 0; off < rows; off += 1000) {
      const n = Math.min(1000, rows - off);
      big.append(
        Float64Array.from({ length: n }, (_, i) => (off + i) * 2 ** 20 + 2 ** 53),
        n,
      );
    }
    f.column('big/empty', 'float64', { unit: 's' });
    f.column('big/empty u8', 'uint8');
    const expectedGroups: Record<string, Record<string, Attr>> = { '/': { title: str('edges') }, big: {} };
    f.setAttrs('/', { title: 'edges' });
    f.group('many');
    expectedGroups.many = {};
    for (let i = 0; i < 150; i++) {
      const attrs = { index: i, name: `child ${i}`, half: i + 0.5, odd: i % 2 === 1 };
      f.group(`many/child ${i}`, attrs);
      expectedGroups[`many/child ${i}`] = {
        index: int64(i),
        name: str(`child ${i}`),
        half: { type: 'float64', value: i + 0.5 },
        odd: { type: 'uint8', value: String(i % 2) },
      };
    }
    for (let i = 0; i < 20; i++) f.column(`many/col ${i}`, 'int32').append(Int32Array.of(-i, i), 2);
    await f.commit();

    const d = dumpWithH5py(path);
    expect(d.groups).toEqual(expectedGroups);
    const expectedDatasets = [
      'big/v',
      'big/empty',
      'big/empty u8',
      ...Array.from({ length: 20 }, (_, i) => `many/col ${i}`),
    ];
    expect(Object.keys(d.datasets).sort()).toEqual(expectedDatasets.sort());
    const v = d.datasets['big/v'];
    expect(v).toMatchObject({
      dtype: 'uint64',
      shape: [rows],
      maxshape: [null],
      chunks: [4],
      attrs: { unit: str('ns') },
    });
    let bad = 0;
    for (let i = 0; i < rows; i++) if (v.values[i] !== String(BigInt(i) * 2n ** 20n + 2n ** 53n)) bad++;
    expect(bad).toBe(0);
    expect(d.datasets['big/empty']).toMatchObject({
      dtype: 'float64',
      shape: [0],
      maxshape: [null],
      values: [],
    });
    expect(d.datasets['big/empty u8']).toMatchObject({
      dtype: 'uint8',
      shape: [0],
      maxshape: [null],
      values: [],
    });
    expect(d.datasets['many/col 7']).toMatchObject({ dtype: 'int32', values: ['-7', '7'], chunks: [2] });
  });
});
