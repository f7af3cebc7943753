import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/userError';
import { formatRunStamp, nextRunIndex, runIndexOf, runNames, validatePrefix } from './runNaming';

// 2025-03-04 05:06 local time, whatever the machine's time zone.
const DATE = new Date(2025, 2, 4, 5, 6, 59);

describe('run names', () => {
  it('formats YYYYMMDD-HHMM in local time', () => {
    expect(formatRunStamp(DATE)).toBe('20250304-0506');
    expect(formatRunStamp(new Date(1999, 11, 31, 23, 59))).toBe('19991231-2359');
  });
  it('builds <prefix>_<NNNN>_<stamp> and its three file names', () => {
    expect(runNames('run', 7, DATE)).toEqual({
      index: 7,
      base: 'run_0007_20250304-0506',
      raw: 'run_0007_20250304-0506.raw',
      partial: 'run_0007_20250304-0506.raw.partial',
      sidecar: 'run_0007_20250304-0506.json',
    });
    expect(runNames('run', 12345, DATE).base).toBe('run_12345_20250304-0506');
    expect(() => runNames('run', -1, DATE)).toThrow(RangeError);
  });
});

describe('validatePrefix', () => {
  it('accepts ordinary prefixes, underscores and dots included', () => {
    for (const p of ['run', 'N2_scan', 'beam.time 2', 'Ar+']) expect(validatePrefix(p)).toBe(p);
  });
  it.each([
    ['', /empty/],
    ['a/b', /path separator/],
    ['a\\b', /path separator/],
    ['..', /dot/],
    ['run.', /dot/],
    [' run', /spaces/],
    ['a\u0000b', /not allowed/],
    ['a:b', /not allowed/],
    ['x'.repeat(201), /at most 200/],
  ])('rejects %j with a UserError', (prefix, message) => {
    expect(() => validatePrefix(prefix)).toThrow(UserError);
    expect(() => validatePrefix(prefix)).toThrow(message);
  });
  it('rejects a prefix that is not a string', () => {
    expect(() => validatePrefix(undefined)).toThrow(/empty/);
  });
});

describe('nextRunIndex', () => {
  it('starts at 0000 in an empty folder', () => {
    expect(nextRunIndex('run', [])).toBe(0);
    expect(nextRunIndex('run', ['notes.txt', 'other_0005_20250101-0000.raw'])).toBe(0);
  });
  it('continues after the highest taken index; .partial and .json count as taken', () => {
    const names = Array.from({ length: 8 }, (_, i) => `run_000${i}_20250101-1200.raw`);
    expect(nextRunIndex('run', names)).toBe(8);
    expect(nextRunIndex('run', [...names, 'run_0008_20250101-1300.raw.partial'])).toBe(9);
    expect(nextRunIndex('run', [...names, 'run_0011_20250101-1300.json'])).toBe(12);
  });
  it('counts gaps as free only above the highest index', () => {
    expect(nextRunIndex('run', ['run_0003_20250101-1200.raw'])).toBe(4);
  });
  it('ignores other extensions, other prefixes and names without a four-digit index', () => {
    const names = [
      'run_0009_20250101-1200.h5',
      'run_0009_20250101-1200.json.tmp',
      'run2_0009_20250101-1200.raw',
      'run_009_20250101-1200.raw',
      'xrun_0009_20250101-1200.raw',
    ];
    expect(nextRunIndex('run', names)).toBe(0);
  });
  it('reads indices above 9999 and prefixes holding regex characters literally', () => {
    expect(runIndexOf('run', 'run_10000_20250101-1200.raw')).toBe(10000);
    expect(runIndexOf('a.b+', 'a.b+_0004_20250101-1200.raw')).toBe(4);
    expect(runIndexOf('a.b+', 'axb+_0004_20250101-1200.raw')).toBe(-1);
  });
});
