import { describe, expect, it } from 'vitest';
import type { JobUpdate } from '../../shared/offlineApi';
import { UserError } from '../../shared/userError';
import { OfflineJobs } from './offlineJobs';

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function record(jobs: OfflineJobs): JobUpdate[] {
  const updates: JobUpdate[] = [];
  jobs.onJob((u) => updates.push(u));
  return updates;
}

describe('OfflineJobs', () => {
  it('throttles progress to the interval and always sends the final update', async () => {
    const jobs = new OfflineJobs({ minIntervalMs: 10_000 });
    const updates = record(jobs);
    const first = jobs.start('summary', 'working', async ({ progress }) => {
      for (let i = 1; i <= 100; i++) progress(i / 100, `${i}%`);
      return { result: null };
    });
    expect(first).toMatchObject({ state: 'running', progress: 0, detail: 'working' });
    await tick(20);
    expect(updates.map((u) => [u.state, u.progress])).toEqual([
      ['running', 0],
      ['done', 1],
    ]);
  });

  it('queues beyond maxRunning, starts the next when one ends, and cancels queued and running jobs', async () => {
    const jobs = new OfflineJobs({ maxRunning: 1, minIntervalMs: 0 });
    const updates = record(jobs);
    let release!: () => void;
    const a = jobs.start(
      'browse',
      'a',
      ({ signal }) =>
        new Promise((resolve, reject) => {
          release = () => resolve({ result: null });
          signal.addEventListener('abort', () => reject(new Error('stopped')));
        }),
    );
    const b = jobs.start('browse', 'b', async () => ({ result: null }));
    const c = jobs.start('browse', 'c', async () => ({ result: null }));
    expect(b.detail).toBe('queued');
    await jobs.cancel(c.id);
    release();
    await tick(10);
    const finals = updates.filter((u) => u.state !== 'running').map((u) => [u.id, u.state]);
    expect(finals).toEqual([
      [c.id, 'cancelled'],
      [a.id, 'done'],
      [b.id, 'done'],
    ]);
    expect(updates.some((u) => u.id === b.id && u.state === 'running' && u.detail === 'b')).toBe(true);
    const d = jobs.start(
      'convert',
      'd',
      ({ signal }) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => reject(new Error('stopped')));
        }),
    );
    await tick(5); // running, waiting on its signal
    await jobs.cancel(d.id);
    expect(updates.at(-1)).toMatchObject({ id: d.id, state: 'cancelled', error: null });
    let called = false;
    const e = jobs.start('convert', 'e', async () => {
      called = true;
      return { result: null };
    });
    await jobs.cancel(e.id); // before its work ever ran
    expect(called).toBe(false);
    expect(updates.at(-1)).toMatchObject({ id: e.id, state: 'cancelled' });
    await expect(jobs.cancel(d.id)).rejects.toBeInstanceOf(UserError);
  });

  it('reports a failure as one line, and a partial failure with its result', async () => {
    const jobs = new OfflineJobs();
    const updates = record(jobs);
    jobs.start('summary', 's', async () => {
      throw new Error('bad file\n  at somewhere');
    });
    jobs.start('convert', 'c', async () => ({
      result: { kind: 'convert', outputs: ['x.h5'] },
      error: 'y.raw: broken',
    }));
    await tick(10);
    const finals = updates.filter((u) => u.state !== 'running');
    expect(finals.map((u) => [u.state, u.error, u.result])).toEqual([
      ['failed', 'bad file', null],
      ['failed', 'y.raw: broken', { kind: 'convert', outputs: ['x.h5'] }],
    ]);
  });
});
