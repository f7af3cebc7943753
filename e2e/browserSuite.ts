// describe() for the browser tests: skipped, with the reason printed, where Chromium is missing,
// except under CI (CHRONOPIX_REQUIRE_BROWSER=1), where the tests then fail. (Apart from harness.ts
// so the benchmark can use the harness without Vitest.)
import { describe } from 'vitest';
import { BROWSER_REQUIRED, BROWSER_SKIP_REASON, HAVE_BROWSER } from './harness';

export function describeInBrowser(name: string, body: () => void): void {
  const run = HAVE_BROWSER || BROWSER_REQUIRED;
  if (!run) console.warn(`skipping '${name}': ${BROWSER_SKIP_REASON}`);
  describe.skipIf(!run)(name, body);
}
