// The converter's HDF5 output (docs/timepix3-format.md, "HDF5 output layout"), on top of h5Append:
// batches from the pipeline (events, timing rows, trigger edges, centroids) are appended to the
// reference's datasets, with its group descriptions and units; `nr events` holds the true row
// count, set at commit. `raw`, `timing` and `triggers` always exist (zero-length when empty);
// `centroided` only once a centroid arrives. `/metadata/run` describes this run (version, times,
// workers: may differ between identical conversions), `/metadata/settings` the settings that shape
// the results (Decision 11), `/metadata/counts` optional counters.
import type { CentroidBatch, EventBatch, TimingBatch, TriggerEdges } from '../../shared/batches';
import { createH5File, type AttrValue, type Attrs, type H5AppendFile, type H5Column } from './h5Append';

export interface RunWriterOptions {
  force?: boolean;
  /** Data writes in flight in the thread pool (h5Append.ts); 0 (default): synchronous. */
  writeBehindBytes?: number;
  /** uint8 for one Timepix3 chip without offset (the reference's type), uint16 when the configured
   * sensor or offset needs more than 0..255. Recorded as `/metadata/settings` `coordinate dtype`. */
  coordinateDtype: 'uint8' | 'uint16';
  /** `raw/tot`: uint32 whole ns (Timepix3, the default) or float64 ns from the events' `totNs`
   * (Timepix4, whose ToT is a multiple of 1.5625 ns). */
  totDtype?: 'uint32' | 'float64';
}

export interface RunMetadata {
  run: Record<string, unknown>;
  settings: Record<string, unknown>;
  counts?: Record<string, unknown>;
}

export interface RunWriter {
  readonly finalPath: string;
  appendEvents(b: EventBatch): void;
  appendTiming(b: TimingBatch): void;
  appendTriggers(channel: 1 | 2, b: TriggerEdges): void;
  appendCentroids(b: CentroidBatch): void;
  /** Numbers and strings as themselves, booleans as uint8 0/1, null, objects and arrays as JSON
   * strings; undefined values are left out. Calling it again overwrites the keys it names. */
  setMetadata(meta: RunMetadata): void;
  commit(): Promise<void>;
  abort(): void;
}

export const GROUP_DESCRIPTIONS = {
  raw: 'timewalk corrected raw events',
  centroided: 'centroided events',
  timing: 'timing information from TimePix and facility',
  'timing/timepix': 'timing information from TimePix',
  triggers: 'triggering information from TimePix',
  'triggers/trigger1': 'trigger1 time from TimePix starting',
  'triggers/trigger2': 'trigger2 time from TimePix starting',
} as const;

interface RawColumns {
  triggerNr: H5Column;
  x: H5Column;
  y: H5Column;
  tof: H5Column;
  tot: H5Column;
}
interface TimingColumns {
  triggerNr: H5Column;
  eventTrigger: H5Column;
  timestamp: H5Column;
}
interface CentroidColumns {
  triggerNr: H5Column;
  x: H5Column;
  y: H5Column;
  tof: H5Column;
  totAvg: H5Column;
  totMax: H5Column;
  size: H5Column;
}

export async function openRunWriter(finalPath: string, options: RunWriterOptions): Promise<RunWriter> {
  const coord = options.coordinateDtype;
  if (coord !== 'uint8' && coord !== 'uint16')
    throw new Error(`coordinateDtype must be uint8 or uint16, not ${String(coord)}`);
  const totDtype = options.totDtype ?? 'uint32';
  if (totDtype !== 'uint32' && totDtype !== 'float64')
    throw new Error(`totDtype must be uint32 or float64, not ${String(totDtype)}`);
  const file = await createH5File(finalPath, {
    force: options.force,
    writeBehindBytes: options.writeBehindBytes,
  });
  try {
    file.group('raw', { description: GROUP_DESCRIPTIONS.raw, 'nr events': 0 });
    const raw: RawColumns = {
      triggerNr: file.column('raw/trigger nr', 'uint64'),
      x: file.column('raw/x', coord, { unit: 'pixel' }),
      y: file.column('raw/y', coord, { unit: 'pixel' }),
      tof: file.column('raw/tof', 'float64', { unit: 's' }),
      tot: file.column('raw/tot', totDtype, { unit: 'ns' }),
    };
    file.group('timing', { description: GROUP_DESCRIPTIONS.timing });
    file.group('timing/timepix', { description: GROUP_DESCRIPTIONS['timing/timepix'], 'nr events': 0 });
    const timing: TimingColumns = {
      triggerNr: file.column('timing/timepix/trigger nr', 'int64'),
      eventTrigger: file.column('timing/timepix/event trigger', 'float64', { unit: 's' }),
      timestamp: file.column('timing/timepix/timestamp', 'uint64', { unit: 'ns' }),
    };
    file.group('triggers', { description: GROUP_DESCRIPTIONS.triggers });
    file.group('triggers/trigger1', { description: GROUP_DESCRIPTIONS['triggers/trigger1'] });
    file.group('triggers/trigger2', { description: GROUP_DESCRIPTIONS['triggers/trigger2'] });
    const triggers: [H5Column, H5Column] = [
      file.column('triggers/trigger1/time', 'float64', { unit: 's' }),
      file.column('triggers/trigger2/time', 'float64', { unit: 's' }),
    ];
    file.group('metadata/settings', { 'coordinate dtype': coord });
    return new RunH5Writer(file, coord, totDtype === 'float64', raw, timing, triggers);
  } catch (e) {
    file.abort();
    throw e;
  }
}

