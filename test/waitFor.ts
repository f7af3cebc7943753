// Polls a condition until it holds, for integration tests that wait on processes and sockets; on a
// timeout it fails with what was awaited and, from `what`, the last value the test observed.

/**
 * Resolves once `cond` returns true (checked every 20 ms); rejects after `ms` with
 * `timed out after <ms> ms waiting: <what>`. `what` is a string, or a function called only on
 * timeout so it can report the latest observed value. An exception thrown by `cond` propagates.
 */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  what: string | (() => string),
  ms: number,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) {
      throw new Error(`timed out after ${ms} ms waiting: ${typeof what === 'string' ? what : what()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
