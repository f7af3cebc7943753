// `chronopix camera info|set|load-config --spidr HOST[:PORT]`: talk to a SPIDR camera (or the
// virtual one, `chronopix emulate --spidr`). `info` only reads (Decision 20); `set` checks every
// value before anything is sent, sets, reads back and prints; `load-config` parses the .spx first,
// then uploads DACs and pixel configuration, verified by read-back, and prints what changed.
// Every failure is one line naming the camera and what to check, within the reply timeout.
import { UserError } from '../../shared/userError';
import { CameraSession } from '../../native-workers/camera/cameraSession';
import { checkDac, TPX3_DAC_NAMES } from '../../native-workers/camera/dacs';
import { deviceIds } from '../../native-workers/camera/spidrControl';
import { chipName } from '../../native-workers/camera/spidrUnits';
import { loadSettings } from '../../native-workers/io/settingsFile';
import { numberOption, parseCommandArgs } from './options';

const HELP = `usage: chronopix camera info --spidr HOST[:PORT] [--json]
       chronopix camera set --spidr HOST[:PORT] [--dac NAME=VALUE ...] [--bias VOLTS]
       chronopix camera load-config FILE.spx --spidr HOST[:PORT]

Talks to a SPIDR camera over TCP (port 50000 by default).
  info          reads versions, chips, bias, DACs and temperatures; changes nothing
  set           sets DACs (names as in the Timepix3 DAC table) and the bias (ramped, within
                camera.biasLimitVolts of the settings), reads them back and prints them
  load-config   uploads the DACs and pixel configuration of a SoPhy .spx file to chip 0,
                verified by read-back, and prints what changed

      --spidr HOST[:PORT]   the camera's control address (required)
      --json                info: one JSON object
      --timeout MS          reply timeout (default: camera.replyTimeoutMs, 2000)`;

