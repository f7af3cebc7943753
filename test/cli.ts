// Runs the bundled `chronopix` CLI as a user would, capturing exit code and output.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './fixtures';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function chronopix(
  args: string[],
  options: { cwd?: string; timeout?: number; env?: NodeJS.ProcessEnv } = {},
): CliResult {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'chronopix.mjs'), ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    encoding: 'utf8',
    timeout: options.timeout ?? 120_000,
    env: options.env ?? process.env,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
