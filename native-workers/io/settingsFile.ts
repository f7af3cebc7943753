// Reads and writes the settings file (Decision 9): $XDG_CONFIG_HOME/chronopix/settings.json, else
// ~/.config/chronopix/settings.json. A bad field is reported by its name and replaced by its
// default, the rest of the file is kept; writes are atomic (temporary file, fsync, rename).
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Settings, describeSettingsError, settingsSchema } from '../../shared/settings';

export function settingsPath(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.length > 0 ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'chronopix', 'settings.json');
}

export interface LoadedSettings {
  settings: Settings;
  /** One line per problem found (file unreadable, not JSON, a bad field), each naming the file. */
  problems: string[];
}

/** Validates a parsed settings object field by field: bad fields fall back to their defaults. */
export function validateSettings(raw: unknown, where = 'settings'): LoadedSettings {
  const problems: string[] = [];
  let candidate: unknown = raw;
  for (let attempt = 0; attempt < 50; attempt++) {
    const result = settingsSchema.safeParse(candidate);
    if (result.success) return { settings: result.data, problems };
    problems.push(`${where}: ${describeSettingsError(result.error)}; using the default`);
    candidate = withoutPath(candidate, result.error.issues[0].path);
  }
  return {
    settings: settingsSchema.parse({}),
    problems: [...problems, `${where}: too many problems; using defaults`],
  };
}

/** A copy of `value` with the property at `path` removed (so its default applies). */
function withoutPath(value: unknown, path: PropertyKey[]): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return undefined;
  const [head, ...rest] = path;
  const copy: Record<PropertyKey, unknown> = Array.isArray(value) ? ({ ...value } as never) : { ...value };
  if (rest.length === 0 || Array.isArray(value)) delete copy[head];
  else copy[head] = withoutPath(copy[head], rest);
  return copy;
}

export async function loadSettings(path = settingsPath()): Promise<LoadedSettings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { settings: settingsSchema.parse({}), problems: [] };
    return {
      settings: settingsSchema.parse({}),
      problems: [`${path}: cannot read (${code}); using defaults`],
    };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return {
      settings: settingsSchema.parse({}),
      problems: [`${path}: not valid JSON (${(err as Error).message}); using defaults`],
    };
  }
  return validateSettings(raw, path);
}

export async function saveSettings(settings: Settings, path = settingsPath()): Promise<void> {
  const valid = settingsSchema.parse(settings);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(JSON.stringify(valid, null, 2) + '\n');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}
