// `chronopix convert` starts fast: the module graph behind it (bundled as scripts/build.mjs bundles
// the CLI) leaves out zod, whose import alone costs Node 35-70 ms, more than the conversion of a
// small file. Its options are checked one by one in the CLI; the schema is for settings files and
// API payloads.
import { build } from 'esbuild';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { esbuildWat } from '../scripts/watPlugin.mjs';
import { REPO_ROOT } from './fixtures';

/** The packages a command's module loads before it runs: static imports only, as Node follows them. */
async function packagesImportedBy(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [join(REPO_ROOT, entry)],
    bundle: true,
    write: false,
    metafile: true,
    splitting: true,
    outdir: join(REPO_ROOT, 'test-output', 'cli-startup'),
    platform: 'node',
    format: 'esm',
    packages: 'external',
    plugins: [esbuildWat()],
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const start = Object.keys(outputs).find((o) => outputs[o].entryPoint !== undefined);
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (output: string): void => {
    if (seen.has(output)) return;
    seen.add(output);
    for (const i of outputs[output].imports) {
      if (i.kind !== 'import-statement') continue;
      if (!i.external) visit(i.path);
      else if (!i.path.startsWith('node:')) packages.add(i.path);
    }
  };
  visit(start!);
  return [...packages].sort();
}

describe('CLI start-up', () => {
  it('convert and generate load no schema library', async () => {
    expect(await packagesImportedBy('electron/cli/convertCommand.ts')).not.toContain('zod');
    expect(await packagesImportedBy('electron/cli/generateCommand.ts')).not.toContain('zod');
  });

  it('the check sees a package the graph does import (serve loads zod for its API)', async () => {
    expect(await packagesImportedBy('electron/cli/serveCommand.ts')).toContain('zod');
  });
});
