// Progress for long CLI jobs: a redrawn bar (percent, MB/s, ETA) on a terminal, plain lines every
// 10% otherwise (logs, CI) once a job has run for a second, nothing when quiet.

export interface Progress {
  update(done: number, total: number): void;
  finish(): void;
}

export function createProgress(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
  quiet = false,
): Progress {
  const start = performance.now();
  let lastDraw = 0;
  let lastDecile = -1;
  const tty = stream.isTTY === true;
  const line = (done: number, total: number): string => {
    const secs = (performance.now() - start) / 1000;
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const mbps = secs > 0 ? done / 1e6 / secs : 0;
    const eta = frac > 0 && frac < 1 ? ` ETA ${Math.ceil((secs / frac) * (1 - frac))} s` : '';
    return `${label} ${(frac * 100).toFixed(0).padStart(3)}% ${mbps.toFixed(0)} MB/s${eta}`;
  };
  return {
    update(done, total) {
      if (quiet) return;
      if (tty) {
        const now = performance.now();
        if (now - lastDraw < 100 && done < total) return;
        lastDraw = now;
        const frac = total > 0 ? Math.min(1, done / total) : 1;
        const width = 30;
        const filled = Math.round(frac * width);
        stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${line(done, total)}\x1b[K`);
        return;
      }
      // Plain lines only for jobs long enough to need them (logs of short jobs stay clean).
      if (performance.now() - start < 1000) return;
      const decile = total > 0 ? Math.floor((done / total) * 10) : 10;
      if (decile > lastDecile) {
        lastDecile = decile;
        stream.write(`${line(done, total)}\n`);
      }
    },
    finish() {
      if (!quiet && tty) stream.write('\n');
    },
  };
}
