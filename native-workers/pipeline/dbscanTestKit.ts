// Test helpers shared by dbscan.test.ts and dbscanLargeTriggers.test.ts: a brute-force O(n^2)
// scikit-learn DBSCAN (the reference both compare against), event rows, a seeded uniform source.
import { type EventBatch } from '../../shared/batches';
import { type DbscanParams } from './dbscan';
import { SeededRandom } from './seededRandom';
import { type EventRow, eventRows } from '../../test/eventRows';

export function rng(seed: number): () => number {
  const g = new SeededRandom(seed);
  return () => g.uniform();
}

export type Hit = EventRow;

export const batch = (hits: Hit[]): EventBatch => eventRows(hits, (i) => 25 * (1 + (i % 40)));

/** scikit-learn's DBSCAN, literally: X = (trig*eps*1000, x, y, tof*scale), rdist summed in order. */
export function bruteDbscan(ev: EventBatch, p: DbscanParams): Int32Array {
  const n = ev.n;
  const X: number[][] = [];
  for (let i = 0; i < n; i++) {
    X.push([ev.triggerNr[i] * p.epsilon * 1000, ev.x[i], ev.y[i], ev.tof[i] * p.tofScale]);
  }
  const eps2 = p.epsilon * p.epsilon;
  const nbrs: number[][] = [];
  for (let i = 0; i < n; i++) {
    const list: number[] = [];
    for (let j = 0; j < n; j++) {
      let d = 0;
      for (let k = 0; k < 4; k++) {
        const t = X[i][k] - X[j][k];
        d += t * t;
      }
      if (d <= eps2) list.push(j);
    }
    nbrs.push(list);
  }
  const core = nbrs.map((l) => l.length >= p.minSamples);
  const labels = new Int32Array(n).fill(-1);
  let label = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] !== -1 || !core[i]) continue;
    const stack: number[] = [];
    let k = i;
    for (;;) {
      if (labels[k] === -1) {
        labels[k] = label;
        if (core[k]) for (const v of nbrs[k]) if (labels[v] === -1) stack.push(v);
      }
      if (stack.length === 0) break;
      k = stack.pop() as number;
    }
    label++;
  }
  return labels;
}

export const DEFAULT: DbscanParams = { epsilon: 2, minSamples: 3, tofScale: 1.7e7 };
