// The event window syntax of Decision 1: `MIN:MAX`, each a number with an optional unit (s, ms, us
// or µs, ns; a bare number is seconds). Shared so the CLI and the UI validate it the same way.

/** Divisors from each unit to seconds (dividing gives the correctly rounded value: 100 / 1e9 is 1e-7). */
const PER_SECOND: Record<string, number> = { s: 1, ms: 1e3, us: 1e6, µs: 1e6, μs: 1e6, ns: 1e9, '': 1 };
const SIDE = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(s|ms|us|µs|μs|ns)?\s*$/;

export type EventWindow = [min: number, max: number];

export const FILE_EVENT_WINDOW: EventWindow = [0, 10000];
export const LIVE_EVENT_WINDOW: EventWindow = [0, 1e-3];

/** Parses `MIN:MAX`; throws an Error whose message says what is wrong and what is expected. */
export function parseEventWindow(text: string): EventWindow {
  const parts = text.split(':');
  if (parts.length !== 2) {
    throw new Error(`event window '${text}' must be MIN:MAX, e.g. 0:10us or 1.2us:4us`);
  }
  const [min, max] = parts.map((p) => parseSide(p, text));
  if (min > max) throw new Error(`event window '${text}': MIN must not exceed MAX`);
  return [min, max];
}

function parseSide(side: string, text: string): number {
  const m = SIDE.exec(side);
  if (!m) {
    throw new Error(
      `event window '${text}': '${side.trim()}' is not a number with an optional unit s, ms, us, ns`,
    );
  }
  const seconds = Number(m[1]) / PER_SECOND[m[2] ?? ''];
  if (!Number.isFinite(seconds)) throw new Error(`event window '${text}': '${side.trim()}' is not finite`);
  return seconds;
}

export function formatSeconds(s: number): string {
  const a = Math.abs(s);
  if (a === 0) return '0 s';
  if (a < 1e-6) return `${+(s * 1e9).toPrecision(6)} ns`;
  if (a < 1e-3) return `${+(s * 1e6).toPrecision(6)} us`;
  if (a < 1) return `${+(s * 1e3).toPrecision(6)} ms`;
  return `${+s.toPrecision(6)} s`;
}
