// DBSCAN's grid strategy for dense triggers (dbscanTrigger.ts picks it when the tof windows are
// crowded), and the union-find both strategies use. Hits (positions in tof order) are threaded into
// one tof-ordered list per pixel cell (1 px cells for eps < 4); a hit looks only at the cells at
// offsets that can be within eps and, in each, only at the stretch inside the offset's tof window,
// found by cursors that only move forward as the sweep goes up in tof. Pass 1 counts neighbours up
// to minSamples (core hits); pass 2 takes each pair once, unions core pairs and records border
// pairs, jumping along runs of a cell's list already known to share a component, so a flood of m
// hits at one pixel and time (m^2 pairs) costs O(m). What stays proportional to true neighbourhood
// sizes: border hits (fewer than minSamples neighbours each) and, for eps >= 4 (multi-pixel
// cells), hits of a cell inside the tof window that fail the distance test.
import type { TriggerWork } from './dbscanTrigger';

/** Cell grid for gridTrigger: cell offsets within eps, nearest first, and their tof windows. */
export interface Neighbourhood {
  /** Cell size in px, grid padding in cells, grid row stride, number of cells. */
  cs: number;
  pad: number;
  stride: number;
  size: number;
  /** Per offset: delta between cell records, tof window half-width, pass-1 cursor slot. */
  delta: Int32Array;
  window: Float64Array;
  slot: Int32Array;
  /** Int32 slots per cell record: first, head (pass 2), last, one head per window class (pass 1). */
  k: number;
}

/** A dense trigger: per-cell tof-ordered lists and forward-only cursors (module comment). */
export function gridTrigger(w: TriggerWork, len: number, segBase: number): void {
  const nb = w.nb;
  const { cs, pad, stride, delta, window, slot, k: K } = nb;
  if (w.table === null) w.table = new Int32Array(nb.size * K);
  if (w.next.length < len) {
    w.cell = new Int32Array(w.st.length);
    w.next = new Int32Array(w.st.length);
    w.skip = new Int32Array(w.st.length);
  }
  const { st, px, py, core, cell, next, skip, parent, eps2, minS } = w;
  const tab = w.table;
  const nOff = delta.length;
  // Local positions 0..len-1, end of list = len; the table stores position + segBase, and segBase
  // grows past every earlier trigger's positions and end marker, so older entries read as stale.
  for (let p = 0; p < len; p++) {
    const c = ((Math.floor(py[p] / cs) + pad) * stride + Math.floor(px[p] / cs) + pad) * K;
    cell[p] = c;
    next[p] = len;
    skip[p] = p;
    parent[p] = p;
    if (tab[c] < segBase) tab[c] = p + segBase;
    else next[tab[c + 2] - segBase] = p;
    tab[c + 2] = p + segBase;
  }

  // Pass 1: core points (neighbour count, stopping at minSamples).
  for (let p = 0; p < len; p++) {
    const t = st[p];
    const c = cell[p];
    const xp = px[p];
    const yp = py[p];
    let cnt = 0;
    search: for (let o = 0; o < nOff; o++) {
      const q = c + delta[o];
      const f = tab[q];
      if (f < segBase) continue;
      const hs = q + slot[o];
      let h = tab[hs];
      h = (h < segBase ? f : h) - segBase;
      const wo = window[o];
      while (h < len && t - st[h] > wo) h = next[h];
      tab[hs] = h + segBase;
      for (let j = h; j < len; j = next[j]) {
        const dt = st[j] - t;
        if (dt > wo) break;
        const dx = px[j] - xp;
        const dy = py[j] - yp;
        if (dx * dx + dy * dy + dt * dt <= eps2 && ++cnt >= minS) break search;
      }
    }
    core[p] = cnt >= minS ? 1 : 0;
  }

  // Pass 2: every pair once (j after p in tof order).
  let nEdges = 0;
  for (let p = 0; p < len; p++) {
    const t = st[p];
    const c = cell[p];
    const xp = px[p];
    const yp = py[p];
    const pCore = core[p] === 1;
    for (let o = 0; o < nOff; o++) {
      const q = c + delta[o];
      const f = tab[q];
      if (f < segBase) continue;
      let h = tab[q + 1];
      h = (h < segBase ? f : h) - segBase;
      while (h < len && h <= p) h = next[h];
      tab[q + 1] = h + segBase;
      const wo = window[o];
      let j = h;
      while (j < len) {
        const dt = st[j] - t;
        if (dt > wo) break;
        let dx = px[j] - xp;
        let dy = py[j] - yp;
        if (!(dx * dx + dy * dy + dt * dt <= eps2)) {
          j = next[j];
          continue;
        }
        if (core[j] === 0 || !pCore) {
          if (pCore || core[j] !== 0) {
            if (nEdges + 2 > w.edges.length) w.edges = grow(w.edges);
            w.edges[nEdges++] = pCore ? j : p;
            w.edges[nEdges++] = pCore ? p : j;
          }
          j = next[j];
          continue;
        }
        union(w, p, j);
        // j's run (consecutive core hits of this cell known to share a component) is p's now:
        // jump to its end, and extend it while the next hit is another core neighbour of p
        // (then both are core and in p's component, which is all a link asserts).
        let r = runEnd(skip, j);
        for (;;) {
          const nx = next[r];
          if (nx >= len) {
            j = len;
            break;
          }
          const dn = st[nx] - t;
          if (dn > wo) {
            j = len;
            break;
          }
          dx = px[nx] - xp;
          dy = py[nx] - yp;
          if (core[nx] === 0 || !(dx * dx + dy * dy + dn * dn <= eps2)) {
            j = nx;
            break;
          }
          union(w, p, nx);
          skip[r] = nx;
          r = runEnd(skip, nx);
        }
      }
    }
  }
  finishCore(w, 0, len);
  const { edges, prow, best, rootRow } = w;
  for (let e = 0; e < nEdges; e += 2) {
    const b = prow[edges[e]];
    const root = rootRow[prow[edges[e + 1]]];
    if (best[b] < 0 || root < best[b]) best[b] = root;
  }
}

