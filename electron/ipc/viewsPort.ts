// Live view snapshots (typed arrays, 5-30 Hz) reach the page through a MessageChannelMain port, not
// one ipcMain message per update: each page load gets a fresh channel (port2 handed over on
// VIEWS_PORT_CHANNEL), and snapshots are structured-cloned into it (one copy, typed arrays kept).
// The page acknowledges each snapshot; while one is unacknowledged the next is skipped (counted),
// so a busy page sees the newest views late rather than a growing backlog.
import { MessageChannelMain, type MessagePortMain, type WebContents } from 'electron';
import type { LiveSnapshot } from '../../shared/liveViews';
import { VIEWS_ACK, VIEWS_PORT_CHANNEL } from './channels';

/** An acknowledgement lost (page reloaded mid-frame, a listener threw) stalls the views this long. */
const ACK_TIMEOUT_MS = 1000;

export class ViewsPort {
  private port: MessagePortMain | null = null;
  private pendingSinceMs: number | null = null;
  private skippedFrames = 0;

  /** Opens a new channel to the page now loaded in `contents`; the previous one is closed. */
  attach(contents: WebContents): void {
    this.port?.close();
    const { port1, port2 } = new MessageChannelMain();
    port1.on('message', (event) => {
      if (event.data === VIEWS_ACK) this.pendingSinceMs = null;
    });
    port1.start();
    this.port = port1;
    this.pendingSinceMs = null;
    contents.postMessage(VIEWS_PORT_CHANNEL, null, [port2]);
  }

  /** Posts a snapshot, or skips it while the previous one is unacknowledged. */
  send(snapshot: LiveSnapshot, nowMs = performance.now()): boolean {
    if (!this.port) return false;
    if (this.pendingSinceMs !== null && nowMs - this.pendingSinceMs < ACK_TIMEOUT_MS) {
      this.skippedFrames++;
      return false;
    }
    this.pendingSinceMs = nowMs;
    this.port.postMessage(snapshot);
    return true;
  }

  /** Snapshots skipped because the page had not acknowledged the previous one. */
  get skipped(): number {
    return this.skippedFrames;
  }

  close(): void {
    this.port?.close();
    this.port = null;
  }
}
