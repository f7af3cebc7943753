// The SPIDR control client against the virtual camera over real TCP on 127.0.0.1: typed queries,
// sets read back, range checks that send nothing, and every failure path (timeout, dropped
// connection, device error, refused port, short and garbage replies) ending in a one-line typed
// error after which the next request works on a fresh connection.
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DacError } from '../native-workers/camera/dacs';
import { SpidrClient, SpidrClientError } from '../native-workers/camera/spidrClient';
import { SPIDR_COMMANDS } from '../native-workers/camera/spidrCommands';
import {
  VIRTUAL_FIRMWARE_VERSION,
  VIRTUAL_SOFTWARE_VERSION,
  VirtualCamera,
  type VirtualCameraFaults,
} from '../native-workers/camera/virtualCamera';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

async function setup(faults: VirtualCameraFaults = {}, timeoutMs = 2000) {
  const cam = await VirtualCamera.start({ faults });
  const client = new SpidrClient({ host: '127.0.0.1', port: cam.port, timeoutMs });
  cleanup.push(
    () => client.close(),
    () => cam.close(),
  );
  return { cam, client };
}

async function failure(p: Promise<unknown>): Promise<SpidrClientError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SpidrClientError);
    expect((e as Error).message).not.toContain('\n');
    return e as SpidrClientError;
  }
  throw new Error('expected a failure');
}

