// Locates ../shared/fixtures (beside the repository root, never relative to a test file: the
// repository has a shared/ folder of its own) and loads the reference's expected outputs.
// Without the folder the fixture tests skip, saying why; CHRONOPIX_REQUIRE_FIXTURES=1 (set by
// .ci/run) turns that skip into a failure.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
}

export const REPO_ROOT = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
export const FIXTURES_DIR = resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'pymepix');
export const HAVE_FIXTURES = existsSync(FIXTURES_DIR);
export const FIXTURES_REQUIRED = process.env.CHRONOPIX_REQUIRE_FIXTURES === '1';
export const FIXTURES_SKIP_REASON = `reference fixtures not found at ${FIXTURES_DIR} (they sit beside the repository in ../shared; CI provides them)`;

if (!HAVE_FIXTURES && FIXTURES_REQUIRED) {
  throw new Error(`CHRONOPIX_REQUIRE_FIXTURES=1 but ${FIXTURES_SKIP_REASON}`);
}
if (!HAVE_FIXTURES) console.warn(`skipping fixture tests: ${FIXTURES_SKIP_REASON}`);

export function fixturePath(name: string): string {
  return join(FIXTURES_DIR, name);
}

export interface ExpectedDataset {
  dtype: string;
  values: (number | string)[];
}

/** `*.expected.json` of a converted file: dataset path (e.g. `raw/tof`) to dtype and values. */
export function loadExpectedDatasets(name: string): Map<string, ExpectedDataset> {
  const json = JSON.parse(readFileSync(fixturePath(name), 'utf8')) as { datasets: unknown };
  const out = new Map<string, ExpectedDataset>();
  const walk = (node: unknown, path: string): void => {
    if (node && typeof node === 'object' && 'dtype' in node && 'values' in node) {
      out.set(path, node as ExpectedDataset);
      return;
    }
    for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
      walk(child, path ? `${path}/${key}` : key);
    }
  };
  walk(json.datasets, '');
  return out;
}

export interface ExpectedColumn {
  index: number;
  meaning: string;
  dtype: string;
  values: number[];
}

export interface OnlineChunkExpected {
  settings: { event_window_s: [number, number]; start_time_ns: number };
  pixels: { columns: ExpectedColumn[] };
  events: { columns: ExpectedColumn[] };
  centroids: { columns: ExpectedColumn[] };
}

export function loadOnlineChunk(): OnlineChunkExpected {
  return JSON.parse(readFileSync(fixturePath('online_chunk.expected.json'), 'utf8')) as OnlineChunkExpected;
}

/** The longtime handed in beside the online chunk (see online_chunk.expected.json `input`). */
export const ONLINE_CHUNK_LONGTIME = 2233861246990;
