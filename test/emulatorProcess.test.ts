// The emulator as its own process (native-workers/live/emulatorMain.ts, bundled to
// dist/emulatorMain.mjs by scripts/build.mjs, run by test/globalSetup.ts), the way the app starts it:
// forked with serialization 'advanced', configured by a message, streaming to a
// socket bound here (Decision 16); stopped by a message; a bad configuration is an 'error' event and
// exit code 1; plain `node` with the configuration as argv reports JSON lines on stdout.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorConfig, EmulatorEvent } from '../native-workers/live/emulatorMain';
import { Tpx3Decoder, newDecodedBatch } from '../native-workers/pipeline/tpx3Decoder';
import { REPO_ROOT } from './fixtures';
import { useTmpDir } from './tmpDir';
import { waitFor } from './waitFor';

const dir = useTmpDir('chronopix-emulator-process-');
const entry = join(REPO_ROOT, 'dist', 'emulatorMain.mjs');
let socket: Socket;
let port = 0;
let received = 0;
const decoder = new Tpx3Decoder({ orientation: 'Up', offsetX: 0, offsetY: 0, timeMode: 'file' });

beforeAll(async () => {
  socket = createSocket({ type: 'udp4', recvBufferSize: 8 << 20 });
  const out = newDecodedBatch();
  socket.on('message', (m) => {
    received++;
    decoder.decode(new Uint32Array(m.buffer, m.byteOffset, m.length >>> 2), out);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  port = socket.address().port;
});
afterAll(() => socket?.close());

function config(source: EmulatorConfig['source']): EmulatorConfig {
  return { source, sender: { host: '127.0.0.1', port, pacing: { kind: 'rate', megabytesPerSecond: 20 } } };
}

function forkEmulator(): { child: ChildProcess; events: EmulatorEvent[]; exit: Promise<number | null> } {
  const child = fork(entry, [], { serialization: 'advanced', stdio: 'pipe' });
  const events: EmulatorEvent[] = [];
  child.on('message', (m) => events.push(m as EmulatorEvent));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, events, exit };
}

describe('emulator process', () => {
  it('streams a configured run, reports done with totals that match what arrived, and exits', async () => {
    received = 0;
    const { child, events, exit } = forkEmulator();
    child.send({
      type: 'start',
      config: config({ kind: 'generated', seconds: 0.5, triggerRate: 400, seed: 5 }),
    });
    expect(await exit).toBe(0);
    const done = events.find((e) => e.type === 'done');
    expect(done?.type).toBe('done');
    if (done?.type !== 'done') return;
    await waitFor(
      () => received >= done.totals.datagrams,
      () => `all ${done.totals.datagrams} datagrams sent to arrive (${received} did)`,
      5000,
    );
    expect(received).toBe(done.totals.datagrams);
    expect(done.totals.errors).toBe(0);
    expect(decoder.counts.tdc1Rise).toBe(200);
    expect(decoder.counts.pixels).toBe(done.totals.hits);
  });

  it('stops on a stop message, and reports a bad configuration as an error', async () => {
    const endless = forkEmulator();
    endless.child.send({ type: 'start', config: config({ kind: 'generated' }) });
    await waitFor(
      () => endless.events.some((e) => e.type === 'rate'),
      () => `a 'rate' event (events: ${JSON.stringify(endless.events)})`,
      5000,
    );
    expect(endless.events.find((e) => e.type === 'rate')).toMatchObject({ type: 'rate' });
    endless.child.send({ type: 'stop' });
    expect(await endless.exit).toBe(0);
    expect(endless.events.filter((e) => e.type === 'done')).toHaveLength(1);

    const bad = forkEmulator();
    bad.child.send({ type: 'start', config: config({ kind: 'replay', path: join(dir, 'missing.raw') }) });
    expect(await bad.exit).toBe(1);
    expect(bad.events).toEqual([
      { type: 'error', message: expect.stringMatching(/missing\.raw: no such file/) },
    ]);
  });

  it('takes its configuration from argv and reports on stdout when not forked', async () => {
    const child = spawn(process.execPath, [
      entry,
      JSON.stringify(config({ kind: 'generated', seconds: 0.2, triggerRate: 100 })),
    ]);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const events = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as EmulatorEvent);
    expect(events[events.length - 1]).toMatchObject({ type: 'done', totals: { errors: 0 } });
  });
});
