// The application settings (Decision 9): one versioned JSON file for the app and `chronopix serve`,
// validated against this schema. Every field is documented and has a default, so a missing file or
// field means "the default", and a bad field is reported by name while the defaults are kept.
import { z } from 'zod';
import { LIVE_EVENT_WINDOW } from './eventWindow';
import { clusteringSettingsSchema } from './clusteringSchema';
import { DEFAULT_CLUSTERING, ORIENTATIONS } from './processingSettings';

export const SETTINGS_VERSION = 1;

const hostPort = z.object({
  /** IPv4 address or host name. */
  address: z.string().min(1),
  /** UDP or TCP port, 1..65535 (0 only in tests: an ephemeral port). */
  port: z.number().int().min(0).max(65535),
});

export const sourceSettingsSchema = z
  .object({
    /** 'emulator': the built-in camera emulator; 'udp': listen for a detector's packets. */
    kind: z.enum(['emulator', 'udp']).default('emulator'),
    /** Where the sampler listens (the real SPIDR setup sends to 192.168.1.x:8192). */
    udp: hostPort.default({ address: '127.0.0.1', port: 8192 }),
    /** The UDP socket's kernel receive buffer, MB (the kernel caps it at net.core.rmem_max: the
     * sampler warns then). It holds the datagrams while the receiving thread is held up; on a
     * full 2-core machine at 300 MB/s 256 MB rode out every stall measured where 64 MB lost ~0.5%.
     * Takes effect at the next acquisition start. */
    receiveBufferMB: z.number().int().min(1).max(4096).default(64),
    /** The emulator's stream. */
    emulator: z
      .object({
        /** Send rate, MB/s. The ions per trigger follow it, so camera time runs at real time. */
        rateMBps: z.number().positive().max(10000).default(20),
        /** Laser shots per second. */
        triggerRate: z.number().positive().max(1e6).default(1000),
        seed: z.number().int().min(0).default(1),
      })
      .default({ rateMBps: 20, triggerRate: 1000, seed: 1 }),
  })
  .default({
    kind: 'emulator',
    udp: { address: '127.0.0.1', port: 8192 },
    receiveBufferMB: 64,
    emulator: { rateMBps: 20, triggerRate: 1000, seed: 1 },
  });

export const processingSettingsSchema = z
  .object({
    /** Camera generation of the data: 3 Timepix3 (256 x 256, little-endian words), 4 Timepix4
     * (448 x 512, big-endian words; also the built-in emulator's mode and the recording's layout).
     * Takes effect at the next acquisition start. */
    generation: z.union([z.literal(3), z.literal(4)]).default(3),
    /** Timepix4 only: trigger pixels as indices x + 448 * y (decoded sensor coordinates). Empty: the
     * signal packets (0xE4 rise / 0xE5 fall) are the triggers. Otherwise these pixels' hits are the
     * trigger edges instead (the first one's define events, the others are trigger 2) and leave the
     * hit stream. Takes effect at the next acquisition start. */
    triggerPixels: z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(448 * 512 - 1),
      )
      .max(16)
      .refine((a) => new Set(a).size === a.length, 'trigger pixels must be distinct')
      .default([]),
    /** 'pixel': decode and events only; 'centroid': plus clustering. */
    pipeline: z.enum(['pixel', 'centroid']).default('centroid'),
    /** Event window on tof, seconds [min, max] (live default 0..1 ms, the reference's). */
    eventWindow: z
      .tuple([z.number(), z.number()])
      .refine(([a, b]) => a <= b, 'event window: min must not exceed max')
      .default(LIVE_EVENT_WINDOW),
    /** Reorder horizon of event building, seconds. */
    reorderHorizon: z.number().min(0).max(1).default(1e-3),
    orientation: z.enum(ORIENTATIONS).default('Up'),
    /** Position offset in pixels [x, y], >= 0. */
    offset: z.tuple([z.number().int().min(0), z.number().int().min(0)]).default([0, 0]),
    clustering: clusteringSettingsSchema.default({ ...DEFAULT_CLUSTERING }),
    /** Centroiding processes (the reference's numBlobProcesses). */
    centroidProcesses: z.number().int().min(1).max(64).default(2),
  })
  .default({
    generation: 3,
    triggerPixels: [],
    pipeline: 'centroid',
    eventWindow: LIVE_EVENT_WINDOW,
    reorderHorizon: 1e-3,
    orientation: 'Up',
    offset: [0, 0],
    clustering: { ...DEFAULT_CLUSTERING },
    centroidProcesses: 2,
  });

