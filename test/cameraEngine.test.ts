// The engine driving the virtual camera over real TCP and UDP: start configures and opens the
// shutter, the heartbeat's timer becomes the live time base and the views fill with hits, a
// recording's sidecar keeps the camera's state, a heartbeat fault is a message while the recording
// goes on, and stop closes the shutter so the packets stop.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings';
import type { LiveSnapshot } from '../shared/liveViews';
import { Engine } from '../electron/engine/engine';
import { applySource } from '../electron/cli/acquireCommand';
import { SPIDR_COMMANDS } from '../native-workers/camera/spidrCommands';
import { VirtualCamera } from '../native-workers/camera/virtualCamera';
import { useTmpDir } from './tmpDir';
import { waitFor } from './waitFor';

const dir = useTmpDir();

describe('Engine with a SPIDR camera', () => {
  it('drives the virtual camera from start to stop', async () => {
    const cam = await VirtualCamera.start({ stream: { rateMBps: 2 } });
    const s: Settings = applySource(structuredClone(DEFAULT_SETTINGS), `spidr://127.0.0.1:${cam.port}`);
    s.camera.udp = { address: '127.0.0.1', port: 0 };
    s.camera.biasVolts = 20;
    s.camera.biasRampVoltsPerS = 100;
    s.camera.replyTimeoutMs = 500;
    s.processing.pipeline = 'pixel';
    s.processing.eventWindow = [0, 1];
    const engine = new Engine(s, { transport: 'inline' });
    const snaps: LiveSnapshot[] = [];
    engine.onViews((v) => snaps.push(v));
    try {
      const st = await engine.start();
      expect(st.camera).toMatchObject({
        address: `127.0.0.1:${cam.port}`,
        chips: ['W0028_H06'],
        connected: true,
      });
      expect(st.source.kind).toBe('udp');
      expect(cam.shutterOpen).toBe(true);
      expect(cam.udpDestination).toEqual({ address: '127.0.0.1', port: st.source.port });
      expect(cam.biasVolts).toBeCloseTo(20, 1);
      await waitFor(
        () => (snaps.at(-1)?.totals.hits ?? 0) > 1000,
        () => `over 1000 hits in the live views, saw ${snaps.at(-1)?.totals.hits}`,
        10_000,
      );

      const rec = await engine.startRecording({ folder: join(dir, 'runs'), prefix: 'cam' });
      // A heartbeat fault: a message, the recording goes on, the camera recovers.
      cam.faults = { errorWord: 0x0306, errorCodes: [SPIDR_COMMANDS.GET_TIMER] };
      // The operator's messages as the status shows them; the last read goes in a failure message.
      let messages: string[] = [];
      const hasMessage = (text: string) => async () => {
        messages = (await engine.getStatus()).messages;
        return messages.some((m) => m.includes(text));
      };
      await waitFor(
        hasMessage('camera heartbeat: SPIDR'),
        () => `heartbeat error message; messages ${JSON.stringify(messages)}`,
        10_000,
      );
      expect((await engine.getStatus()).camera?.connected).toBe(false);
      cam.faults = {};
      await waitFor(
        hasMessage('timer read again'),
        () => `recovery; messages ${JSON.stringify(messages)}`,
        10_000,
      );
      expect((await engine.getStatus()).recording?.path).toBe(rec.path);
      const result = await engine.stopRecording();
      expect(result?.state).toBe('stopped');
      const sidecar = JSON.parse(readFileSync(result!.sidecarPath, 'utf8')) as {
        camera: Record<string, unknown>;
      };
      expect(sidecar.camera).toMatchObject({ chipIds: ['W0028_H06'], deviceCount: 1, configFile: null });
      expect((sidecar.camera.dacs as Record<string, number>[])[0].Vthreshold_fine).toBe(420);
      expect(sidecar.camera.biasVoltage as number).toBeCloseTo(20, 0);

      await engine.stop();
      expect(cam.shutterOpen).toBe(false);
      const sent = cam.stream.counters.datagrams;
      await new Promise((r) => setTimeout(r, 300));
      expect(cam.stream.counters.datagrams).toBe(sent);
    } finally {
      await engine.shutdown();
      await cam.close();
    }
  });

  it('fails start with one line when the camera is unreachable', async () => {
    const cam = await VirtualCamera.start({ faults: { refuse: true } });
    const s = applySource(structuredClone(DEFAULT_SETTINGS), `spidr://127.0.0.1:${cam.port}`);
    s.camera.udp = { address: '127.0.0.1', port: 0 };
    s.camera.replyTimeoutMs = 300;
    const engine = new Engine(s, { transport: 'inline' });
    try {
      await expect(engine.start()).rejects.toThrow(
        /^camera: SPIDR 127\.0\.0\.1:\d+: connection closed by the camera/,
      );
      expect((await engine.getStatus()).state).toBe('idle');
    } finally {
      await engine.shutdown();
      await cam.close();
    }
  });
});
