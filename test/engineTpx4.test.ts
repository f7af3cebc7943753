// The engine end to end on an emulated Timepix4 (settings processing.generation 4): the built-in
// emulator streams generator4's big-endian words over loopback UDP, the live pipeline decodes them onto
// the 448 x 512 sensor, and the recording is a headerless Timepix4 file that converts as one.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../shared/settings';
import type { LiveSnapshot } from '../shared/liveViews';
import { Engine } from '../electron/engine/engine';
import { convertRawFile } from '../native-workers/io/convertRaw';
import { useTmpDir } from './tmpDir';
import { waitFor } from './waitFor';

const dir = useTmpDir();

describe('Engine on an emulated Timepix4', () => {
  it('shows hits on the 448 x 512 sensor, builds events, and records a Timepix4 file', async () => {
    const s = structuredClone(DEFAULT_SETTINGS);
    s.processing.generation = 4;
    s.source.emulator.rateMBps = 4;
    s.recording.folder = join(dir, 'runs');
    s.recording.prefix = 'tpx4';
    const engine = new Engine(s);
    const snaps: LiveSnapshot[] = [];
    engine.onViews((snap) => snaps.push(snap));
    await engine.start();
    let rawPath = '';
    try {
      await engine.startRecording();
      await waitFor(
        () => snaps.length > 0 && snaps.at(-1)!.totals.hits > 20_000 && snaps.at(-1)!.totals.centroids > 100,
        // The sampler's full counters (batches, time base) are not in the status: read directly.
        () =>
          `views: ${JSON.stringify(snaps.at(-1)?.totals)}; status ${JSON.stringify(engine['sampler']?.stats)}`,
        20_000,
      );
      const result = await engine.stopRecording();
      expect(result!.state).toBe('stopped');
      rawPath = result!.rawPath;
    } finally {
      await engine.stop();
    }
    const last = snaps.at(-1)!;
    expect(last.sensor).toEqual({ width: 448, height: 512 });
    expect(last.hitMap.values).toHaveLength(448 * 512);
    expect(last.hitMap.offSensor).toBe(0);
    // Hits fill the whole sensor (noise), beyond the 256 x 256 of a Timepix3 chip.
    const { values } = last.hitMap;
    let beyond = 0;
    let total = 0;
    for (let y = 0; y < 512; y++) {
      for (let x = 0; x < 448; x++) {
        const v = values[y * 448 + x];
        total += v;
        if (x >= 256 || y >= 256) beyond += v;
      }
    }
    expect(total).toBeGreaterThan(0);
    expect(beyond).toBeGreaterThan(0);
    // Signal-packet triggers at the emulator's 1000 per second give events with ions in the window.
    expect(last.totals.triggers).toBeGreaterThan(10);
    expect(last.totals.events).toBeGreaterThan(1000);
    expect((await engine.getStatus()).loss.droppedBeforeTime).toBe(0);

    // The recording is a Timepix4 raw file: auto-detected, converted, with events from its triggers.
    const summary = await convertRawFile({
      input: rawPath,
      output: join(dir, 'tpx4.h5'),
      version: 'test',
      workers: 1,
    });
    expect(summary.generation).toBe(4);
    expect(summary.info.dataOffset).toBe(0);
    expect(summary.tpx4Packets!.heartbeats).toBeGreaterThan(10);
    expect(summary.tpx4Packets!.signalRise).toBeGreaterThan(10);
    expect(summary.tpx4Packets!.unknown).toBe(0);
    expect(summary.tpx4Packets!.pixels).toBeGreaterThan(10_000);
    expect(summary.events.events).toBeGreaterThan(1000);
    expect(summary.centroids).toBeGreaterThan(100);
  });
});