const OPTIONS = {
  spidr: { type: 'string' },
  json: { type: 'boolean' },
  dac: { type: 'string', multiple: true },
  bias: { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseSpidrAddress(text: string | undefined): { host: string; port: number } {
  if (text === undefined)
    throw new UserError('camera: give --spidr HOST[:PORT], e.g. --spidr 192.168.1.10:50000');
  const m = /^([^:\s[\]]+)(?::(\d{1,5}))?$/.exec(text);
  const port = m?.[2] === undefined ? 50000 : Number(m[2]);
  if (!m || port < 1 || port > 65535) {
    throw new UserError(
      `--spidr ${text}: expected HOST[:PORT] with a port in 1..65535, e.g. 192.168.1.10:50000`,
    );
  }
  return { host: m[1], port };
}

const hex = (v: number): string => v.toString(16).toUpperCase().padStart(8, '0');

export async function runCamera(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values: o, positionals } = parseCommandArgs('camera', rest, OPTIONS);
  if (o.help || sub === undefined || sub === '--help' || sub === '-h') {
    console.log(HELP);
    return sub === undefined ? 2 : 0;
  }
  if (!['info', 'set', 'load-config'].includes(sub)) {
    throw new UserError(`camera: unknown subcommand '${sub}'; expected info, set or load-config`);
  }
  const where = parseSpidrAddress(o.spidr);
  const loaded = await loadSettings();
  const cam = loaded.settings.camera;
  const timeoutMs =
    numberOption('timeout', o.timeout, (v) =>
      Number.isInteger(v) && v >= 50 ? null : 'must be a whole number of ms >= 50',
    ) ?? cam.replyTimeoutMs;

  // Everything the user gave is checked before the camera is contacted.
  const dacs: [string, number][] = (o.dac ?? []).map((spec) => {
    const m = /^([^=]+)=(.+)$/.exec(spec);
    if (!m) throw new UserError(`--dac ${spec}: expected NAME=VALUE, e.g. Vthreshold_fine=150`);
    const value = Number(m[2]);
    checkDac(m[1], value); // unknown name or out of range: a one-line DacError
    return [m[1], value];
  });
  const bias = numberOption('bias', o.bias, (v) =>
    v >= 12 && v <= cam.biasLimitVolts
      ? null
      : `must be within 12..${cam.biasLimitVolts} V (camera.biasLimitVolts)`,
  );
  let spxPath: string | undefined;
  if (sub === 'load-config') {
    if (positionals.length !== 1) throw new UserError('camera load-config: give one FILE.spx');
    spxPath = positionals[0];
  } else if (positionals.length > 0)
    throw new UserError(`camera ${sub}: unexpected argument '${positionals[0]}'`);
  if (sub === 'set' && dacs.length === 0 && bias === undefined) {
    throw new UserError('camera set: give --dac NAME=VALUE and/or --bias VOLTS');
  }

  const session = new CameraSession({
    host: where.host,
    port: where.port,
    timeoutMs,
    biasLimitVolts: cam.biasLimitVolts,
    biasRampVoltsPerS: cam.biasRampVoltsPerS,
  });
  try {
    const spx = spxPath === undefined ? null : await session.loadConfigFile(spxPath);
    const info = await session.connect();
    if (sub === 'info') {
      const ids = (await deviceIds(session.client, info.deviceCount)).map(chipName);
      const [chip0] = await session.readDacs();
      const out = {
        softwareVersion: info.softwareVersion,
        firmwareVersion: info.firmwareVersion,
        deviceCount: info.deviceCount,
        chipIds: ids,
        biasVoltage: info.biasVoltage,
        dacs: chip0,
        temperatures: info.temperatures,
      };
      if (o.json) process.stdout.write(JSON.stringify(out) + '\n');
      else {
        const t = info.temperatures;
        const rows: [string, string][] = [
          ['camera', `${where.host}:${where.port}`],
          ['software', hex(info.softwareVersion)],
          ['firmware', hex(info.firmwareVersion)],
          ['chips', `${info.deviceCount}: ${ids.join(', ')}`],
          ['bias', `${info.biasVoltage.toFixed(2)} V`],
          [
            'temperatures',
            `local ${t.local.toFixed(1)} °C, remote ${t.remote.toFixed(1)} °C, FPGA ${t.fpga.toFixed(1)} °C`,
          ],
          ...TPX3_DAC_NAMES.map((n): [string, string] => [n, String(chip0[n])]),
        ];
        process.stdout.write(rows.map(([k, v]) => `  ${k.padEnd(18)} ${v}`).join('\n') + '\n');
      }
      return 0;
    }
    if (sub === 'set') {
      for (const [name, value] of dacs) await session.client.setDac(name, value);
      if (bias !== undefined) await session.rampBias(bias);
      const lines: string[] = [];
      for (const [name, value] of dacs) {
        const back = await session.client.getDac(name);
        if (back !== value) throw new UserError(`camera: DAC ${name} reads ${back} after setting ${value}`);
        lines.push(`  ${name.padEnd(18)} ${back}`);
      }
      if (bias !== undefined)
        lines.push(
          `  ${'bias'.padEnd(18)} ${(await session.client.biasVoltage()).toFixed(2)} V (asked ${bias} V)`,
        );
      process.stdout.write(lines.join('\n') + '\n');
      return 0;
    }
    const before = (await session.readDacs())[0];
    await session.applyConfig(spx!.config, 0);
    const changed = TPX3_DAC_NAMES.filter((n) => before[n] !== spx!.config.dacs[n]);
    const masked = spx!.config.mask.reduce((a, b) => a + b, 0);
    process.stdout.write(
      [
        `  loaded ${spxPath} (sha256 ${spx!.sha256.slice(0, 16)}...) to chip 0 (${info.chipIds[0]}), verified by read-back`,
        ...changed.map((n) => `  ${n.padEnd(18)} ${before[n]} -> ${spx!.config.dacs[n]}`),
        changed.length === 0 ? '  DACs unchanged' : `  ${changed.length} DACs changed`,
        `  pixel configuration: ${masked} masked pixels`,
      ].join('\n') + '\n',
    );
    return 0;
  } catch (err) {
    if (err instanceof UserError) {
      const hint = /refused|no connection|not found|cannot connect/.test(err.message)
        ? '; check the address, that the board is on and the network cable'
        : /no reply/.test(err.message)
          ? '; check that the board is powered and not busy'
          : '';
      throw new UserError(`camera ${sub}: ${err.message}${hint}`);
    }
    throw err;
  } finally {
    session.client.close();
  }
}
