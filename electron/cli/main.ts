// The `chronopix` command line: dispatches a subcommand, turns user errors into one clean line on
// stderr and a non-zero exit code. Runs under plain Node (no electron import): bundled to dist/cli.mjs.
import { UserError } from '../../shared/userError';
import { VERSION } from './version';

const USAGE = `chronopix ${VERSION}: Timepix3/Timepix4 acquisition and analysis

usage:
  chronopix convert RUN.raw [MORE.raw ...] [-o OUT.h5 | --out-dir DIR] [options]
  chronopix generate OUT.raw [--seconds S] [--trigger-rate HZ] [--ions-per-trigger N] [--seed N]
                     [--start-time ISO] [--truth TRUTH.h5]
  chronopix emulate [--to HOST:PORT] [--rate MB/s] [--seconds S] [--replay FILE.raw [--speed X] [--loop]]
  chronopix acquire --seconds N --record DIR [--source emulator|udp://ADDR:PORT]
  chronopix serve [--host ADDR] [--port N] [--source emulator|udp://ADDR:PORT]
  chronopix camera info|set|load-config --spidr HOST[:PORT] [options]
  chronopix --version | --help

Run 'chronopix COMMAND --help' for a command's options.`;

type Command = (argv: string[]) => Promise<number>;
// Each command is loaded on demand: start-up stays short, and only `convert` pays for HDF5.
const COMMANDS: Record<string, () => Promise<Command>> = {
  convert: async () => (await import('./convertCommand')).runConvert,
  generate: async () => (await import('./generateCommand')).runGenerate,
  emulate: async () => (await import('./emulateCommand')).runEmulate,
  acquire: async () => (await import('./acquireCommand')).runAcquire,
  serve: async () => (await import('./serveCommand')).runServe,
  camera: async () => (await import('./cameraCommand')).runCamera,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    console.log(VERSION);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) throw new UserError(`unknown command '${name}'; run 'chronopix --help' for the list`);
  return (await load())(rest);
}

export function reportFatal(err: unknown): number {
  if (err instanceof UserError) {
    process.stderr.write(`chronopix: ${err.message}\n`);
    return 2;
  }
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && typeof e.code === 'string' && typeof e.message === 'string') {
    // A file-system error the user can act on (ENOSPC, EACCES, ...): one line, no stack.
    process.stderr.write(`chronopix: ${e.message}\n`);
    return 1;
  }
  process.stderr.write(
    `chronopix: internal error (please report): ${(err as Error)?.stack ?? String(err)}\n`,
  );
  return 70;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = reportFatal(err);
  },
);