describe('SpidrClient against the virtual camera', () => {
  it('reads versions, chip ids, DACs, bias, temperatures and the timer', async () => {
    const { client } = await setup();
    expect(await client.softwareVersion()).toBe(VIRTUAL_SOFTWARE_VERSION);
    expect(await client.firmwareVersion()).toBe(VIRTUAL_FIRMWARE_VERSION);
    expect(await client.deviceCount()).toBe(1);
    expect(await client.chipIds()).toEqual(['W0028_H06']);
    expect(await client.getDac('Vthreshold_fine')).toBe(420);
    expect(await client.getDac('Ibias_Ikrum')).toBe(5);
    expect(await client.biasVoltage()).toBe(0); // supply off until enabled
    const t = await client.temperatures();
    for (const c of [t.localC, t.remoteC, t.fpgaC]) {
      expect(c).toBeGreaterThan(20);
      expect(c).toBeLessThan(70);
    }
    const t1 = await client.getTimer();
    await new Promise((r) => setTimeout(r, 20));
    const t2 = await client.getTimer();
    // 25 ns ticks: 20 ms is 800 000 ticks.
    expect(t2 - t1).toBeGreaterThanOrEqual(790_000);
    expect(t2 - t1).toBeLessThan(40_000_000 * 5);
    expect(client.connectCount).toBe(1);
  });

  it('sets DACs and the bias and reads them back', async () => {
    const { cam, client } = await setup();
    await client.setDac('Vthreshold_fine', 511);
    await client.setDac('Ibias_Preamp_OFF', 15);
    expect(await client.getDac('Vthreshold_fine')).toBe(511);
    expect(await client.getDac('Ibias_Preamp_OFF')).toBe(15);
    expect(cam.dac(6)).toBe(511);
    await client.request({ code: SPIDR_COMMANDS.BIAS_SUPPLY_ENA, shape: { kind: 'SetInt' }, words: [1] });
    await client.setBiasVoltage(50);
    // 50 V -> adjust 1691 -> 49.99 V -> adc 1365 -> 49.99 V (one ADC count is 0.0366 V).
    expect(await client.biasVoltage()).toBeCloseTo(50, 0);
  });

  it('rejects out-of-range and unknown DACs before sending anything', async () => {
    const { cam, client } = await setup();
    await client.softwareVersion();
    const before = cam.requestCount;
    await expect(client.setDac('Vthreshold_fine', 512)).rejects.toThrow(DacError);
    await expect(client.setDac('Ibias_Preamp_OFF', -1)).rejects.toThrow(/out of range/);
    await expect(client.setDac('Vthreshold', 1)).rejects.toThrow(/unknown Timepix3 DAC/);
    await expect(client.getDac('Vthreshold')).rejects.toThrow(DacError);
    await expect(client.setBiasVoltage(200)).rejects.toThrow(/out of range/);
    expect(cam.requestCount).toBe(before);
    expect(await client.getDac('Vthreshold_fine')).toBe(420);
  });

  it('times out, then works on a fresh connection', async () => {
    const { cam, client } = await setup({ delayMs: 400 }, 150);
    const start = Date.now();
    const err = await failure(client.softwareVersion());
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/no reply to GET_SOFTWVERSION \(device 0\) within 150 ms/);
    expect(Date.now() - start).toBeLessThan(1500);
    cam.faults = {};
    // The late reply to the first request must not be taken as this one's answer.
    await new Promise((r) => setTimeout(r, 300));
    expect(await client.deviceCount()).toBe(1);
    expect(client.connectCount).toBe(2);
  });

  it('keeps queued requests in step across a timeout', async () => {
    const { cam, client } = await setup({ delayMs: 250 }, 150);
    const first = client.softwareVersion();
    const second = client.firmwareVersion();
    await failure(first);
    cam.faults = {};
    expect(await second).toBe(VIRTUAL_FIRMWARE_VERSION);
    expect(await client.deviceCount()).toBe(1);
  });

  it('reports a dropped connection and recovers', async () => {
    const { client } = await setup({ dropAfterRequests: 1 });
    expect(await client.softwareVersion()).toBe(VIRTUAL_SOFTWARE_VERSION);
    const err = await failure(client.firmwareVersion());
    expect(err.kind).toBe('connection-lost');
    expect(err.message).toMatch(/connection closed by the camera/);
    expect(await client.firmwareVersion()).toBe(VIRTUAL_FIRMWARE_VERSION);
    expect(client.connectCount).toBe(2);
  });

  it('names the device error and keeps the connection', async () => {
    const { cam, client } = await setup({ errorWord: 0x0306, errorCodes: [SPIDR_COMMANDS.GET_DAC] });
    const err = await failure(client.getDac('Vfbk'));
    expect(err.kind).toBe('device-error');
    expect(err.message).toContain('GET_DAC');
    expect(err.message).toContain('ERR_TPX3_HARDW (TPX3_ERR_SC_ERRSTATE)');
    expect(err.spidrError?.name).toBe('ERR_TPX3_HARDW');
    cam.faults = { errorWord: 4 };
    expect((await failure(client.deviceCount())).message).toContain('ERR_ILLEGAL_PAR');
    cam.faults = {};
    expect(await client.getDac('Vfbk')).toBe(128);
    expect(client.connectCount).toBe(1);
  });

  it('reports a refused port and a camera that closes at once', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const client = new SpidrClient({ host: '127.0.0.1', port, timeoutMs: 500 });
    cleanup.push(() => client.close());
    const err = await failure(client.softwareVersion());
    expect(err.kind).toBe('refused');
    expect(err.message).toBe(`SPIDR 127.0.0.1:${port}: connection refused (nothing listens on that port)`);

    const { client: c2 } = await setup({ refuse: true }, 500);
    expect((await failure(c2.softwareVersion())).kind).toBe('connection-lost');
  });

  it('handles short and garbage replies without losing step', async () => {
    const { cam, client } = await setup({ truncateReplyBytes: 16 }, 150);
    const short = await failure(client.softwareVersion());
    expect(short.kind).toBe('bad-reply');
    expect(short.message).toMatch(/unexpected reply length 16 bytes, expected at least 20/);

    cam.faults = { truncateReplyBytes: 7 };
    const partial = await failure(client.softwareVersion());
    expect(partial.kind).toBe('timeout');
    expect(partial.message).toMatch(/reply of 7 bytes, no complete header/);

    cam.faults = { replyOverride: () => new Uint8Array(20).fill(0) };
    expect((await failure(client.softwareVersion())).message).toMatch(/unexpected reply 0x0/);

    cam.faults = {
      replyOverride: (code) =>
        Buffer.from([0, 1, (code >> 8) & 0xff, code & 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]),
    };
    expect((await failure(client.softwareVersion())).kind).toBe('bad-reply');

    // Longer than expected: the surplus is dropped, the answer is still right.
    cam.faults = {
      replyOverride: (code) => {
        const b = Buffer.alloc(64);
        b.writeUInt32BE(code | 0x10000, 0);
        b.writeUInt32BE(42, 16);
        return b;
      },
    };
    expect(await client.deviceCount()).toBe(42);
    cam.faults = {};
    expect(await client.chipIds()).toEqual(['W0028_H06']);
  });

  it('fails requests after close', async () => {
    const { client } = await setup();
    await client.softwareVersion();
    client.close();
    expect((await failure(client.softwareVersion())).kind).toBe('closed');
  });
});