export const recordingSettingsSchema = z
  .object({
    /** Folder for recordings; created when recording starts. Empty: the user's home folder. */
    folder: z.string().default(''),
    /** File name prefix: `<prefix>_<NNNN>_<YYYYMMDD-HHMM>.raw`. */
    prefix: z
      .string()
      .min(1)
      .regex(/^[^/\\\0]+$/, 'recording prefix: no path separators')
      .default('run'),
  })
  .default({ folder: '', prefix: 'run' });

/** What happens to the detector bias when Chronopix quits (shown to the operator). */
export const BIAS_ON_QUIT = ['keep', 'off'] as const;

export const cameraSettingsSchema = z
  .object({
    /** SPIDR board address for its TCP control port. Empty: no camera (the built-in emulator, or
     * `source.udp` when source.kind is 'udp', stays the source). */
    address: z.string().default(''),
    /** SPIDR TCP control port. */
    port: z.number().int().min(0).max(65535).default(50000),
    /** Where the camera sends its UDP data (this PC's address on the camera network, IPv4) and where
     * the sampler listens; chip n sends to port + n. */
    udp: hostPort.default({ address: '192.168.1.1', port: 8192 }),
    /** SoPhy `.spx` file uploaded at configure (DACs and pixel configuration). Empty: none. */
    configFile: z.string().default(''),
    /** Bias the configure step ramps to, volts (12..104); null leaves the bias as it is. */
    biasVolts: z.number().min(12).max(104).nullable().default(null),
    /** Highest bias Chronopix will ever set, volts: the sensor's limit. */
    biasLimitVolts: z.number().min(12).max(104).default(60),
    /** Bias ramp speed, volts per second (each step waits so that this is never exceeded). */
    biasRampVoltsPerS: z.number().positive().max(100).default(5),
    /** On quit: 'keep' the bias as it is, or ramp it 'off' (down to 12 V, then supply off). */
    biasOnQuit: z.enum(BIAS_ON_QUIT).default('keep'),
    /** Reply timeout per SPIDR request, ms; after a timeout the connection is closed and reopened. */
    replyTimeoutMs: z.number().int().min(50).max(60000).default(2000),
  })
  .refine((c) => c.biasVolts === null || c.biasVolts <= c.biasLimitVolts, {
    message: 'camera.biasVolts must not exceed camera.biasLimitVolts',
    path: ['biasVolts'],
  })
  .default({
    address: '',
    port: 50000,
    udp: { address: '192.168.1.1', port: 8192 },
    configFile: '',
    biasVolts: null,
    biasLimitVolts: 60,
    biasRampVoltsPerS: 5,
    biasOnQuit: 'keep',
    replyTimeoutMs: 2000,
  });

export type CameraSettings = z.infer<typeof cameraSettingsSchema>;

export const settingsSchema = z.object({
  /** Schema version of the file. */
  version: z.literal(SETTINGS_VERSION).default(SETTINGS_VERSION),
  source: sourceSettingsSchema,
  processing: processingSettingsSchema,
  recording: recordingSettingsSchema,
  camera: cameraSettingsSchema,
});

export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});

/** One line naming the first bad field, e.g. "processing.clustering.epsilon: Too small: ...". */
export function describeSettingsError(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  return `${path}: ${issue.message}`;
}

/**
 * A change from outside (the UI, the API): any subset of the settings tree, merged over `base`
 * (objects merge, arrays and values replace), then validated. Returns the new settings, or the
 * one-line problem (`processing.eventWindow: ...`) with `base` left as it was.
 */
export function patchSettings(
  base: Settings,
  patch: unknown,
): { ok: true; settings: Settings } | { ok: false; error: string } {
  const parsed = settingsSchema.safeParse(deepMerge(base, patch));
  return parsed.success
    ? { ok: true, settings: parsed.data }
    : { ok: false, error: describeSettingsError(parsed.error) };
}

function deepMerge(base: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch))
    return patch === undefined ? base : patch;
  if (base === null || typeof base !== 'object' || Array.isArray(base)) return patch;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(out[k], v);
  return out;
}
