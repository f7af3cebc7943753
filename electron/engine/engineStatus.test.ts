// The engine's status report: which source it names (emulator, UDP, a configured or driven camera),
// the sampler's counters and their stand-ins while no sampler runs, the pipeline's health, the
// recording, and the receive rate ReceiveRate measures between reports.
import { describe, expect, it } from 'vitest';
import type { EngineState, RecordingStatus } from '../../shared/engineApi';
import type { StageHealth } from '../../shared/liveViews';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import type { CameraSession } from '../../native-workers/camera/cameraSession';
import { ReceiveRate, assembleStatus, type StatusParts } from './engineStatus';
import type { PipelineSupervisor } from './pipelineSupervisor';
import type { SamplerStats } from './udpSampler';

function settings(edit: (s: Settings) => void = () => undefined): Settings {
  const s = structuredClone(DEFAULT_SETTINGS);
  edit(s);
  return s;
}

function parts(overrides: Partial<StatusParts> = {}): StatusParts {
  return {
    state: 'idle',
    settings: settings(),
    camera: null,
    boundPort: 0,
    elapsedS: 0,
    recording: null,
    disk: null,
    stats: undefined,
    receiveRate: 0,
    supervisor: null,
    messages: [],
    ...overrides,
  };
}

const STATS: SamplerStats = {
  datagrams: 1200,
  bytes: 9_600_000,
  batches: 12,
  oddDatagrams: 3,
  droppedBeforeTime: 2,
  packetIdGaps: 7,
  kernelDrops: 5,
  recvBufferBytes: 64 << 20,
  longtime: 123_456,
};

const HEALTH: StageHealth = {
  name: 'pipeline',
  queueUsedBytes: 1 << 20,
  queueLimitBytes: 32 << 20,
  overflow: 'drop',
  droppedBatches: 4,
  droppedBytes: 4 << 20,
  execMs: 1.5,
};

/** A supervisor as far as the status reads it: its health and restart count. */
function supervisor(health: StageHealth, restartCount: number): PipelineSupervisor {
  return { health: () => ({ ...health }), restartCount } as unknown as PipelineSupervisor;
}

/** A camera session as far as cameraStatus reads it. */
function cameraSession(): CameraSession {
  return {
    address: '10.0.0.5:50000',
    connected: true,
    info: { chipIds: ['W0028_H06'] },
    temperatures: { local: 38, remote: 45, fpga: 52 },
    biasVoltage: 50.2,
  } as unknown as CameraSession;
}

describe('assembleStatus', () => {
  it('reports an idle emulator run with no sampler, pipeline, camera or recording', () => {
    const messages = ['acquisition stopped'];
    expect(assembleStatus(parts({ messages }))).toEqual({
      state: 'idle',
      source: { kind: 'emulator', address: '127.0.0.1', port: 8192 },
      elapsedS: 0,
      recording: null,
      disk: null,
      received: { datagrams: 0, bytes: 0, megabytesPerS: 0 },
      // -1: kernel drops unknown while no socket exists; every other count is 0.
      loss: {
        kernelDrops: -1,
        packetIdGaps: 0,
        oddDatagrams: 0,
        droppedBeforeTime: 0,
        pipelineDroppedBatches: 0,
      },
      pipelineRestarts: 0,
      stages: [],
      messages: ['acquisition stopped'],
      camera: null,
    });
  });

  it('names the emulator at 127.0.0.1 whatever source.udp says, and the bound port once there is one', () => {
    const s = settings((x) => {
      x.source.udp = { address: '192.168.1.50', port: 9000 };
    });
    expect(assembleStatus(parts({ settings: s })).source).toEqual({
      kind: 'emulator',
      address: '127.0.0.1',
      port: 9000,
    });
    expect(assembleStatus(parts({ settings: s, boundPort: 40123 })).source).toEqual({
      kind: 'emulator',
      address: '127.0.0.1',
      port: 40123,
    });
  });

  it('names source.udp for a UDP source, the bound port taking precedence', () => {
    const s = settings((x) => {
      x.source.kind = 'udp';
      x.source.udp = { address: '192.168.1.50', port: 9000 };
    });
    expect(assembleStatus(parts({ settings: s })).source).toEqual({
      kind: 'udp',
      address: '192.168.1.50',
      port: 9000,
    });
    expect(assembleStatus(parts({ settings: s, boundPort: 9001 })).source.port).toBe(9001);
  });

  it('names camera.udp as the source once a camera is configured, before its first start (no camera status yet)', () => {
    const s = settings((x) => {
      x.camera.address = '  192.168.1.10  ';
      x.camera.udp = { address: '192.168.100.1', port: 8200 };
    });
    const status = assembleStatus(parts({ settings: s }));
    expect(status.source).toEqual({ kind: 'udp', address: '192.168.100.1', port: 8200 });
    expect(status.camera).toBeNull();
  });

  it('treats a blank camera address as no camera', () => {
    const s = settings((x) => {
      x.camera.address = '   ';
      x.camera.udp = { address: '192.168.100.1', port: 8200 };
    });
    expect(assembleStatus(parts({ settings: s })).source).toEqual({
      kind: 'emulator',
      address: '127.0.0.1',
      port: 8192,
    });
  });

  it('names camera.udp while a camera session drives acquisition, and reports the camera', () => {
    // The session outlives a settings change that cleared the address: it is still the source.
    const s = settings((x) => {
      x.camera.udp = { address: '192.168.100.1', port: 8200 };
      x.camera.biasOnQuit = 'off';
    });
    const status = assembleStatus(parts({ settings: s, camera: cameraSession(), boundPort: 8200 }));
    expect(status.source).toEqual({ kind: 'udp', address: '192.168.100.1', port: 8200 });
    expect(status.camera).toEqual({
      address: '10.0.0.5:50000',
      connected: true,
      chips: ['W0028_H06'],
      temperatures: { local: 38, remote: 45, fpga: 52 },
      biasVoltage: 50.2,
      biasOnQuit: 'off',
    });
  });

  it('copies the sampler counters into received and loss', () => {
    const status = assembleStatus(
      parts({ state: 'running', stats: STATS, receiveRate: 12.5, elapsedS: 3.25 }),
    );
    expect(status.elapsedS).toBe(3.25);
    expect(status.received).toEqual({ datagrams: 1200, bytes: 9_600_000, megabytesPerS: 12.5 });
    expect(status.loss).toEqual({
      kernelDrops: 5,
      packetIdGaps: 7,
      oddDatagrams: 3,
      droppedBeforeTime: 2,
      pipelineDroppedBatches: 0,
    });
  });

  it('shows the receive rate only while running', () => {
    const states: EngineState[] = ['idle', 'starting', 'running', 'stopping'];
    expect(
      states.map(
        (state) => assembleStatus(parts({ state, stats: STATS, receiveRate: 12.5 })).received.megabytesPerS,
      ),
    ).toEqual([0, 0, 12.5, 0]);
    // The state itself is passed through.
    expect(states.map((state) => assembleStatus(parts({ state })).state)).toEqual(states);
  });

  it('reports the pipeline: its health as the one stage, its dropped batches and restarts', () => {
    const status = assembleStatus(parts({ state: 'running', supervisor: supervisor(HEALTH, 2) }));
    expect(status.stages).toEqual([HEALTH]);
    expect(status.loss.pipelineDroppedBatches).toBe(4);
    expect(status.pipelineRestarts).toBe(2);
  });

  it('passes the recording, the disk and the messages through', () => {
    const recording: RecordingStatus = {
      path: '/data/run_0001.raw.partial',
      bytes: 5_000_000,
      seconds: 2.5,
      droppedDatagrams: 1,
      stopAfterS: 60,
    };
    const disk = { folder: '/data', freeBytes: 1e12 };
    const status = assembleStatus(
      parts({ state: 'running', recording, disk, messages: ['recording to /data/run_0001.raw'] }),
    );
    expect(status.recording).toEqual({
      path: '/data/run_0001.raw.partial',
      bytes: 5_000_000,
      seconds: 2.5,
      droppedDatagrams: 1,
      stopAfterS: 60,
    });
    expect(status.disk).toEqual({ folder: '/data', freeBytes: 1e12 });
    expect(status.messages).toEqual(['recording to /data/run_0001.raw']);
  });
});

