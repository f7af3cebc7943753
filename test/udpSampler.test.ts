// The UDP sampler over real loopback sockets: batching, the time base of Decision 8, held batches,
// odd datagrams and packet-id gaps.
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { type SampledBatch, UdpSampler } from '../electron/engine/udpSampler';
import { waitFor } from './waitFor';

const sockets: UdpSampler[] = [];
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.stop()));
});

function words(list: bigint[]): Buffer {
  return Buffer.from(new BigUint64Array(list).buffer);
}
const timePair = (lt: number): bigint[] => [
  (0x44n << 56n) | (BigInt(lt % 2 ** 32) << 16n),
  (0x45n << 56n) | (BigInt(Math.floor(lt / 2 ** 32)) << 16n),
];
const PIX = 0xbn << 60n;

async function send(port: number, datagrams: Buffer[]): Promise<void> {
  const s = createSocket('udp4');
  for (const d of datagrams)
    await new Promise<void>((r, j) => s.send(d, port, '127.0.0.1', (e) => (e ? j(e) : r())));
  s.close();
}

async function makeSampler(extra = {}) {
  const raw: SampledBatch[] = [];
  const batches: SampledBatch[] = [];
  const warnings: string[] = [];
  const s = new UdpSampler(
    { address: '127.0.0.1', port: 0, flushMs: 20, ...extra },
    { onRaw: (b) => raw.push(b), onBatch: (b) => batches.push(b), onWarning: (w) => warnings.push(w) },
  );
  sockets.push(s);
  const port = await s.start();
  return { s, port, raw, batches, warnings };
}

