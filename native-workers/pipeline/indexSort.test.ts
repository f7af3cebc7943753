// indexSort against Array.prototype.sort (stable) on sorted, nearly sorted and random ranges.
import { describe, expect, it } from 'vitest';
import { sortIndicesByKey, sortIndicesByKeyThenDesc } from './indexSort';
import { SeededRandom } from './seededRandom';

function rng(seed: number): () => number {
  const g = new SeededRandom(seed);
  return () => g.uniform();
}

describe('indexSort', () => {
  it('sorts idx[from..to) stably by key, and by key then key2 descending', () => {
    const r = rng(21);
    for (let c = 0; c < 600; c++) {
      const n = Math.floor(r() * 300);
      const key = new Float64Array(n);
      const key2 = new Uint32Array(n);
      const kind = c % 3;
      for (let i = 0; i < n; i++) {
        // Few distinct values so ties are common; kind 1 nearly sorted, kind 2 sorted.
        key[i] = kind === 0 ? Math.floor(r() * 20) : Math.floor(i / 3) + (kind === 1 && r() < 0.1 ? -2 : 0);
        key2[i] = Math.floor(r() * 4);
      }
      const from = Math.floor(r() * (n / 4));
      const to = n - Math.floor(r() * (n / 4));
      const start = Array.from({ length: n }, (_, i) => i);
      if (c % 5 === 0) start.reverse();

      const a = Uint32Array.from(start);
      sortIndicesByKey(a, from, to, key, new Uint32Array(n));
      const ea = [
        ...start.slice(0, from),
        ...start.slice(from, to).sort((p, q) => key[p] - key[q]),
        ...start.slice(to),
      ];
      expect(Array.from(a)).toEqual(ea);

      const b = Uint32Array.from(start);
      sortIndicesByKeyThenDesc(b, from, to, key, key2, new Uint32Array(n));
      const eb = [
        ...start.slice(0, from),
        ...start.slice(from, to).sort((p, q) => key[p] - key[q] || key2[q] - key2[p]),
        ...start.slice(to),
      ];
      expect(Array.from(b)).toEqual(eb);
    }
  });
});