describe('ReceiveRate', () => {
  it('is 0 before the first measurement and while there is no sampler', () => {
    const rate = new ReceiveRate();
    expect(rate.update(undefined, 5000)).toBe(0);
    expect(rate.update(undefined, 10_000)).toBe(0);
  });

  it('measures MB/s between reports at least 900 ms apart and keeps the last rate in between', () => {
    const rate = new ReceiveRate();
    // 2 MB in the first second.
    expect(rate.update(2_000_000, 1000)).toBeCloseTo(2, 12);
    // 899 ms later: too soon, the last rate stays (a getStatus right after a publish).
    expect(rate.update(2_500_000, 1899)).toBeCloseTo(2, 12);
    // 900 ms after the last measurement: remeasured from it, 1.8 MB in 0.9 s.
    expect(rate.update(3_800_000, 1900)).toBeCloseTo(2, 12);
    // 5 MB in the next 2 s.
    expect(rate.update(8_800_000, 3900)).toBeCloseTo(2.5, 12);
    // No traffic for a second.
    expect(rate.update(8_800_000, 4900)).toBe(0);
  });

  it('keeps the last rate while the sampler is gone; a new sampler is measured from its start', () => {
    const rate = new ReceiveRate();
    rate.start(0);
    expect(rate.update(3_000_000, 1000)).toBeCloseTo(3, 12);
    expect(rate.update(undefined, 2000)).toBeCloseTo(3, 12);
    expect(rate.update(undefined, 3000)).toBeCloseTo(3, 12);
    // A second run: its sampler counts from 0 again, from 3500 ms. 0.5 s in, too soon to measure: 0,
    // not the old run's rate; 2 MB after 1 s is 2 MB/s (not negative against the old run's 3 MB).
    rate.start(3500);
    expect(rate.update(1_000_000, 4000)).toBe(0);
    expect(rate.update(2_000_000, 4500)).toBeCloseTo(2, 12);
  });

  it("measures the first report from the run's start, not from the process's", () => {
    const rate = new ReceiveRate();
    rate.start(600_000); // the app has been open ten minutes
    expect(rate.update(5_000_000, 601_000)).toBeCloseTo(5, 12);
  });

  it('feeds the status once a second as the engine does', () => {
    const rate = new ReceiveRate();
    const report = (bytes: number, nowMs: number): number =>
      assembleStatus(
        parts({
          state: 'running',
          stats: { ...STATS, bytes },
          receiveRate: rate.update(bytes, nowMs),
        }),
      ).received.megabytesPerS;
    expect([
      report(1_000_000, 1000),
      report(21_000_000, 2000),
      report(21_000_100, 2005), // getStatus 5 ms after the publish: still 20 MB/s
      report(31_000_000, 3000),
    ]).toEqual([
      expect.closeTo(1, 12),
      expect.closeTo(20, 12),
      expect.closeTo(20, 12),
      expect.closeTo(10, 12),
    ]);
  });
});
