// The camera panel's service (CameraApi): reads and changes the camera of `camera.address` through
// one CameraSession. While acquisition has a session for that camera (the engine's, kept between
// runs), the panel uses it, so the board sees one connection and one request at a time; otherwise
// the service opens its own, which it releases before acquisition starts (createServerApi).
// Everything the page asks is checked before a request goes out: DAC names and ranges
// (dacs.ts checkDac), the bias within 12 V..camera.biasLimitVolts, the .spx parsed in full.
// Failures are one-line UserErrors naming the camera.
import { basename } from 'node:path';
import type {
  CameraApi,
  CameraBiasRequest,
  CameraBiasResult,
  CameraConfigRequest,
  CameraConfigResult,
  CameraDac,
  CameraDacRequest,
  CameraDacResult,
  CameraQuery,
  CameraState,
} from '../../shared/cameraApi';
import type { EngineStatus } from '../../shared/engineApi';
import type { CameraSettings, Settings } from '../../shared/settings';
import { UserError } from '../../shared/userError';
import { CameraSession } from '../../native-workers/camera/cameraSession';
import { checkDac, TPX3_DACS } from '../../native-workers/camera/dacs';
import { BIAS_MIN_V } from '../../native-workers/camera/spidrUnits';
import { cameraConfigured } from './cameraControl';

/** What the service needs of the engine. */
export interface CameraServiceHost {
  getSettings(): Promise<Settings>;
  getStatus(): Promise<EngineStatus>;
  /** The session acquisition drives (null before the first start). */
  readonly cameraSession?: CameraSession | null;
}

interface Using {
  session: CameraSession;
  cam: CameraSettings;
  driven: boolean;
}

/** The service's own connection closes after this long unused (the panel polls once a second),
 * so nobody looking means no connection held, and the process can exit. */
export const CAMERA_IDLE_CLOSE_MS = 5000;

export class CameraService implements CameraApi {
  private own: CameraSession | null = null;
  private ownKey = '';
  private ramping = false;
  private active = 0;
  private idle: NodeJS.Timeout | null = null;

  constructor(
    private readonly host: CameraServiceHost,
    private readonly idleCloseMs = CAMERA_IDLE_CLOSE_MS,
  ) {}

  /** Closes the service's own connection (before acquisition opens the engine's). */
  release(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    this.own?.client.close();
    this.own = null;
    this.ownKey = '';
  }

  /** The session to use, not yet connected; throws when no camera is configured. */
  private async pick(): Promise<Using> {
    const cam = (await this.host.getSettings()).camera;
    if (!cameraConfigured(cam)) {
      throw new UserError('camera: none configured; give its address (camera.address) in the Camera tab');
    }
    const address = `${cam.address.trim()}:${cam.port}`;
    const engine = this.host.cameraSession ?? null;
    if (engine && engine.address === address) {
      this.release();
      return { session: engine, cam, driven: true };
    }
    const key = JSON.stringify([address, cam.replyTimeoutMs, cam.biasLimitVolts, cam.biasRampVoltsPerS]);
    if (!this.own || this.ownKey !== key) {
      this.release();
      this.own = new CameraSession({
        host: cam.address.trim(),
        port: cam.port,
        timeoutMs: cam.replyTimeoutMs,
        biasLimitVolts: cam.biasLimitVolts,
        biasRampVoltsPerS: cam.biasRampVoltsPerS,
        biasOnQuit: cam.biasOnQuit,
      });
      this.ownKey = key;
    }
    return { session: this.own, cam, driven: false };
  }

  /** Runs `work` on a connected session; errors become one line naming the camera. */
  private async use<T>(work: (u: Using) => Promise<T>, picked?: Using): Promise<T> {
    const u = picked ?? (await this.pick());
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    this.active++;
    try {
      if (!u.session.info) await u.session.connect();
      return await work(u);
    } catch (err) {
      throw cameraError(u.session.address, err);
    } finally {
      if (--this.active === 0 && this.own) {
        this.idle = setTimeout(() => this.release(), this.idleCloseMs);
        this.idle.unref();
      }
    }
  }

