// Column batches: the struct-of-arrays shapes that flow between pipeline stages (decode -> events ->
// centroids -> writers and views). One typed array per field, `n` valid rows; arrays may be longer
// than `n` (buffers are reused and grown by doubling), so consumers read `subarray(0, n)`.

/** Pixel hits after decoding: sensor coordinates, absolute time of arrival, time over threshold. */
export interface HitBatch {
  n: number;
  x: Uint16Array;
  y: Uint16Array;
  /** Time of arrival in seconds of camera time (global-time extended, time-walk corrected). */
  toa: Float64Array;
  /** Time over threshold in ns (a multiple of 25 for Timepix3). */
  tot: Uint32Array;
  /** Exact ToT in ns (Timepix4: a multiple of 1.5625); absent for Timepix3. */
  totNs?: Float64Array;
}

/** Hits assigned to a trigger: the HDF5 `raw/` rows. */
export interface EventBatch {
  n: number;
  /** Trigger number, counted from 0 over trigger-1 rising edges (integral, < 2^53). */
  triggerNr: Float64Array;
  x: Uint16Array;
  y: Uint16Array;
  /** Time of flight in seconds: toa minus the trigger's time. */
  tof: Float64Array;
  /** ns */
  tot: Uint32Array;
  /** Exact ToT in ns, carried from the hits when they have it (Timepix4: `raw/tot` as float64). */
  totNs?: Float64Array;
}

/** One row per trigger that kept at least one hit: the HDF5 `timing/timepix/` rows. */
export interface TimingBatch {
  n: number;
  triggerNr: Float64Array;
  /** The trigger's time in seconds of camera time. */
  triggerTime: Float64Array;
  /** uint64(triggerTime * 1e9 + startTimeNs) computed in float64; integral, stored as float64. */
  timestampNs: Float64Array;
}

/** Cluster centroids: the HDF5 `centroided/` rows (all float64, as the reference writes them). */
export interface CentroidBatch {
  n: number;
  triggerNr: Float64Array;
  x: Float64Array;
  y: Float64Array;
  tof: Float64Array;
  totAvg: Float64Array;
  totMax: Float64Array;
  size: Float64Array;
}

/** Trigger edges, seconds; falling edges negative (the HDF5 `triggers/triggerN/time` rows). */
export interface TriggerEdges {
  n: number;
  time: Float64Array;
}

export function emptyEventBatch(capacity = 0): EventBatch {
  return {
    n: 0,
    triggerNr: new Float64Array(capacity),
    x: new Uint16Array(capacity),
    y: new Uint16Array(capacity),
    tof: new Float64Array(capacity),
    tot: new Uint32Array(capacity),
  };
}

export function emptyCentroidBatch(capacity = 0): CentroidBatch {
  return {
    n: 0,
    triggerNr: new Float64Array(capacity),
    x: new Float64Array(capacity),
    y: new Float64Array(capacity),
    tof: new Float64Array(capacity),
    totAvg: new Float64Array(capacity),
    totMax: new Float64Array(capacity),
    size: new Float64Array(capacity),
  };
}
