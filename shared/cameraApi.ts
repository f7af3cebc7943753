// The camera panel's calls: read the configured SPIDR camera (versions, chips, bias, temperatures,
// DACs with their ranges), set one DAC (range-checked, read back), ramp the bias (within the
// configured limit) and load a SoPhy `.spx` file (DACs and pixel configuration, verified). The
// engine's process implements them (electron/engine/cameraService.ts) through the same connection
// acquisition uses; the payloads from the page are parsed with the schemas below before use.
import { z } from 'zod';

/** One Timepix3 DAC as the panel shows it: its value and the range the chip accepts. */
export interface CameraDac {
  name: string;
  value: number;
  /** Always 0. */
  min: number;
  /** 2^bits − 1. */
  max: number;
  bits: number;
}

export interface CameraTemperatures {
  local: number;
  remote: number;
  fpga: number;
}

/** What `getCamera` read, now. */
export interface CameraState {
  /** `HOST:PORT` of the control connection. */
  address: string;
  /** True when acquisition drives this camera's session (the engine's connection is used). */
  drivenByAcquisition: boolean;
  softwareVersion: number;
  firmwareVersion: number;
  deviceCount: number;
  /** Chip names, e.g. `W0028_H06`. */
  chips: string[];
  /** Bias read-back, V. */
  biasVoltage: number;
  bias: {
    minVolts: number;
    /** camera.biasLimitVolts: never set above it. */
    limitVolts: number;
    rampVoltsPerS: number;
    /** camera.biasVolts: what acquisition start ramps to (null: left alone). */
    targetVolts: number | null;
    onQuit: 'keep' | 'off';
  };
  temperatures: CameraTemperatures;
  /** The chip the DACs are of. */
  chip: number;
  /** Every DAC of `chip`, in the DAC table's order; null when not asked for. */
  dacs: CameraDac[] | null;
  /** The `.spx` last loaded in this session (at configure or from the panel). */
  configFile: { name: string; path: string; sha256: string } | null;
  /** Date.now() of the reading. */
  readAtMs: number;
}

export const cameraQuerySchema = z
  .object({
    /** Which chip's DACs (0-based). */
    chip: z.number().int().min(0).max(15).optional(),
    /** false: versions, bias and temperatures only (the 1 Hz trend). */
    dacs: z.boolean().optional(),
  })
  .strict()
  .prefault({});
export type CameraQuery = NonNullable<z.input<typeof cameraQuerySchema>>;

export const cameraDacRequestSchema = z
  .object({
    name: z.string().min(1, 'give a DAC name'),
    value: z.number().int('a DAC value is a whole number'),
    chip: z.number().int().min(0).max(15).optional(),
  })
  .strict();
export type CameraDacRequest = z.input<typeof cameraDacRequestSchema>;

export interface CameraDacResult {
  name: string;
  chip: number;
  /** Read back after setting. */
  value: number;
}

export const cameraBiasRequestSchema = z
  .object({ volts: z.number().finite('give the bias in volts') })
  .strict();
export type CameraBiasRequest = z.input<typeof cameraBiasRequestSchema>;

export interface CameraBiasResult {
  askedVolts: number;
  /** Read back after the ramp, V. */
  biasVoltage: number;
}

export const cameraConfigRequestSchema = z
  .object({
    path: z.string().min(1, 'give the path of a .spx file'),
    chip: z.number().int().min(0).max(15).optional(),
  })
  .strict();
export type CameraConfigRequest = z.input<typeof cameraConfigRequestSchema>;

export interface CameraConfigResult {
  path: string;
  name: string;
  sha256: string;
  chip: number;
  chipName: string;
  /** DACs whose value the file changed. */
  changed: { name: string; from: number; to: number }[];
  maskedPixels: number;
  /** The chip's DACs after the upload. */
  dacs: CameraDac[];
}

export interface CameraApi {
  /** Connects (reads only) when needed and reads; rejects with one line when no camera is
   * configured or it cannot be reached. */
  getCamera(query?: CameraQuery): Promise<CameraState>;
  /** Name and range checked before anything is sent; set, then read back. */
  setCameraDac(request: CameraDacRequest): Promise<CameraDacResult>;
  /** Within 12 V..camera.biasLimitVolts, ramped at camera.biasRampVoltsPerS. */
  setCameraBias(request: CameraBiasRequest): Promise<CameraBiasResult>;
  /** The `.spx` parsed first, then DACs and pixel configuration uploaded and verified. */
  loadCameraConfig(request: CameraConfigRequest): Promise<CameraConfigResult>;
}
