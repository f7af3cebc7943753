// Numbers as the operator reads them: SI prefixes for times, binary-free byte sizes (MB = 1e6, as
// the engine counts), rates, and durations as h:mm:ss.

const TIME_UNITS: [number, string][] = [
  [1, 's'],
  [1e-3, 'ms'],
  [1e-6, 'µs'],
  [1e-9, 'ns'],
];

/** 1.5e-6 -> "1.5 µs"; 0 -> "0 s". */
export function formatTime(s: number, digits = 3): string {
  if (!Number.isFinite(s)) return String(s);
  if (s === 0) return '0 s';
  const a = Math.abs(s);
  for (const [scale, unit] of TIME_UNITS) {
    if (a >= scale * 0.9995) return `${trim((s / scale).toPrecision(digits))} ${unit}`;
  }
  return `${trim((s / 1e-9).toPrecision(digits))} ns`;
}

function trim(text: string): string {
  return text.includes('e') ? text : text.replace(/\.?0+$/, '');
}

/** 1234567 -> "1.23 MB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toPrecision(3)} ${units[i]}`;
}

/** 12345 -> "12.3 k"; counts and rates. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const a = Math.abs(n);
  if (a < 1000) return String(Math.round(n * 10) / 10);
  if (a < 1e6) return `${(n / 1e3).toPrecision(3)} k`;
  if (a < 1e9) return `${(n / 1e6).toPrecision(3)} M`;
  return `${(n / 1e9).toPrecision(3)} G`;
}

/** 3725 -> "1:02:05"; 65 -> "1:05". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const t = Math.floor(seconds);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** Units the event window and ROI inputs offer, units per second: a typed value v means v / perS
 * seconds (division keeps "10 µs" exactly 1e-5 s; multiplying by 1e-6 would not). */
export const TIME_INPUT_UNITS = { s: 1, ms: 1e3, µs: 1e6, ns: 1e9 } as const;
export type TimeInputUnit = keyof typeof TIME_INPUT_UNITS;

/** The unit that shows a pair of times with the fewest digits (both below 1000 units). */
export function bestTimeUnit(a: number, b: number): TimeInputUnit {
  const m = Math.max(Math.abs(a), Math.abs(b));
  if (m === 0 || m >= 1) return 's';
  if (m >= 1e-3) return 'ms';
  if (m >= 1e-6) return 'µs';
  return 'ns';
}

/** Parses a number typed by the operator ("1e-3", " 2.5 "); null when it is not one. */
export function parseNumber(text: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}
