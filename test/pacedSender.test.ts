// The paced UDP sender through real sockets on 127.0.0.1 (Decision 16: the receiver binds port 0):
// it holds a target rate with no loss at a moderate rate, paces by camera time at a speed factor,
// counts what it sends, counts errors instead of failing, and stops cleanly. Rates are checked
// generously (+-10 %); everything else by counts.
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../shared/userError';
import { cutDatagrams, type DatagramBatch } from '../native-workers/live/datagrams';
import { GeneratedSource } from '../native-workers/live/emulatorSource';
import { PacedSender, parseSenderConfig, type RateReport } from '../native-workers/live/pacedSender';
import { waitFor } from './waitFor';

interface Receiver {
  port: number;
  datagrams: number;
  bytes: number;
  first: number;
  last: number;
  socket: Socket;
}

const open: Socket[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

async function receiver(): Promise<Receiver> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 8 << 20 });
  open.push(socket);
  const r: Receiver = { port: 0, datagrams: 0, bytes: 0, first: NaN, last: NaN, socket };
  socket.on('message', (m) => {
    const now = performance.now();
    if (r.datagrams === 0) r.first = now;
    r.last = now;
    r.datagrams++;
    r.bytes += m.length;
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  r.port = socket.address().port;
  return r;
}

/** One second of a generated run (about 1.4 MB), in batches, repeated without end. */
const oneSecond = Array.from(new GeneratedSource({ seconds: 1, ionsPerTrigger: 12, seed: 2 }).batches());
function* endless(): Generator<DatagramBatch> {
  for (;;) yield* oneSecond;
}

describe('PacedSender', () => {
  it('holds 20 MB/s for 2 s with nothing lost, reporting once a second', async () => {
    const rx = await receiver();
    const reports: RateReport[] = [];
    const sender = new PacedSender(
      { host: '127.0.0.1', port: rx.port, pacing: { kind: 'rate', megabytesPerSecond: 20 } },
      (r) => reports.push(r),
    );
    setTimeout(() => sender.stop(), 2000);
    const totals = await sender.run(endless());
    await waitFor(
      () => rx.datagrams >= totals.datagrams,
      () => `all ${totals.datagrams} datagrams sent to arrive (${rx.datagrams} did)`,
      2000,
    );
    expect(totals.errors).toBe(0);
    expect(rx.datagrams).toBe(totals.datagrams);
    expect(rx.bytes).toBe(totals.bytes);
    expect(totals.words).toBe(totals.bytes / 8);
    expect(totals.bytes).toBeGreaterThan(40e6 * 0.9);
    expect(totals.bytes).toBeLessThan(40e6 * 1.1);
    const received = rx.bytes / 1e6 / ((rx.last - rx.first) / 1000);
    expect(received).toBeGreaterThan(18);
    expect(received).toBeLessThan(22);
    // One report a second (the rate within one second is not checked: a busy machine delays it).
    expect(reports.length).toBeGreaterThanOrEqual(1);
    expect(reports[0].megabytesPerSecond).toBeGreaterThan(0);
    expect(reports[0].hitsPerSecond).toBeGreaterThan(0);
    expect(reports[0].totals.bytes).toBeLessThanOrEqual(totals.bytes);
    expect(totals.sendBufferBytes).toBeGreaterThan(0);
  });

  it('paces by camera time at a speed factor; datagrams without a time go at once', async () => {
    const rx = await receiver();
    // 2 s of camera time in 401 datagrams of 1 KiB, after 10 untimed ones.
    const words = new Uint32Array(2 * 128 * 411);
    const batch = cutDatagrams(words, 128, (end) => (end <= 1280 ? NaN : 5 + (end / 128 - 11) / 200));
    const sender = new PacedSender({
      host: '127.0.0.1',
      port: rx.port,
      pacing: { kind: 'camera', speed: 2 },
    });
    const totals = await sender.run([batch]);
    await waitFor(
      () => rx.datagrams >= 411,
      () => `all 411 datagrams sent to arrive (${rx.datagrams} did)`,
      2000,
    );
    expect(totals.datagrams).toBe(411);
    expect(rx.datagrams).toBe(411);
    expect(totals.hits).toBe(0);
    // 2 s of camera time at twice real time: about 1 s.
    expect(totals.elapsed).toBeGreaterThan(0.9);
    expect(totals.elapsed).toBeLessThan(1.3);
  });

  it('sends as fast as possible with exact counters', async () => {
    const rx = await receiver();
    const sender = new PacedSender({ host: '127.0.0.1', port: rx.port, pacing: { kind: 'unpaced' } });
    const totals = await sender.run(oneSecond);
    const datagrams = oneSecond.reduce((n, b) => n + b.datagrams.length, 0);
    const bytes = oneSecond.reduce((n, b) => n + b.datagrams.reduce((m, d) => m + d.length, 0), 0);
    const hits = oneSecond.reduce((n, b) => n + b.hits.reduce((m, h) => m + h, 0), 0);
    expect(totals).toMatchObject({ datagrams, bytes, words: bytes / 8, hits, errors: 0 });
    // Unpaced, loopback may drop some: wait up to 2 s for all of them, then check only that no more
    // arrived than were sent.
    await waitFor(
      () => rx.datagrams >= datagrams,
      () => `all ${datagrams} datagrams sent to arrive (${rx.datagrams} did)`,
      2000,
    ).catch(() => undefined);
    expect(rx.bytes).toBeLessThanOrEqual(bytes);
  });

  it('counts send errors when nothing listens, and keeps going', async () => {
    const rx = await receiver();
    const port = rx.port;
    await new Promise<void>((resolve) => rx.socket.close(() => resolve()));
    open.splice(open.indexOf(rx.socket), 1);
    const batch = cutDatagrams(new Uint32Array(2 * 64 * 200), 64, () => NaN);
    const sender = new PacedSender({
      host: '127.0.0.1',
      port,
      pacing: { kind: 'rate', megabytesPerSecond: 1 },
    });
    const totals = await sender.run([batch]);
    expect(totals.datagrams + totals.errors).toBeGreaterThanOrEqual(200);
    expect(totals.errors).toBeGreaterThan(0);
    expect(totals.lastError).toBe('ECONNREFUSED');
  });

  it('stops while waiting for tokens: the bucket holds two 8 KiB datagrams', async () => {
    const rx = await receiver();
    const sender = new PacedSender({
      host: '127.0.0.1',
      port: rx.port,
      pacing: { kind: 'rate', megabytesPerSecond: 0.001 },
    });
    setTimeout(() => sender.stop(), 200);
    const totals = await sender.run(endless());
    expect(totals.datagrams).toBe(2);
    expect(totals.elapsed).toBeLessThan(2);
  });

  it('rejects bad configurations', async () => {
    expect(() => parseSenderConfig({ host: 'x', port: 70000, pacing: { kind: 'unpaced' } })).toThrow(
      UserError,
    );
    expect(() =>
      parseSenderConfig({ host: 'x', port: 1, pacing: { kind: 'rate', megabytesPerSecond: -1 } }),
    ).toThrow(UserError);
    expect(
      () => new PacedSender({ host: 'x', port: 1, pacing: { kind: 'rate', megabytesPerSecond: -5 } }),
    ).toThrow(/send rate/);
    const sender = new PacedSender({ host: 'no-such-host.invalid', port: 9, pacing: { kind: 'unpaced' } });
    await expect(sender.run([])).rejects.toThrow(/cannot resolve host 'no-such-host.invalid'/);
  });
});
