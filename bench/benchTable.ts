// The benchmark's results table: each part measures with `best`/`bestAsync` (best of n, so one
// garbage collection or page-cache miss does not decide a row) and hands its row to `add`, which
// prints it at once as progress; `printTable` prints all rows, in the order added, at the end.

export interface Row {
  stage: string;
  value: string;
  target: string;
  reference: string;
  ratio: string;
  memory: string;
}
const rows: Row[] = [];
export function add(row: Partial<Row> & { stage: string; value: string }): void {
  rows.push({ target: '', reference: '', ratio: '', memory: '', ...row });
  console.error(`  ${row.stage}: ${row.value}`);
}

export function best<T>(n: number, f: () => T): { seconds: number; result: T } {
  let seconds = Infinity;
  let result!: T;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    result = f();
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
  }
  return { seconds, result };
}

export async function bestAsync<T>(n: number, f: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  let seconds = Infinity;
  let result!: T;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    result = await f();
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
  }
  return { seconds, result };
}

export const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

export function printTable(): void {
  const head: Row = {
    stage: 'stage',
    value: 'measured',
    target: 'target',
    reference: 'reference',
    ratio: 'ratio',
    memory: 'memory',
  };
  const all = [head, ...rows];
  const keys = Object.keys(head) as (keyof Row)[];
  const width = keys.map((k) => Math.max(...all.map((r) => r[k].length)));
  const line = (r: Row): string => `| ${keys.map((k, i) => r[k].padEnd(width[i])).join(' | ')} |`;
  console.log(line(head));
  console.log(`| ${width.map((w) => '-'.repeat(w)).join(' | ')} |`);
  for (const r of rows) console.log(line(r));
}
