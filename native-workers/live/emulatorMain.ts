// Process entry of the free-running camera emulator: an Electron utility process (process.parentPort),
// a forked child (process.send; fork with serialization 'advanced'), or plain `node emulatorMain.mjs
// CONFIG_JSON` (events as JSON lines on stdout). It waits for {type: 'start', config}, streams until
// the source ends or {type: 'stop'} / SIGTERM / the parent going away, then reports 'done' and exits.
import { openSource, parseSourceConfig, type SourceConfig } from './emulatorSource';
import {
  PacedSender,
  parseSenderConfig,
  type RateReport,
  type SenderConfig,
  type SenderTotals,
} from './pacedSender';

export interface EmulatorConfig {
  source: SourceConfig;
  sender: SenderConfig;
}
export type EmulatorRequest = { type: 'start'; config: EmulatorConfig } | { type: 'stop' };
export type EmulatorEvent =
  | { type: 'rate'; report: RateReport }
  | { type: 'done'; totals: SenderTotals }
  | { type: 'error'; message: string };

type ElectronPort = {
  on(e: 'message', f: (m: { data: unknown }) => void): void;
  postMessage(m: unknown): void;
};
const electron = (process as { parentPort?: ElectronPort }).parentPort;
const post = (e: EmulatorEvent, then: () => void = () => {}): void => {
  if (electron) electron.postMessage(e);
  else if (process.send) return void process.send(e, undefined, {}, then);
  else process.stdout.write(`${JSON.stringify(e)}\n`);
  then();
};

/** Lets the process end: the IPC channel or the Electron port would keep it alive. */
const finish = (): void => {
  if (process.send) process.disconnect();
  else if (electron) process.exit();
};

let sender: PacedSender | null = null;
let started = false;
let stopped = false;
const stop = (): void => {
  stopped = true;
  sender?.stop();
};

async function start(config: unknown): Promise<void> {
  const parsed: unknown = typeof config === 'string' ? JSON.parse(config) : config;
  const c = (parsed ?? {}) as { source?: unknown; sender?: unknown };
  const senderConfig = parseSenderConfig(c.sender);
  const source = await openSource(parseSourceConfig(c.source), senderConfig.pacing.kind === 'camera');
  sender = new PacedSender(senderConfig, (report) => post({ type: 'rate', report }));
  if (stopped) sender.stop();
  const totals = await sender.run(source);
  post({ type: 'done', totals }, finish);
}

function onRequest(m: unknown): void {
  const msg = (m ?? {}) as { type?: unknown; config?: unknown };
  if (msg.type === 'stop') stop();
  else if (msg.type === 'start' && !started) {
    started = true;
    start(msg.config).catch((err: unknown) => {
      process.exitCode = 1;
      post({ type: 'error', message: err instanceof Error ? err.message : String(err) }, finish);
    });
  }
}

process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
if (electron) electron.on('message', (e) => onRequest(e.data));
else if (process.send) process.on('message', onRequest);
else onRequest({ type: 'start', config: process.argv[2] ?? '{}' });