describe.each([false, true])('UdpSampler (datagrams received in a thread of their own: %s)', (thread) => {
  const sampler = (extra = {}): ReturnType<typeof makeSampler> => makeSampler({ ...extra, thread });

  it('holds batches until the first global time, then releases them with it; a batch own time counts for the next', async () => {
    const { s, port, raw, batches } = await sampler();
    await send(port, [words([PIX, PIX])]);
    await waitFor(
      () => raw.length === 1,
      () => `raw.length === 1 (is ${raw.length})`,
      3000,
    );
    expect(batches).toHaveLength(0); // no time yet: held from processing, but recorded
    expect(raw[0].longtime).toBe(-1);
    const lt1 = 5 * 2 ** 32 + 1234;
    await send(port, [words([...timePair(lt1), PIX])]);
    await waitFor(
      () => batches.length === 2,
      () => `batches.length === 2 (is ${batches.length})`,
      3000,
    );
    expect(batches.map((b) => b.longtime)).toEqual([lt1, lt1]);
    expect(batches[0].bytes).toEqual(new Uint8Array(words([PIX, PIX])));
    const lt2 = lt1 + 40_000_000; // one second later
    await send(port, [words([PIX, ...timePair(lt2)])]);
    await waitFor(
      () => batches.length === 3,
      () => `batches.length === 3 (is ${batches.length})`,
      3000,
    );
    expect(batches[2].longtime).toBe(lt1); // its own pair applies to the next batch only
    await send(port, [words([PIX])]);
    await waitFor(
      () => batches.length === 4,
      () => `batches.length === 4 (is ${batches.length})`,
      3000,
    );
    expect(batches[3].longtime).toBe(lt2);
    expect(s.stats.longtime).toBe(lt2);
  });

  it('an authoritative time (timer read) takes effect at once, even backwards', async () => {
    const { s, port, batches } = await sampler();
    await send(port, [words([...timePair(9 * 2 ** 32)])]);
    await waitFor(
      () => batches.length === 1,
      () => `batches.length === 1 (is ${batches.length})`,
      3000,
    );
    s.setTime(1000);
    await send(port, [words([PIX])]);
    await waitFor(
      () => batches.length === 2,
      () => `batches.length === 2 (is ${batches.length})`,
      3000,
    );
    expect(batches[1].longtime).toBe(1000);
  });

  it('counts odd-length datagrams and keeps them out of batches; flushes on size', async () => {
    const { s, port, raw } = await sampler({ batchBytes: 64, flushMs: 1000 });
    await send(port, [
      Buffer.alloc(7),
      words([PIX, PIX, PIX, PIX]),
      words([PIX, PIX, PIX, PIX]),
      Buffer.alloc(9),
    ]);
    await waitFor(
      () => raw.length === 1,
      () => `raw.length === 1 (is ${raw.length})`,
      3000,
    );
    expect(raw[0].bytes.length).toBe(64);
    expect(raw[0].datagrams).toBe(2);
    await waitFor(
      () => s.stats.oddDatagrams === 2,
      () => `s.stats.oddDatagrams === 2 (is ${s.stats.oddDatagrams})`,
      3000,
    );
    expect(s.stats.datagrams).toBe(4);
  });

  it('fills a given-back buffer again instead of a new one; a batch never shares a buffer in use', async () => {
    const { s, port, batches } = await sampler();
    await send(port, [words([...timePair(2 ** 32), PIX])]);
    await waitFor(
      () => batches.length === 1,
      () => `batches.length === 1 (is ${batches.length})`,
      3000,
    );
    const first = batches[0].bytes;
    const firstBuffer = first.buffer;
    s.recycle(new Uint8Array(16)); // not a batch buffer: ignored
    s.recycle(first);
    // The buffer being filled was taken at the first batch's end: the one after it reuses `first`.
    await send(port, [words([PIX, PIX])]);
    await waitFor(
      () => batches.length === 2,
      () => `batches.length === 2 (is ${batches.length})`,
      3000,
    );
    expect(batches[1].bytes.buffer).not.toBe(firstBuffer);
    await send(port, [words([PIX, PIX, PIX])]);
    await waitFor(
      () => batches.length === 3,
      () => `batches.length === 3 (is ${batches.length})`,
      3000,
    );
    // Across threads the buffer goes back by transfer (its memory, in a new ArrayBuffer object).
    if (thread) expect(firstBuffer.byteLength).toBe(0);
    else expect(batches[2].bytes.buffer).toBe(firstBuffer);
    expect(batches[2].bytes.buffer.byteLength).toBe((1 << 20) + 65536); // a batch buffer
    expect(batches[2].bytes).toEqual(new Uint8Array(words([PIX, PIX, PIX])));
    await send(port, [words([PIX])]);
    await waitFor(
      () => batches.length === 4,
      () => `batches.length === 4 (is ${batches.length})`,
      3000,
    );
    expect(batches[3].bytes.buffer).not.toBe(batches[2].bytes.buffer); // handed on, not reused twice
  });

  it('counts gaps in SPIDR packet ids', async () => {
    const { s, port, raw } = await sampler();
    const id = (n: number): bigint => (0x50n << 56n) | BigInt(n);
    await send(port, [words([...timePair(2 ** 32), id(1), id(2), id(5), id(6), id(9)])]);
    await waitFor(
      () => raw.length === 1,
      () => `raw.length === 1 (is ${raw.length})`,
      3000,
    );
    expect(s.stats.packetIdGaps).toBe(2);
  });

  it('finds time pairs and packet ids at any place among the pixels (the scan skips pixels four at a time)', async () => {
    for (let before = 0; before < 9; before++) {
      const { s, port, batches } = await sampler();
      const lt = 3 * 2 ** 32 + 1000 * before + 7;
      const id = (n: number): bigint => (0x50n << 56n) | BigInt(n);
      const pixels = (n: number): bigint[] => Array.from({ length: n }, () => PIX);
      // `before` pixels, the pair, pixels, then ids 1, 2, 4 (one gap) spread out, pixels after them
      const list = [...pixels(before), ...timePair(lt), ...pixels(5), id(1), ...pixels(before % 4), id(2)];
      await send(port, [words([...list, ...pixels(3), id(4), ...pixels(before)])]);
      // Held until its own pair gave the first time, then released with it.
      await waitFor(
        () => batches.length === 1,
        () => `batches.length === 1 (is ${batches.length})`,
        3000,
      );
      expect(batches[0].longtime, `after ${before} pixels`).toBe(lt);
      expect(s.stats.packetIdGaps, `after ${before} pixels`).toBe(1);
    }
  });

  it('reports the receive buffer it got, and warns when the kernel caps it', async () => {
    const { s, warnings } = await sampler({ recvBufferBytes: 1 << 30 });
    expect(s.stats.recvBufferBytes).toBeGreaterThan(0);
    if (s.stats.recvBufferBytes < 1 << 30) expect(warnings.join('\n')).toMatch(/net\.core\.rmem_max/);
  });

  it('drops held batches from processing beyond the hold bound, never from recording', async () => {
    const { s, port, raw, batches } = await sampler({ holdBytes: 16 });
    await send(port, [words([PIX, PIX, PIX])]);
    await waitFor(
      () => raw.length === 1,
      () => `raw.length === 1 (is ${raw.length})`,
      3000,
    );
    await send(port, [words([PIX])]);
    await waitFor(
      () => raw.length === 2,
      () => `raw.length === 2 (is ${raw.length})`,
      3000,
    );
    expect(s.stats.droppedBeforeTime).toBe(1);
    await send(port, [words(timePair(2 ** 33))]);
    await waitFor(
      () => batches.length === 2,
      () => `batches.length === 2 (is ${batches.length})`,
      3000,
    );
    expect(batches.map((b) => b.bytes.length)).toEqual([8, 16]);
    expect(raw).toHaveLength(3);
  });
});
