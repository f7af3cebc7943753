// The line at the bottom, always visible: connection, state, data rate, event rates, loss, disk
// space, display rate, and the engine's latest message (all of them on hover).
import { formatBytes, formatCount } from '../lib/format';
import { useAcquisition, useLive, useStores } from '../stores/stores';
import { SHORTCUTS } from './ControlBar';

export function StatusBar() {
  const status = useAcquisition((s) => s.status);
  const connection = useAcquisition((s) => s.connection);
  const error = useAcquisition((s) => s.error);
  const dismiss = useStores().acquisition.getState().dismissError;
  const live = useLive((s) => s.snapshot?.rates);
  // The last snapshot's rates are history once acquisition stops.
  const rates = status?.state === 'running' ? live : undefined;
  const frameRate = useLive((s) => s.frameRate);
  const loss = status?.loss;
  const lost = loss
    ? Math.max(0, loss.kernelDrops) + loss.packetIdGaps + loss.droppedBeforeTime + loss.pipelineDroppedBatches
    : 0;
  // The fullest stage queue: the reference viewer's queue warning (processing falling behind).
  const queue = status?.stages.length
    ? { fill: Math.max(...status.stages.map((st) => st.queueUsedBytes / Math.max(1, st.queueLimitBytes))) }
    : null;
  const lowDisk = status?.disk && status.disk.freeBytes >= 0 && status.disk.freeBytes < 5e9;
  return (
    <footer className="statusbar" data-testid="status-bar">
      <span className={`dot ${connection}`} title={`connection: ${connection}`} />
      <span data-testid="engine-state">
        {connection === 'open'
          ? (status?.state ?? '…')
          : connection === 'closed'
            ? 'disconnected, retrying'
            : 'connecting'}
      </span>
      {status?.recording && <span className="rec">REC</span>}
      <span title="Received from the detector" data-testid="data-rate">
        {(status?.received.megabytesPerS ?? 0).toFixed(1)} MB/s
      </span>
      <span title="Decoded hits per second">{formatCount(rates?.hitsPerS ?? 0)} hits/s</span>
      <span title="Triggers per second">{formatCount(rates?.triggersPerS ?? 0)} trig/s</span>
      <span
        className={lost > 0 ? 'warn' : undefined}
        data-testid="loss"
        title={
          loss
            ? `kernel drops ${loss.kernelDrops < 0 ? 'unknown' : loss.kernelDrops}, packet gaps ${loss.packetIdGaps}, odd datagrams ${loss.oddDatagrams}, dropped before time ${loss.droppedBeforeTime}, pipeline drops ${loss.pipelineDroppedBatches}, pipeline restarts ${status?.pipelineRestarts ?? 0}`
            : ''
        }
      >
        loss {formatCount(lost)}
      </span>
      {queue && (
        <span
          className={queue.fill > 0.5 ? 'warn' : undefined}
          data-testid="queue"
          title={status!.stages
            .map(
              (st) =>
                `${st.name}: queue ${formatBytes(st.queueUsedBytes)} of ${formatBytes(st.queueLimitBytes)} (${st.overflow}), ${st.droppedBatches} batches dropped, ${st.execMs.toFixed(1)} ms per batch`,
            )
            .join('\n')}
        >
          queue {Math.round(queue.fill * 100)}%
        </span>
      )}
      {status?.disk && (
        <span className={lowDisk ? 'warn' : undefined} title={status.disk.folder} data-testid="disk-free">
          disk {formatBytes(status.disk.freeBytes)} free
        </span>
      )}
      <span title="Display updates per second">{frameRate.toFixed(1)} fps</span>
      <span
        className="message"
        title={[...(status?.messages ?? []), '', ...SHORTCUTS.map(([k, v]) => `${k}: ${v}`)].join('\n')}
      >
        {error ? (
          <span className="error" data-testid="action-error">
            {error}{' '}
            <button type="button" className="chip" onClick={dismiss} title="Dismiss">
              ✕
            </button>
          </span>
        ) : (
          (status?.messages.at(-1) ?? '')
        )}
      </span>
    </footer>
  );
}
