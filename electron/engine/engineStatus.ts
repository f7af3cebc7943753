// The engine's status report: what the status bar, `chronopix serve`'s clients and `chronopix
// acquire` see once a second. The engine hands over its parts as they are now (sampler counters,
// pipeline health, recording, camera session, operator messages); this puts them into the
// EngineStatus shape and measures the receive rate between reports.
import type { EngineState, EngineStatus, RecordingStatus } from '../../shared/engineApi';
import type { Settings } from '../../shared/settings';
import type { CameraSession } from '../../native-workers/camera/cameraSession';
import { cameraConfigured, cameraStatus } from './cameraControl';
import type { PipelineSupervisor } from './pipelineSupervisor';
import type { SamplerStats } from './udpSampler';

/** The received rate in MB/s. Remeasured at most every 900 ms, so a report right after another
 * (getStatus after the once-a-second publish) does not divide a few bytes by a few ms. */
export class ReceiveRate {
  private last = { atMs: 0, bytes: 0, rate: 0 };

  /** A new sampler starts counting from 0 at `nowMs`: measure from there (not from the last run's
   * total, which gave a negative first rate, nor from the process's start, which understated it). */
  start(nowMs: number): void {
    this.last = { atMs: nowMs, bytes: 0, rate: 0 };
  }

  /** `bytes`: the sampler's total so far (undefined: no sampler, the last rate stays). */
  update(bytes: number | undefined, nowMs: number): number {
    if (bytes !== undefined && nowMs - this.last.atMs >= 900) {
      this.last = {
        atMs: nowMs,
        bytes,
        rate: ((bytes - this.last.bytes) / (nowMs - this.last.atMs)) * 1e-3,
      };
    }
    return this.last.rate;
  }
}

/** What the engine holds when a status is asked for. */
export interface StatusParts {
  state: EngineState;
  settings: Settings;
  /** The camera session acquisition drives (kept between runs), if any. */
  camera: CameraSession | null;
  /** The UDP port the sampler bound (0 before the first start). */
  boundPort: number;
  elapsedS: number;
  recording: RecordingStatus | null;
  disk: EngineStatus['disk'];
  /** The sampler's counters; undefined while no sampler runs. */
  stats: SamplerStats | undefined;
  /** MB/s from ReceiveRate. */
  receiveRate: number;
  supervisor: PipelineSupervisor | null;
  /** Messages for the operator, newest last (the engine's log, copied). */
  messages: string[];
}

export function assembleStatus(p: StatusParts): EngineStatus {
  const st = p.stats;
  const { source } = p.settings;
  const driven = p.camera !== null || cameraConfigured(p.settings.camera);
  // Asked once: health() moves its execution-time window, and both uses must agree.
  const health = p.supervisor?.health();
  return {
    state: p.state,
    source: {
      // A configured camera is the source before its first start too (no EMULATOR badge).
      kind: driven ? 'udp' : source.kind,
      address: driven
        ? p.settings.camera.udp.address
        : source.kind === 'emulator'
          ? '127.0.0.1'
          : source.udp.address,
      port: p.boundPort || (driven ? p.settings.camera.udp.port : source.udp.port),
    },
    elapsedS: p.elapsedS,
    recording: p.recording,
    disk: p.disk,
    received: {
      datagrams: st?.datagrams ?? 0,
      bytes: st?.bytes ?? 0,
      megabytesPerS: p.state === 'running' ? p.receiveRate : 0,
    },
    loss: {
      kernelDrops: st?.kernelDrops ?? -1,
      packetIdGaps: st?.packetIdGaps ?? 0,
      oddDatagrams: st?.oddDatagrams ?? 0,
      droppedBeforeTime: st?.droppedBeforeTime ?? 0,
      pipelineDroppedBatches: health?.droppedBatches ?? 0,
    },
    pipelineRestarts: p.supervisor?.restartCount ?? 0,
    stages: health ? [health] : [],
    messages: p.messages,
    camera: cameraStatus(p.camera, p.settings.camera),
  };
}
