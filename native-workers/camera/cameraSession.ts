// One camera's acquisition sequences over a SpidrClient (spidr-control.md section 7, Decisions 19
// and 20), without the reference's side effects:
//   connect   reads versions, chip count and ids, temperatures, bias: changes nothing;
//   configure DACs and pixel configuration from the .spx file (verified by read-back), then the
//             bias ramped to its target within the configured limit;
//   start     per chip: header filter (every packet type to UDP), GENCONFIG/PLL as the reference's
//             start, UDP destination; board: data-driven readout, timers reset once (Decision 19),
//             shutter opened in auto mode; then the heartbeat;
//   heartbeat GET_TIMER once a second per chip, each longtime handed to `onTime` (the engine feeds
//             the sampler's time base; on the chip, the read also writes time packets into the
//             stream); every fifth beat also refreshes temperatures and bias for the status;
//   stop      heartbeat stopped, shutter closed, auto-trigger left armed-off, readout paused;
//   quit      the bias on quit as configured ('keep', or ramped 'off'), connection closed.
// Errors are SpidrClientError / UserError with one-line messages; the heartbeat reports its
// errors through `onError` (once per distinct message) and keeps beating: the client reopens the
// connection on the next request.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { UserError } from '../../shared/userError';
import { TPX3_DAC_NAMES } from './dacs';
import { SpidrClient } from './spidrClient';
import {
  closeShutter,
  getGenConfig,
  getHeaderFilter,
  openShutter,
  pauseReadout,
  resetTimers,
  restartTimers,
  setBiasSupply,
  setDataDrivenReadout,
  setGenConfig,
  setHeaderFilter,
  setPllConfig,
  setTriggerConfig,
  setUdpDestination,
  SHUTTER_OPEN_CONFIG,
  SHUTTER_SAFE_CONFIG,
  START_PLL_CONFIG,
  startGenConfig,
  uploadPixelConfig,
  type UdpDestination,
} from './spidrControl';
import { parseSpx, type SpxConfig } from './spx';
import { BIAS_MIN_V } from './spidrUnits';

export interface CameraSessionOptions {
  host: string;
  port: number;
  /** Reply timeout per request, ms (default 2000). */
  timeoutMs?: number;
  /** .spx file for configure; '' or undefined: none. */
  configFile?: string;
  /** Bias target, V; null: leave the bias alone. */
  biasVolts?: number | null;
  /** Never set more than this, V. */
  biasLimitVolts: number;
  /** Ramp speed, V/s. */
  biasRampVoltsPerS: number;
  biasOnQuit?: 'keep' | 'off';
  heartbeatMs?: number;
  /** Each heartbeat's timer of chip `chip`, 25 ns ticks. */
  onTime?: (longtime: number, chip: number) => void;
  /** Heartbeat and monitoring problems, one line each. */
  onError?: (message: string) => void;
  /** For tests: the ramp's wait. */
  sleep?: (ms: number) => Promise<void>;
}

export interface CameraTemperatures {
  local: number;
  remote: number;
  fpga: number;
}

/** What connect reads. */
export interface CameraInfo {
  softwareVersion: number;
  firmwareVersion: number;
  deviceCount: number;
  chipIds: string[];
  biasVoltage: number;
  temperatures: CameraTemperatures;
}

/** The camera's state for a recording's sidecar. */
export interface CameraSnapshot extends CameraInfo {
  address: string;
  /** Per chip, every DAC by name. */
  dacs: Record<string, number>[];
  configFile: { name: string; path: string; sha256: string } | null;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class CameraSession {
  readonly client: SpidrClient;
  info: CameraInfo | null = null;
  /** Updated by the heartbeat's monitoring beats. */
  temperatures: CameraTemperatures | null = null;
  biasVoltage: number | null = null;
  configFile: CameraSnapshot['configFile'] = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private beating = false;
  private beats = 0;
  private lastError = '';
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: CameraSessionOptions) {
    this.client = new SpidrClient({ host: options.host, port: options.port, timeoutMs: options.timeoutMs });
    this.sleep = options.sleep ?? defaultSleep;
  }

