// Builds the bundled CLI once before the tests, so CLI tests never run a stale dist/.
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './fixtures';

export function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
}
