// Stable sorts of row-index arrays by typed-array keys, shared by the clustering stages (trigger
// grouping, DBSCAN's tof sweep, cluster stream's tof/ToT order). Data stay where they are: only the
// index range idx[from..to) is permuted. Already-ordered ranges (the usual case: event rows arrive
// grouped by trigger, roughly in time order) cost one linear check; nearly ordered ones (readout
// disorder within an ion) an insertion sort, given up after about 8 moves per row; otherwise
// insertion-sorted runs of 16 are merged bottom-up through `tmp` (at least to - from long),
// skipping merges that are already in order.

type IndexArray = Uint32Array;

const RUN = 16;

/** Sorts idx[from..to) so that key[idx[i]] ascends; equal keys keep their order (stable). */
export function sortIndicesByKey(
  idx: IndexArray,
  from: number,
  to: number,
  key: Float64Array,
  tmp: IndexArray,
): void {
  let i = from + 1;
  while (i < to && key[idx[i]] >= key[idx[i - 1]]) i++;
  if (i >= to) return;
  for (let budget = 8 * (to - from) + 64; i < to; i++) {
    const v = idx[i];
    const kv = key[v];
    let j = i - 1;
    while (j >= from && key[idx[j]] > kv) {
      idx[j + 1] = idx[j];
      j--;
    }
    idx[j + 1] = v;
    budget -= i - 1 - j;
    if (budget < 0) break;
  }
  if (i >= to) return;
  mergeSortByKey(idx.subarray(from, to), to - from, key, tmp.subarray(0, to - from));
}

function mergeSortByKey(idx: IndexArray, n: number, key: Float64Array, tmp: IndexArray): void {
  for (let s = 0; s < n; s += RUN) {
    const e = Math.min(s + RUN, n);
    for (let i = s + 1; i < e; i++) {
      const v = idx[i];
      const kv = key[v];
      let j = i - 1;
      while (j >= s && key[idx[j]] > kv) {
        idx[j + 1] = idx[j];
        j--;
      }
      idx[j + 1] = v;
    }
  }
  let src = idx;
  let dst = tmp;
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      if (mid >= hi || key[src[mid - 1]] <= key[src[mid]]) {
        for (let i = lo; i < hi; i++) dst[i] = src[i];
        continue;
      }
      let a = lo;
      let b = mid;
      let o = lo;
      while (a < mid && b < hi) {
        // `<=` takes the left run first on ties: stable.
        if (key[src[a]] <= key[src[b]]) dst[o++] = src[a++];
        else dst[o++] = src[b++];
      }
      while (a < mid) dst[o++] = src[a++];
      while (b < hi) dst[o++] = src[b++];
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== idx) for (let i = 0; i < n; i++) idx[i] = src[i];
}

/**
 * Sorts idx[from..to) by key ascending, then key2 descending; rows equal in both keep their order
 * (numpy's `lexsort((-key2, key))`, which is stable).
 */
export function sortIndicesByKeyThenDesc(
  idx: IndexArray,
  from: number,
  to: number,
  key: Float64Array,
  key2: Uint32Array,
  tmp: IndexArray,
): void {
  let i = from + 1;
  while (i < to && !after(idx[i - 1], idx[i], key, key2)) i++;
  if (i >= to) return;
  for (let budget = 8 * (to - from) + 64; i < to; i++) {
    const v = idx[i];
    let j = i - 1;
    while (j >= from && after(idx[j], v, key, key2)) {
      idx[j + 1] = idx[j];
      j--;
    }
    idx[j + 1] = v;
    budget -= i - 1 - j;
    if (budget < 0) break;
  }
  if (i >= to) return;
  mergeSortByKeyThenDesc(idx.subarray(from, to), to - from, key, key2, tmp.subarray(0, to - from));
}

function mergeSortByKeyThenDesc(
  idx: IndexArray,
  n: number,
  key: Float64Array,
  key2: Uint32Array,
  tmp: IndexArray,
): void {
  for (let s = 0; s < n; s += RUN) {
    const e = Math.min(s + RUN, n);
    for (let i = s + 1; i < e; i++) {
      const v = idx[i];
      const kv = key[v];
      const k2 = key2[v];
      let j = i - 1;
      while (j >= s) {
        const w = idx[j];
        if (key[w] > kv || (key[w] === kv && key2[w] < k2)) {
          idx[j + 1] = w;
          j--;
        } else break;
      }
      idx[j + 1] = v;
    }
  }
  let src = idx;
  let dst = tmp;
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      if (mid >= hi || !after(src[mid - 1], src[mid], key, key2)) {
        for (let i = lo; i < hi; i++) dst[i] = src[i];
        continue;
      }
      let a = lo;
      let b = mid;
      let o = lo;
      while (a < mid && b < hi) {
        if (after(src[a], src[b], key, key2)) dst[o++] = src[b++];
        else dst[o++] = src[a++];
      }
      while (a < mid) dst[o++] = src[a++];
      while (b < hi) dst[o++] = src[b++];
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== idx) for (let i = 0; i < n; i++) idx[i] = src[i];
}

/** True when row p must come strictly after row q (key ascending, then key2 descending). */
function after(p: number, q: number, key: Float64Array, key2: Uint32Array): boolean {
  return key[p] > key[q] || (key[p] === key[q] && key2[p] < key2[q]);
}
