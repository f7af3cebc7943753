// What the preload and the IPC adapter agree on beyond the shared contract (shared/api.ts): how a
// reply travels, and the channel that hands the page its views port. No imports, so the sandboxed
// preload bundle stays tiny.

/** The channel on which the main process hands the page the MessagePort carrying view snapshots,
 * once per page load. The page answers each snapshot with VIEWS_ACK on that port. */
export const VIEWS_PORT_CHANNEL = 'views:port';
export const VIEWS_ACK = 'ack';

/** Every ipcMain.handle reply: Electron would otherwise wrap a thrown error's message in
 * "Error invoking remote method ...", so errors travel as data and the preload rethrows them. */
export type IpcReply = { ok: true; value: unknown } | { ok: false; error: string };

/** One line for the operator: the first line of the message, bounded. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n', 1)[0].trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line || 'unknown error';
}
