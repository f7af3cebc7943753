import { describe, expect, it } from 'vitest';
import { PathAllowList } from './pathAllowList';

describe('PathAllowList', () => {
  it('allows chosen files, anything inside chosen or extra folders, nothing else', () => {
    let recording = '/data/rec';
    const list = new PathAllowList(() => [recording, '']);
    list.addFile('/x/a.raw');
    list.addFolder('/mnt/beam');
    expect(list.allows('/x/a.raw')).toBe(true);
    expect(list.allows('/x/b.raw')).toBe(false);
    expect(list.allows('/mnt/beam')).toBe(true);
    expect(list.allows('/mnt/beam/day1/run_0001.raw')).toBe(true);
    expect(list.allows('/mnt/beam/..foo.raw')).toBe(true);
    expect(list.allows('/mnt/beam/../etc/passwd')).toBe(false);
    expect(list.allows('/mnt/beamline/run.raw')).toBe(false);
    expect(list.allows('/data/rec/run_0002.raw')).toBe(true);
    recording = '/data/other';
    expect(list.allows('/data/rec/run_0002.raw')).toBe(false);
    expect(list.allows('relative/run.raw')).toBe(false);
    expect(list.allows('')).toBe(false);
    expect(list.allows(42)).toBe(false);
    expect(list.allows('/x/a.raw\0')).toBe(false);
  });
});
