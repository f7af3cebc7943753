// `chronopix emulate --spidr [HOST:]PORT`: the virtual camera (Decision 17). It answers the SPIDR
// TCP protocol there (default 127.0.0.1:50000), remembers what is set, streams a generated run over
// UDP only while its shutter is open and to the destination set over TCP, and writes time packets
// into the stream when its timer is read. Runs until Ctrl-C / SIGTERM.
import { UserError } from '../../shared/userError';
import { VirtualCamera } from '../../native-workers/camera/virtualCamera';
import { numberOption, parseCommandArgs, positive } from './options';

const HELP = `usage: chronopix emulate --spidr [HOST:]PORT [--rate MB/s] [--trigger-rate HZ] [--seed N] [-q]

A virtual SPIDR camera: answers the SPIDR TCP control protocol on HOST:PORT (default host 127.0.0.1,
port 50000) and, while its shutter is open, streams a generated ion-imaging run over UDP to the
destination set over TCP, with time packets whenever its timer is read. Ctrl-C stops it.

      --spidr [HOST:]PORT   where to answer (default 127.0.0.1:50000; 0 picks a free port)
      --rate MB/s           stream rate while the shutter is open (default 2)
      --trigger-rate HZ     laser shots per second (default 1000)
      --seed N              random seed (default 1)
  -q, --quiet               no status lines`;

const OPTIONS = {
  spidr: { type: 'string' },
  rate: { type: 'string' },
  'trigger-rate': { type: 'string' },
  seed: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `[HOST:]PORT` (port 0..65535) to host and port. */
export function parseSpidrListen(text: string): { host: string; port: number } {
  const m = /^(?:([^:\s]+):)?(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) {
    throw new UserError(`--spidr ${text}: expected [HOST:]PORT, e.g. 50000 or 127.0.0.1:50000`);
  }
  return { host: m[1] ?? '127.0.0.1', port };
}

export async function runEmulateSpidr(argv: string[]): Promise<number> {
  const { values: o, positionals } = parseCommandArgs('emulate', argv, OPTIONS);
  if (o.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UserError(`emulate: unexpected argument '${positionals[0]}'`);
  const where = parseSpidrListen(o.spidr || '127.0.0.1:50000');
  const rateMBps = numberOption('rate', o.rate, positive);
  const triggerRate = numberOption('trigger-rate', o['trigger-rate'], positive);
  const seed = numberOption('seed', o.seed, (v) =>
    Number.isSafeInteger(v) && v >= 0 ? null : 'must be a whole number >= 0',
  );
  const cam = await VirtualCamera.start({
    host: where.host,
    port: where.port,
    stream: { rateMBps, triggerRate, seed },
  }).catch((err: NodeJS.ErrnoException) => {
    throw new UserError(
      `emulate: cannot answer SPIDR on ${where.host}:${where.port}: ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.message}`,
    );
  });
  const say = (line: string): void => {
    if (!o.quiet) process.stdout.write(line);
  };
  // Tests and scripts read the bound port from this first line.
  process.stdout.write(
    `emulate: virtual SPIDR camera ${cam.chipId.toString(16)} answering on ${cam.host}:${cam.port}; Ctrl-C to stop\n`,
  );
  let lastShutter = false;
  const timer = setInterval(() => {
    if (cam.shutterOpen !== lastShutter) {
      lastShutter = cam.shutterOpen;
      const d = cam.udpDestination;
      say(`emulate: shutter ${lastShutter ? `open, streaming to ${d.address}:${d.port}` : 'closed'}\n`);
    }
  }, 200);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(timer);
  const c = cam.stream.counters;
  await cam.close();
  say(
    `emulate: ${cam.requestCount} SPIDR requests answered; sent ${c.datagrams} datagrams (${(c.bytes / 1e6).toFixed(1)} MB), ${c.timePairs} time pairs\n`,
  );
  return 0;
}
