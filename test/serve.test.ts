// `chronopix serve` as a user runs it: prints its URL, streams status and view frames over the
// WebSocket API, answers requests, and requires a token on a non-loopback interface.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeMessage, encodeMessage } from '../shared/wireCodec';
import type { LiveSnapshot } from '../shared/liveViews';
import { type Served, startServe } from './serveProcess';
import { waitFor } from './waitFor';

const servers: Served[] = [];
afterAll(() => Promise.all(servers.map((s) => s.stop())));

/** A serve process with default settings (its own config folder). */
async function serve(args: string[]): Promise<Served> {
  const served = await startServe({ version: 1 }, args);
  servers.push(served);
  return served;
}

function connect(url: string): Promise<WebSocket> {
  const u = new URL(url);
  const ws = new WebSocket(`ws://${u.host}/api${u.search}`);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe('chronopix serve', () => {
  it('serves the engine on the built-in emulator: views, status and requests over the WebSocket', async () => {
    const { child, url, dir } = await serve([]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const ws = await connect(url);
    const frames: Record<string, unknown>[] = [];
    ws.on('message', (d: Buffer) => frames.push(decodeMessage(new Uint8Array(d)) as Record<string, unknown>));
    const request = async (
      id: number,
      method: string,
      params?: unknown,
    ): Promise<Record<string, unknown>> => {
      ws.send(encodeMessage({ id, method, params }));
      let reply: Record<string, unknown> | undefined;
      await waitFor(
        () => (reply = frames.find((f) => f.id === id)) !== undefined,
        `a reply to ${method}`,
        10_000,
      );
      return reply!;
    };
    const hits = (): number[] =>
      frames.filter((f) => f.event === 'views').map((f) => (f.data as LiveSnapshot).totals.hits);
    await waitFor(
      () => hits().some((n) => n > 1000),
      () =>
        `a views frame with over 1000 hits (hits so far: ${hits().slice(-5).join(', ') || 'no views frame'})`,
      10_000,
    );
    const views = frames.filter((f) => f.event === 'views').at(-1)!.data as LiveSnapshot;
    expect(views.hitMap.values).toBeInstanceOf(Float32Array);
    expect(views.hitMap.values.length).toBe(256 * 256);
    expect(views.tof.counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const status = (await request(1, 'getStatus')).result as { state: string; source: { kind: string } };
    expect(status).toMatchObject({ state: 'running', source: { kind: 'emulator' } });
    expect((await request(2, 'frobnicate')).error).toMatch(/unknown method 'frobnicate'/);
    expect((await request(3, 'setSettings', { processing: { eventWindow: [5, 1] } })).error).toMatch(
      /processing\.eventWindow/,
    );
    const rec = (await request(4, 'startRecording', { folder: join(dir, 'rec'), prefix: 'web' })).result as {
      path: string;
    };
    expect(rec.path).toMatch(/web_0000_\d{8}-\d{4}\.raw\.partial$/);
    const stopped = (await request(5, 'stopRecording')).result as { state: string; fileBytes: number };
    expect(stopped.state).toBe('stopped');
    expect(stopped.fileBytes).toBeGreaterThan(8);
    ws.close();
    child.kill('SIGINT');
    expect(await new Promise((r) => child.on('exit', r))).toBe(0);
  });

  it('requires a token on a non-loopback interface', async () => {
    const { child, url } = await serve(['--host', '0.0.0.0', '--no-start']);
    const token = new URL(url).searchParams.get('token');
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    const port = new URL(url).port;
    const plain = await fetch(`http://127.0.0.1:${port}/`);
    expect(plain.status).toBe(401);
    const ok = await fetch(`http://127.0.0.1:${port}/?token=${token}`);
    expect(ok.status).toBe(200);
    await expect(connect(`http://127.0.0.1:${port}/`)).rejects.toThrow(/401/);
    const ws = await connect(`http://127.0.0.1:${port}/?token=${token}`);
    ws.close();
    child.kill('SIGTERM');
  });
});