  get address(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  /** Connected and the last heartbeat (if any) succeeded. */
  get connected(): boolean {
    return this.info !== null && this.lastError === '';
  }

  get chips(): number {
    return this.info?.deviceCount ?? 0;
  }

  /** Reads only (Decision 20). */
  async connect(): Promise<CameraInfo> {
    const c = this.client;
    const softwareVersion = await c.softwareVersion();
    const firmwareVersion = await c.firmwareVersion();
    const deviceCount = await c.deviceCount();
    if (deviceCount < 1 || deviceCount > 16) {
      throw new UserError(
        `SPIDR ${this.address}: the board reports ${deviceCount} chips; check the chip board`,
      );
    }
    const chipIds = await c.chipIds();
    const info: CameraInfo = {
      softwareVersion,
      firmwareVersion,
      deviceCount,
      chipIds,
      biasVoltage: await c.biasVoltage(),
      temperatures: await this.readTemperatures(),
    };
    this.info = info;
    this.biasVoltage = info.biasVoltage;
    return info;
  }

  private async readTemperatures(): Promise<CameraTemperatures> {
    const t = await this.client.temperatures();
    this.temperatures = { local: t.localC, remote: t.remoteC, fpga: t.fpgaC };
    return this.temperatures;
  }

  /** Every DAC of every chip, by name. */
  async readDacs(): Promise<Record<string, number>[]> {
    const out: Record<string, number>[] = [];
    for (let d = 0; d < this.chips; d++) {
      const dacs: Record<string, number> = {};
      for (const name of TPX3_DAC_NAMES) dacs[name] = await this.client.getDac(name, d);
      out.push(dacs);
    }
    return out;
  }

  /** Reads the .spx file (checked before anything is sent) and its SHA-256. */
  async loadConfigFile(path: string): Promise<{ config: SpxConfig; sha256: string }> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (e) {
      throw new UserError(
        `${path}: cannot read the camera configuration (${(e as NodeJS.ErrnoException).code})`,
      );
    }
    const config = parseSpx(bytes, path);
    return { config, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  /** DACs and pixel configuration of chip `device` (the .spx describes one chip), verified. */
  async applyConfig(config: SpxConfig, device = 0): Promise<void> {
    for (const name of TPX3_DAC_NAMES) await this.client.setDac(name, config.dacs[name], device);
    for (const name of TPX3_DAC_NAMES) {
      const back = await this.client.getDac(name, device);
      if (back !== config.dacs[name]) {
        throw new UserError(
          `SPIDR ${this.address}: DAC ${name} reads ${back} after setting ${config.dacs[name]}`,
        );
      }
    }
    await uploadPixelConfig(this.client, config, device);
  }

  /** Configure: the .spx (if any) on chip 0, then the bias ramp (if a target is set). */
  async configure(): Promise<void> {
    if (!this.info) await this.connect();
    const path = this.options.configFile;
    if (path) {
      const { config, sha256 } = await this.loadConfigFile(path);
      await this.applyConfig(config, 0);
      this.configFile = { name: basename(path), path, sha256 };
    }
    const target = this.options.biasVolts;
    if (target !== null && target !== undefined) await this.rampBias(target);
  }

  /**
   * Ramps the bias to `volts` at no more than the configured V/s, within the limit; turns the
   * supply on first when it is off (reading below the 12 V minimum), starting the ramp at 12 V.
   */
  async rampBias(volts: number): Promise<void> {
    const limit = this.options.biasLimitVolts;
    if (!Number.isFinite(volts) || volts < BIAS_MIN_V || volts > limit) {
      throw new UserError(
        `bias ${volts} V is outside the allowed ${BIAS_MIN_V}..${limit} V (camera.biasLimitVolts)`,
      );
    }
    const rate = this.options.biasRampVoltsPerS;
    let now = await this.client.biasVoltage();
    if (now < BIAS_MIN_V - 0.5) {
      await this.client.setBiasVoltage(BIAS_MIN_V);
      await setBiasSupply(this.client, true);
      now = BIAS_MIN_V;
    }
    const stepV = Math.max(0.5, rate * 0.25);
    while (Math.abs(volts - now) > 1e-9) {
      const next = volts > now ? Math.min(volts, now + stepV) : Math.max(volts, now - stepV);
      await this.sleep((Math.abs(next - now) / rate) * 1000);
      await this.client.setBiasVoltage(next);
      now = next;
    }
    this.biasVoltage = await this.client.biasVoltage();
  }

  /** The start sequence; `dest` is where chip 0 sends (chip n: port + n). */
  async start(dest: UdpDestination): Promise<void> {
    if (!this.info) await this.connect();
    const c = this.client;
    for (let d = 0; d < this.chips; d++) {
      const filter = await getHeaderFilter(c, d);
      await setHeaderFilter(c, { eth: 0xffff, cpu: filter.cpu }, d);
      await setUdpDestination(c, { address: dest.address, port: dest.port + d }, d);
    }
    await setDataDrivenReadout(c, true);
    await resetTimers(c);
    for (let d = 0; d < this.chips; d++) {
      await setGenConfig(c, startGenConfig(await getGenConfig(c, d)), d);
      await setPllConfig(c, START_PLL_CONFIG, d);
    }
    await restartTimers(c);
    await setTriggerConfig(c, SHUTTER_OPEN_CONFIG);
    await openShutter(c);
    this.startHeartbeat();
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.beating = true;
    const period = this.options.heartbeatMs ?? 1000;
    const beat = async (): Promise<void> => {
      try {
        for (let d = 0; d < this.chips && this.beating; d++) {
          const t = await this.client.getTimer(d);
          if (this.beating) this.options.onTime?.(t, d);
        }
        if (this.beating && ++this.beats % 5 === 0) {
          await this.readTemperatures();
          this.biasVoltage = await this.client.biasVoltage();
        }
        if (this.lastError) this.options.onError?.(`camera ${this.address}: timer read again`);
        this.lastError = '';
      } catch (e) {
        const msg = (e as Error).message;
        if (msg !== this.lastError) this.options.onError?.(`camera heartbeat: ${msg}`);
        this.lastError = msg;
      }
      if (this.beating) this.heartbeat = setTimeout(() => void beat(), period);
    };
    this.heartbeat = setTimeout(() => void beat(), 0);
  }

  private stopHeartbeat(): void {
    this.beating = false;
    if (this.heartbeat) clearTimeout(this.heartbeat);
    this.heartbeat = null;
  }

  /** Shutter closed, auto-trigger configured (no external edge re-opens it), readout paused. */
  async stop(): Promise<void> {
    this.stopHeartbeat();
    await closeShutter(this.client);
    await setTriggerConfig(this.client, SHUTTER_SAFE_CONFIG);
    await pauseReadout(this.client);
  }

  /** The bias-on-quit policy, then the connection closed. Never throws; returns what it did. */
  async quit(): Promise<string> {
    this.stopHeartbeat();
    let done = 'bias left as it is';
    try {
      if (this.options.biasOnQuit === 'off') {
        const now = await this.client.biasVoltage();
        if (now > BIAS_MIN_V + 0.5) await this.rampBias(BIAS_MIN_V);
        await setBiasSupply(this.client, false);
        this.biasVoltage = 0;
        done = 'bias ramped down and supply off';
      }
    } catch (e) {
      done = `bias not turned off: ${(e as Error).message}`;
    }
    this.client.close();
    return done;
  }

  /** Everything the sidecar keeps, read now (DACs, bias, temperatures fresh). */
  async snapshot(): Promise<CameraSnapshot> {
    const info = this.info ?? (await this.connect());
    const dacs = await this.readDacs();
    const biasVoltage = await this.client.biasVoltage();
    const temperatures = await this.readTemperatures();
    return { ...info, biasVoltage, temperatures, address: this.address, dacs, configFile: this.configFile };
  }
}
