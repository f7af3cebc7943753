// The pixel path's parameters (dbscanPixel.ts): the forward pixel offsets within eps with their
// exact dx^2 + dy^2, and the layout of the per-pixel grid, whose side grows (powers of two) to the
// largest coordinate seen. One object per eps and minSamples, reused across calls.

/** Forward offsets of the unrolled kernel (eps < sqrt(5): at most 6). */
export const UNROLLED = 6;
/** Grid cells at most (sensor plus padding). */
export const GRID_CAP = 1 << 22;
/** Smallest grid side (px, a power of two). */
const MIN_SIDE = 256;

/** Parameters of the pixel path for one call, and its grid (side grows with the coordinates). */
export interface PixelWork {
  eps2: number;
  minS: number;
  /** Grid: coordinates below side (a power of two), row stride side + 2 pad. */
  pad: number;
  side: number;
  stride: number;
  /** Forward offsets (dx, dy) and their exact dx^2 + dy^2. */
  dx: Int32Array;
  dy: Int32Array;
  d2: Float64Array;
  /** The offsets as grid deltas, and padded to UNROLLED entries (delta 0, d2 Infinity: never a
   * neighbour) when there are at most that many, else null. */
  delta: Int32Array;
  fDelta: Int32Array | null;
  fD2: Float64Array | null;
}

/**
 * The last parameters made: calls with the same eps and minSamples reuse them and their grid (a
 * fresh object per call made V8 recompile the kernels on the next call).
 */
let lastWork: PixelWork | null = null;
let lastEps = NaN;

/** The pixel path's parameters, or null when eps is outside its range. */
export function pixelWork(eps: number, minS: number): PixelWork | null {
  if (!(eps < 4)) return null;
  if (lastWork !== null && eps === lastEps && minS === lastWork.minS) return lastWork;
  lastWork = makeWork(eps, minS);
  lastEps = eps;
  return lastWork;
}

function makeWork(eps: number, minS: number): PixelWork {
  const eps2 = eps * eps;
  const pad = Math.floor(eps);
  const dx: number[] = [];
  const dy: number[] = [];
  const d2: number[] = [];
  for (let oy = 0; oy <= pad; oy++) {
    for (let ox = -pad; ox <= pad; ox++) {
      if (oy === 0 && ox <= 0) continue;
      const d = ox * ox + oy * oy;
      // fl(d + dt^2) >= d, so a pixel further than eps can hold no neighbour.
      if (d <= eps2) {
        dx.push(ox);
        dy.push(oy);
        d2.push(d);
      }
    }
  }
  const n = d2.length;
  const w: PixelWork = {
    eps2,
    minS,
    pad,
    side: 0,
    stride: 0,
    dx: Int32Array.from(dx),
    dy: Int32Array.from(dy),
    d2: Float64Array.from(d2),
    delta: new Int32Array(n),
    fDelta: n <= UNROLLED ? new Int32Array(UNROLLED) : null,
    fD2: n <= UNROLLED ? new Float64Array(UNROLLED).fill(Infinity) : null,
  };
  w.fD2?.set(d2);
  setSide(w, MIN_SIDE);
  return w;
}

/** Lays the grid out for coordinates below side. */
export function setSide(w: PixelWork, side: number): void {
  w.side = side;
  w.stride = side + 2 * w.pad;
  for (let o = 0; o < w.d2.length; o++) w.delta[o] = w.dy[o] * w.stride + w.dx[o];
  w.fDelta?.set(w.delta);
}