class RunH5Writer implements RunWriter {
  private centroids: CentroidColumns | null = null;

  constructor(
    private readonly file: H5AppendFile,
    private readonly coord: 'uint8' | 'uint16',
    private readonly floatTot: boolean,
    private readonly raw: RawColumns,
    private readonly timing: TimingColumns,
    private readonly triggers: [H5Column, H5Column],
  ) {}

  get finalPath(): string {
    return this.file.finalPath;
  }

  appendEvents(b: EventBatch): void {
    const { raw } = this;
    raw.triggerNr.append(b.triggerNr, b.n);
    raw.x.append(b.x, b.n);
    raw.y.append(b.y, b.n);
    raw.tof.append(b.tof, b.n);
    if (this.floatTot) {
      if (!b.totNs && b.n > 0) throw new Error('raw/tot is float64 but the events carry no totNs');
      raw.tot.append(b.totNs ?? new Float64Array(0), b.n);
    } else raw.tot.append(b.tot, b.n);
  }

  appendTiming(b: TimingBatch): void {
    this.timing.triggerNr.append(b.triggerNr, b.n);
    this.timing.eventTrigger.append(b.triggerTime, b.n);
    this.timing.timestamp.append(b.timestampNs, b.n);
  }

  appendTriggers(channel: 1 | 2, b: TriggerEdges): void {
    if (channel !== 1 && channel !== 2)
      throw new Error(`trigger channel must be 1 or 2, not ${String(channel)}`);
    this.triggers[channel - 1].append(b.time, b.n);
  }

  appendCentroids(b: CentroidBatch): void {
    if (b.n === 0) return;
    const c = (this.centroids ??= this.createCentroids());
    c.triggerNr.append(b.triggerNr, b.n);
    c.x.append(b.x, b.n);
    c.y.append(b.y, b.n);
    c.tof.append(b.tof, b.n);
    c.totAvg.append(b.totAvg, b.n);
    c.totMax.append(b.totMax, b.n);
    c.size.append(b.size, b.n);
  }

  private createCentroids(): CentroidColumns {
    const f = this.file;
    f.group('centroided', { description: GROUP_DESCRIPTIONS.centroided, 'nr events': 0 });
    // The per-dataset descriptions on tot avg/max are the reference's; its unit "s" there is not (ns).
    return {
      triggerNr: f.column('centroided/trigger nr', 'float64'),
      x: f.column('centroided/x', 'float64', { unit: 'pixel' }),
      y: f.column('centroided/y', 'float64', { unit: 'pixel' }),
      tof: f.column('centroided/tof', 'float64', { unit: 's' }),
      totAvg: f.column('centroided/tot avg', 'float64', {
        unit: 'ns',
        description: 'mean of time above threshold in cluster',
      }),
      totMax: f.column('centroided/tot max', 'float64', {
        unit: 'ns',
        description: 'maximum of time above threshold in cluster',
      }),
      size: f.column('centroided/clustersize', 'float64'),
    };
  }

  setMetadata(meta: RunMetadata): void {
    this.file.group('metadata/run', toAttrs(meta.run));
    // The writer's own coordinate type wins over a stale value in the settings.
    this.file.group('metadata/settings', { ...toAttrs(meta.settings), 'coordinate dtype': this.coord });
    if (meta.counts) this.file.group('metadata/counts', toAttrs(meta.counts));
  }

  async commit(): Promise<void> {
    try {
      this.file.setAttrs('raw', { 'nr events': this.raw.triggerNr.length });
      this.file.setAttrs('timing/timepix', { 'nr events': this.timing.triggerNr.length });
      if (this.centroids) this.file.setAttrs('centroided', { 'nr events': this.centroids.triggerNr.length });
    } catch (e) {
      this.file.abort();
      throw e;
    }
    await this.file.commit();
  }

  abort(): void {
    this.file.abort();
  }
}

/** A metadata record as HDF5 attributes (see RunWriter.setMetadata). */
export function toAttrs(record: Record<string, unknown>): Attrs {
  const out: Attrs = {};
  for (const [key, value] of Object.entries(record)) {
    const attr = toAttrValue(value);
    if (attr !== undefined) out[key] = attr;
  }
  return out;
}

function toAttrValue(value: unknown): AttrValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return value;
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'object':
      return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    default:
      return undefined;
  }
}