/** Cell grid and the cell offsets within eps, nearest first, with their tof windows. */
export function neighbourhood(eps: number, maxX: number, maxY: number): Neighbourhood {
  const eps2 = eps * eps;
  const cs = eps < 4 ? 1 : Math.floor(eps / 2);
  const reach = Math.floor(eps / cs) + 1;
  const list: { dcx: number; dcy: number; md2: number }[] = [];
  for (let dcy = -reach; dcy <= reach; dcy++) {
    for (let dcx = -reach; dcx <= reach; dcx++) {
      // Smallest px distance between hits of two cells this far apart (integer coordinates).
      const mx = Math.max(0, Math.abs(dcx) * cs - (cs - 1));
      const my = Math.max(0, Math.abs(dcy) * cs - (cs - 1));
      const md2 = mx * mx + my * my;
      if (md2 <= eps2) list.push({ dcx, dcy, md2 });
    }
  }
  list.sort((p, q) => p.md2 - q.md2 || p.dcy - q.dcy || p.dcx - q.dcx);
  const pad = list.reduce((m, o) => Math.max(m, Math.abs(o.dcx), Math.abs(o.dcy)), 0);
  const stride = Math.floor(maxX / cs) + 1 + 2 * pad;
  const size = stride * (Math.floor(maxY / cs) + 1 + 2 * pad);
  const classes = [...new Set(list.map((o) => o.md2))];
  const k = 3 + classes.length;
  const delta = new Int32Array(list.length);
  const window = new Float64Array(list.length);
  const slot = new Int32Array(list.length);
  list.forEach((o, i) => {
    delta[i] = (o.dcy * stride + o.dcx) * k;
    // A superset of the exact rule: fl(dxy2 + fl(dt^2)) <= eps2 allows dt^2 a few ulps of eps2
    // beyond eps2 - dxy2 (2 px apart, eps 2: |dt| up to ~2e-8 still counts). window[0] (offset
    // 0,0) is the widest: the sweep's window.
    window[i] = Math.sqrt(Math.max(0, eps2 - o.md2) + eps2 * 1e-15) * (1 + 1e-12);
    slot[i] = 3 + classes.indexOf(o.md2);
  });
  return { cs, pad, stride, size, delta, window, slot, k };
}

/** rootRow for the core hits of the trigger once all its unions are done. */
export function finishCore(w: TriggerWork, from: number, to: number): void {
  const { core, parent, prow, rootRow } = w;
  for (let p = from; p < to; p++) if (core[p] === 1) rootRow[prow[p]] = prow[find(parent, p)];
}

/** Union-find root with path halving. */
export function find(parent: Int32Array, p: number): number {
  while (parent[p] !== p) {
    const g = parent[parent[p]];
    parent[p] = g;
    p = g;
  }
  return p;
}

/** Joins the components of a and b; the root is the hit with the smaller row. */
export function union(w: TriggerWork, a: number, b: number): void {
  const { parent, prow } = w;
  const ra = find(parent, a);
  const rb = find(parent, b);
  if (ra === rb) return;
  if (prow[ra] < prow[rb]) parent[rb] = ra;
  else parent[ra] = rb;
}

/** Last hit of j's run (skip[k] === k ends a run), compressing the path behind it. */
function runEnd(skip: Int32Array, j: number): number {
  let r = j;
  while (skip[r] !== r) r = skip[r];
  while (skip[j] !== r && j !== r) {
    const nx = skip[j];
    skip[j] = r;
    j = nx;
  }
  return r;
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
