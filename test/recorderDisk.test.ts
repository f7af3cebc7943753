// The recorder and the disk: run names and index continuation in a real folder, folders that are
// missing or cannot be written, and a disk that fills up (a 1 MB tmpfs, mounted when running as
// root). What a recording holds: recorder.test.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../shared/userError';
import { inspectRawFile } from '../native-workers/io/rawReader';
import { startRecording, type RecordingSummary } from '../native-workers/live/recorder';
import { renameNoReplace, reserveRun, runNames } from '../native-workers/live/runNaming';
import {
  LONGTIME,
  NOW_NS,
  SETTINGS,
  concat,
  options,
  pixelDatagram,
  readJson,
  useRecordingFolders,
} from './recorderTestKit';

const { root, freshFolder } = useRecordingFolders();

describe('run naming on disk', () => {
  it('continues after 0000..0007 and a .partial 0008 with 0009, named in local time', async () => {
    const folder = freshFolder();
    mkdirSync(folder);
    for (let i = 0; i < 8; i++) writeFileSync(join(folder, `run_000${i}_20240101-0000.raw`), '');
    writeFileSync(join(folder, 'run_0008_20240101-0000.raw.partial'), '');
    const rec = await startRecording(options(folder));
    const d = new Date(Number(NOW_NS / 1_000_000n));
    const stamp =
      `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}-` +
      `${String(d.getHours()).padStart(2, '0')}${String(d.getMinutes()).padStart(2, '0')}`;
    expect(rec.names.base).toBe(`run_0009_${stamp}`);
    expect(existsSync(join(folder, `run_0009_${stamp}.raw.partial`))).toBe(true);
    expect(existsSync(join(folder, `run_0009_${stamp}.json`))).toBe(true);
    const summary = await rec.stop();
    expect(summary.rawPath).toBe(join(folder, `run_0009_${stamp}.raw`));
    expect(summary.runIndex).toBe(9);
    // The existing files are untouched.
    expect(readdirSync(folder).filter((n) => n.includes('_000') && !n.includes('0009'))).toHaveLength(9);
  });

  it('gives concurrent recordings in one folder distinct runs, first index 0000', async () => {
    const folder = freshFolder();
    const recs = await Promise.all([0, 1, 2, 3].map(() => startRecording(options(folder))));
    expect(recs.map((r) => r.names.index).sort()).toEqual([0, 1, 2, 3]);
    const summaries = await Promise.all(recs.map((r) => r.stop()));
    expect(new Set(summaries.map((s) => s.rawPath)).size).toBe(4);
  });

  it('never overwrites: renames refuse an existing target, reservations skip taken names', async () => {
    const folder = freshFolder();
    mkdirSync(folder);
    writeFileSync(join(folder, 'a'), 'new');
    writeFileSync(join(folder, 'b'), 'old');
    await expect(renameNoReplace(join(folder, 'a'), join(folder, 'b'))).rejects.toThrow(/already exists/);
    expect(readFileSync(join(folder, 'b'), 'utf8')).toBe('old');
    expect(readFileSync(join(folder, 'a'), 'utf8')).toBe('new');
    const date = new Date(2025, 0, 1, 12, 0);
    const first = await reserveRun(folder, 'x', date);
    const second = await reserveRun(folder, 'x', date);
    await Promise.all([first.file.close(), second.file.close()]);
    expect([first.names.index, second.names.index]).toEqual([0, 1]);
    expect(runNames('x', 1, date).partial).toBe(second.names.partial);
  });

  it('creates a missing folder, and says clearly when it cannot', async () => {
    const folder = join(freshFolder(), 'deep', 'er');
    const rec = await startRecording(options(folder));
    expect((await rec.stop()).state).toBe('stopped');
    const file = join(root, 'plain-file');
    writeFileSync(file, '');
    await expect(startRecording(options(join(file, 'sub')))).rejects.toThrow(UserError);
    await expect(startRecording(options(join(file, 'sub')))).rejects.toThrow(
      /cannot create it \(a part of the path is a file \(ENOTDIR\)\)/,
    );
    await expect(startRecording(options(file))).rejects.toThrow(/is not a folder/);
    await expect(startRecording(options(root, { prefix: 'a/b' }))).rejects.toThrow(/path separator/);
  });
});

