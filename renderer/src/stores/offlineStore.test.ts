import { describe, expect, it } from 'vitest';
import type { FileSummary, JobUpdate, RunListing } from '../../../shared/offlineApi';
import { createFakeClient } from '../api/fakeClient';
import { createOfflineStore, folderOf } from './offlineStore';

const run = (name: string): RunListing => ({
  path: `/data/${name}`,
  name,
  bytes: 100,
  modifiedMs: 0,
  camera: 3,
  startTime: null,
  durationS: null,
  packets: null,
  partial: false,
});

const job = (id: string, kind: JobUpdate['kind'], patch: Partial<JobUpdate> = {}): JobUpdate => ({
  id,
  kind,
  state: 'running',
  progress: 0,
  detail: '',
  error: null,
  result: null,
  ...patch,
});

describe('offline store', () => {
  it('lists the folder of files chosen in the menu, opens the first, and follows its summary job', async () => {
    const api = createFakeClient({
      listRuns: () => [run('b.raw'), run('a.raw')],
      summarizeFile: () => job('s1', 'summary'),
    });
    const store = createOfflineStore(api);
    await store.getState().openChosen({ kind: 'files', paths: ['/data/b.raw', '/data/a.raw'] });
    expect(api.calls.slice(0, 2)).toEqual([
      ['listRuns', '/data'],
      ['summarizeFile', '/data/b.raw'],
    ]);
    expect(store.getState().selected).toEqual(['/data/b.raw', '/data/a.raw']);
    expect(store.getState().current).toBe('/data/b.raw');
    api.emit('job', job('s1', 'summary', { progress: 0.5 }));
    expect(store.getState().jobs.s1.progress).toBe(0.5);
    const summary = { path: '/data/b.raw', hits: 42 } as FileSummary;
    api.emit(
      'job',
      job('s1', 'summary', { state: 'done', progress: 1, result: { kind: 'summary', summary } }),
    );
    expect(store.getState().summary).toBe(summary);
    // Jobs this page did not start are not its business.
    api.emit('job', job('other', 'convert'));
    expect(store.getState().jobs.other).toBeUndefined();
  });

  it('shows a failed listing as an error and an empty table', async () => {
    const api = createFakeClient({
      listRuns: () => {
        throw new Error('folder /nope does not exist: choose an existing folder');
      },
    });
    const store = createOfflineStore(api);
    await store.getState().list('/nope');
    expect(store.getState().error).toBe('folder /nope does not exist: choose an existing folder');
    expect(store.getState().runs).toEqual([]);
    expect(store.getState().listing).toBe(false);
  });

  it('finds the folder of a path', () => {
    expect(folderOf('/data/runs/a.raw')).toBe('/data/runs');
    expect(folderOf('/a.raw')).toBe('/');
    expect(folderOf('C:\\runs\\a.raw')).toBe('C:\\runs');
  });
});