  async getCamera(query: CameraQuery = {}): Promise<CameraState> {
    return this.use(async ({ session, cam, driven }) => {
      const info = session.info!;
      const chip = query.chip ?? 0;
      checkChip(chip, info.deviceCount);
      const t = await session.client.temperatures();
      session.temperatures = { local: t.localC, remote: t.remoteC, fpga: t.fpgaC };
      session.biasVoltage = await session.client.biasVoltage();
      return {
        address: session.address,
        drivenByAcquisition: driven,
        softwareVersion: info.softwareVersion,
        firmwareVersion: info.firmwareVersion,
        deviceCount: info.deviceCount,
        chips: info.chipIds,
        biasVoltage: session.biasVoltage,
        bias: {
          minVolts: BIAS_MIN_V,
          limitVolts: cam.biasLimitVolts,
          rampVoltsPerS: cam.biasRampVoltsPerS,
          targetVolts: cam.biasVolts,
          onQuit: cam.biasOnQuit,
        },
        temperatures: session.temperatures,
        chip,
        dacs: query.dacs === false ? null : await readDacs(session, chip),
        configFile: session.configFile,
        readAtMs: Date.now(),
      };
    });
  }

  async setCameraDac(request: CameraDacRequest): Promise<CameraDacResult> {
    const chip = request.chip ?? 0;
    // Unknown name or out of range: a one-line DacError, and the camera is not contacted.
    checkDac(request.name, request.value);
    return this.use(async ({ session }) => {
      checkChip(chip, session.info!.deviceCount);
      await session.client.setDac(request.name, request.value, chip);
      const value = await session.client.getDac(request.name, chip);
      if (value !== request.value) {
        throw new UserError(`DAC ${request.name} reads ${value} after setting ${request.value}`);
      }
      return { name: request.name, chip, value };
    });
  }

  async setCameraBias(request: CameraBiasRequest): Promise<CameraBiasResult> {
    const picked = await this.pick();
    const limit = picked.cam.biasLimitVolts;
    const volts = request.volts;
    if (!(volts >= BIAS_MIN_V && volts <= limit)) {
      throw new UserError(
        `bias ${volts} V is outside the allowed ${BIAS_MIN_V}..${limit} V (camera.biasLimitVolts)`,
      );
    }
    if (this.ramping) throw new UserError('bias: a ramp is in progress; wait for it to finish');
    this.ramping = true;
    try {
      return await this.use(async ({ session }) => {
        await session.rampBias(volts);
        return {
          askedVolts: volts,
          biasVoltage: session.biasVoltage ?? (await session.client.biasVoltage()),
        };
      }, picked);
    } finally {
      this.ramping = false;
    }
  }

  async loadCameraConfig(request: CameraConfigRequest): Promise<CameraConfigResult> {
    const picked = await this.pick();
    if ((await this.host.getStatus()).state !== 'idle') {
      throw new UserError(
        'camera: stop acquisition before loading a configuration (the pixel upload would disturb the data)',
      );
    }
    const chip = request.chip ?? 0;
    // Parsed in full before the camera is contacted: a bad file sends nothing.
    const { config, sha256 } = await picked.session.loadConfigFile(request.path);
    return this.use(async ({ session }) => {
      const info = session.info!;
      checkChip(chip, info.deviceCount);
      const before = await readDacs(session, chip);
      await session.applyConfig(config, chip);
      session.configFile = { name: basename(request.path), path: request.path, sha256 };
      return {
        path: request.path,
        name: basename(request.path),
        sha256,
        chip,
        chipName: info.chipIds[chip] ?? `chip ${chip}`,
        changed: before
          .filter((d) => d.value !== config.dacs[d.name])
          .map((d) => ({ name: d.name, from: d.value, to: config.dacs[d.name] })),
        maskedPixels: config.mask.reduce((a, b) => a + b, 0),
        dacs: await readDacs(session, chip),
      };
    }, picked);
  }
}

async function readDacs(session: CameraSession, chip: number): Promise<CameraDac[]> {
  const out: CameraDac[] = [];
  for (const d of TPX3_DACS) {
    const value = await session.client.getDac(d.name, chip);
    out.push({ name: d.name, value, min: 0, max: d.max, bits: d.bits });
  }
  return out;
}

function checkChip(chip: number, count: number): void {
  if (chip >= count) throw new UserError(`chip ${chip} does not exist: the board has ${count} chip(s)`);
}

/** One line naming the camera, with what to check for a connection failure. */
function cameraError(address: string, err: unknown): Error {
  const msg = (err as Error).message ?? String(err);
  if (!(err instanceof UserError)) return err as Error;
  const hint = /refused|no connection|not found|cannot connect|ENOTFOUND|EHOSTUNREACH/.test(msg)
    ? '; check the address, that the board is on and the network cable'
    : /no reply/.test(msg)
      ? '; check that the board is powered and not busy'
      : '';
  return new UserError(`${msg.includes(address) ? 'camera: ' : `camera ${address}: `}${msg}${hint}`);
}