describe('disk full and unwritable folders', () => {
  const isRoot = process.getuid?.() === 0;
  /** Mounts a tmpfs, or skips the test when that is not possible here (an error in CI). */
  function mountTmpfs(mnt: string, opts: string, ctx: { skip: (note?: string) => void }): void {
    mkdirSync(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', mnt], { stdio: 'pipe' });
    } catch (err) {
      if (process.env.CI) throw err;
      ctx.skip(`cannot mount a tmpfs here: ${(err as Error).message}`);
    }
  }

  it.skipIf(!isRoot)('refuses to start in a read-only folder, saying why, leaving nothing', async (ctx) => {
    const mnt = freshFolder();
    mountTmpfs(mnt, 'ro,size=64k', ctx);
    try {
      await expect(startRecording(options(mnt))).rejects.toThrow(UserError);
      await expect(startRecording(options(mnt))).rejects.toThrow(/read-only file system \(EROFS\)/);
      await expect(startRecording(options(join(mnt, 'sub')))).rejects.toThrow(/cannot create it/);
      expect(readdirSync(mnt)).toEqual([]);
    } finally {
      execFileSync('umount', [mnt], { stdio: 'pipe' });
    }
  });

  it.skipIf(!isRoot)('stops with a clear error and keeps a readable file (1 MB tmpfs)', async (ctx) => {
    const mnt = freshFolder();
    mountTmpfs(mnt, 'size=1m', ctx);
    try {
      let onError: (e: UserError, s: RecordingSummary) => void = () => undefined;
      const fired = new Promise<{ message: string; summary: RecordingSummary }>((resolve) => {
        onError = (error, summary) => resolve({ message: error.message, summary });
      });
      const rec = await startRecording(options(mnt, { batchBytes: 64 << 10, onError }));
      const datagrams = Array.from({ length: 200 }, (_, i) => pixelDatagram(i, 1024)); // 1.6 MB
      for (const d of datagrams) expect(rec.write(d)).toBe(true);
      // The error ends the recording by itself, while it is still running.
      const { message, summary } = await fired;
      expect(rec.stats().state).toBe('failed');
      expect(await rec.stop()).toBe(summary);
      expect(summary.state).toBe('failed');
      expect(summary.error).toMatch(/disk full \(ENOSPC\)/);
      expect(message).toMatch(/stopped: disk full \(ENOSPC\); the \d+ bytes written are kept in .*\.raw$/);
      expect(rec.write(datagrams[0])).toBe(false);
      // Kept under its final name, whole words only, and a readable raw file.
      expect(summary.rawPath).toBe(rec.rawPath);
      expect(existsSync(rec.partialPath)).toBe(false);
      const bytes = readFileSync(summary.rawPath);
      expect(bytes.length).toBe(summary.fileBytes);
      expect((bytes.length - 24) % 8).toBe(0);
      expect(bytes.length).toBeGreaterThan(512 << 10);
      const expected = concat(datagrams);
      expect(new Uint8Array(bytes.subarray(24)).every((b, i) => b === expected[i])).toBe(true);
      const info = await inspectRawFile(summary.rawPath);
      expect(info).toMatchObject({ startTimeNs: NOW_NS - BigInt(LONGTIME) * 25n, truncatedBytes: 0 });
      expect(info.words).toBe(2 + (bytes.length - 24) / 8);
      // The sidecar says what happened, rewritten in place although the disk is full.
      const sidecar = readJson(summary.sidecarPath);
      expect(sidecar).toMatchObject({ state: 'failed', error: summary.error, settings: SETTINGS });
      expect(sidecar.counters).toMatchObject({
        datagrams: 200,
        bytes: expected.length,
        bytesWritten: bytes.length - 24,
        fileBytes: bytes.length,
        lostBytes: expected.length - (bytes.length - 24),
      });
      expect(summary.lostDatagrams).toBeGreaterThan(0);
    } finally {
      execFileSync('umount', [mnt], { stdio: 'pipe' });
    }
  });
});
