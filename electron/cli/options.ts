// Parsing helpers shared by the CLI commands: every malformed value becomes a UserError that names
// the option, the value and what is expected.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../../shared/userError';

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  argv: string[],
  options: T,
) {
  try {
    return parseArgs({
      args: joinNegativeValues(argv, options),
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    // Node's message may span lines (e.g. the hint for values starting with '-'): keep it on one.
    const msg = (err as Error).message.replace(/\s*\n\s*/g, ' ').replace(/\.$/, '');
    throw new UserError(`${command}: ${msg}; run 'chronopix ${command} --help'`);
  }
}

/** `--rate -1` as `--rate=-1`, so a negative value is reported as such, not as an unknown option. */
function joinNegativeValues(argv: string[], options: NonNullable<ParseArgsConfig['options']>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : '';
    if (options[name]?.type === 'string' && i + 1 < argv.length && /^-[\d.]/.test(argv[i + 1])) {
      out.push(`${argv[i]}=${argv[++i]}`);
    } else out.push(argv[i]);
  }
  return out;
}

export function numberOption(
  name: string,
  value: string | undefined,
  check?: (v: number) => string | null,
): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v)) throw new UserError(`--${name} ${value}: not a number`);
  const problem = check?.(v);
  if (problem) throw new UserError(`--${name} ${value}: ${problem}`);
  return v;
}

export const positive = (v: number): string | null => (v > 0 ? null : 'must be greater than 0');
export const nonNegative = (v: number): string | null => (v >= 0 ? null : 'must not be negative');
export const positiveInteger = (v: number): string | null =>
  Number.isInteger(v) && v >= 1 ? null : 'must be a whole number of at least 1';

export function choiceOption<C extends string>(
  name: string,
  value: string | undefined,
  choices: readonly C[],
): C | undefined {
  if (value === undefined) return undefined;
  const found = choices.find((c) => c.toLowerCase() === value.toLowerCase());
  if (!found) throw new UserError(`--${name} ${value}: expected one of ${choices.join(', ')}`);
  return found;
}
