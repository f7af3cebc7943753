// The 'process' transport with a pluggable launcher (how the app hosts stages in Electron utility
// processes): the launcher is what starts the host, its messages carry the same requests, a host
// that dies is seen through it, and PipelineSupervisor passes it on, including on restart.
import { FILE_DECODE_CONFIG, liveConfig } from './stageConfigs';
import { describe, expect, it } from 'vitest';
import { type StageLauncher, forkLauncher, openStage } from '../native-workers/stages/stagePort';
import { PipelineSupervisor } from '../electron/engine/pipelineSupervisor';

const DECODE = FILE_DECODE_CONFIG;

/** forkLauncher, recording what it started. */
function countingLauncher() {
  const started: { path: string; kill: () => void }[] = [];
  const launcher: StageLauncher = (path) => {
    const p = forkLauncher(path);
    started.push({ path, kill: () => p.kill() });
    return p;
  };
  return { launcher, started };
}

describe('stage launcher', () => {
  it('starts the stage host through the launcher and answers like in-process', async () => {
    const { launcher, started } = countingLauncher();
    const words = new Uint32Array([0, 0]);
    const inline = openStage('decodeEvents', DECODE, 'inline');
    const remote = openStage('decodeEvents', DECODE, 'process', { launcher });
    try {
      expect(started).toHaveLength(1);
      expect(started[0].path).toMatch(/stageWorker\.mjs$/);
      expect(remote.pid).toBeTypeOf('number');
      expect(await remote.call({ words: words.slice() })).toEqual(
        await inline.call({ words: words.slice() }),
      );
    } finally {
      await remote.close();
      await inline.close();
    }
  });

  it('a host killed behind the launcher fails its port', async () => {
    const { launcher, started } = countingLauncher();
    const port = openStage('decodeEvents', DECODE, 'process', { launcher });
    await port.call({ words: new Uint32Array(0) });
    started[0].kill();
    await expect(port.call({ words: new Uint32Array(0) })).rejects.toThrow(/stage host stopped/);
    await port.close();
  });

  it('PipelineSupervisor uses the launcher, again when it restarts a crashed stage', async () => {
    const { launcher, started } = countingLauncher();
    const config = liveConfig('pixel');
    const events: string[] = [];
    const s = new PipelineSupervisor(config, {
      transport: 'process',
      launcher,
      onEvent: (e) => events.push(e),
    });
    try {
      expect(started).toHaveLength(1);
      started[0].kill();
      const end = Date.now() + 10_000;
      while (started.length < 2 && Date.now() < end) {
        await s.reset();
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(started).toHaveLength(2);
      expect(s.restartCount).toBe(1);
      expect(events.some((e) => e.includes('restarted (1)'))).toBe(true);
    } finally {
      await s.stop();
    }
  });
});
