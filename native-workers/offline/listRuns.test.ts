import { describe, expect, it } from 'vitest';
import { parseSidecar, runBase } from './listRuns';

describe('runBase', () => {
  it('strips .raw and .raw.partial, and ignores other names', () => {
    expect(runBase('run_0001_20250101-1200.raw')).toBe('run_0001_20250101-1200');
    expect(runBase('a.b.raw.partial')).toBe('a.b');
    expect(runBase('run.json')).toBeNull();
    expect(runBase('run.raw.tmp')).toBeNull();
  });
});

describe('parseSidecar', () => {
  it('reads the recording start, duration and packets', () => {
    expect(
      parseSidecar(
        JSON.stringify({
          recordingStart: '2025-03-04T05:06:07.000Z',
          durationS: 3.5,
          packets: { pixels: 7, x: 'no' },
        }),
      ),
    ).toEqual({ startTime: '2025-03-04T05:06:07.000Z', durationS: 3.5, packets: { pixels: 7 } });
  });

  it('falls back to startTimeNs and says nothing about what is missing or malformed', () => {
    expect(parseSidecar(JSON.stringify({ startTimeNs: '1735732800000000000', durationS: null }))).toEqual({
      startTime: '2025-01-01T12:00:00.000Z',
      durationS: null,
      packets: null,
    });
    expect(parseSidecar('{ not json')).toBeNull();
    expect(parseSidecar('[1]')).toEqual({ startTime: null, durationS: null, packets: null });
  });
});
