// The engine's side of camera control: when `camera.address` is set, acquisition start runs the
// camera's connect, configure and start sequences (native-workers/camera/cameraSession.ts) with the
// UDP destination the sampler listens on, and the heartbeat's timer of chip 0 becomes the sampler's
// authoritative time base (Decision 8); stop closes the shutter; quit applies the bias policy.
// Camera failures come back as one-line UserErrors naming the camera, heartbeat problems as
// engine messages.
import type { CameraStatus } from '../../shared/engineApi';
import type { CameraSettings } from '../../shared/settings';
import { UserError } from '../../shared/userError';
import { CameraSession } from '../../native-workers/camera/cameraSession';

/** True when the settings name a camera to drive. */
export function cameraConfigured(camera: CameraSettings): boolean {
  return camera.address.trim() !== '';
}

/**
 * Connects, configures and starts the camera; data go to `udp` (the sampler's bound address and
 * port). `onTime` gets chip 0's timer once a second. A failure closes the connection and throws.
 */
export async function startCamera(
  camera: CameraSettings,
  udp: { address: string; port: number },
  onTime: (longtime: number) => void,
  note: (message: string) => void,
  existing: CameraSession | null,
): Promise<CameraSession> {
  const session =
    existing ??
    new CameraSession({
      host: camera.address.trim(),
      port: camera.port,
      timeoutMs: camera.replyTimeoutMs,
      configFile: camera.configFile,
      biasVolts: camera.biasVolts,
      biasLimitVolts: camera.biasLimitVolts,
      biasRampVoltsPerS: camera.biasRampVoltsPerS,
      biasOnQuit: camera.biasOnQuit,
      onTime: (t, chip) => {
        if (chip === 0) onTime(t);
      },
      onError: note,
    });
  try {
    const info = await session.connect();
    note(
      `camera ${session.address}: ${info.chipIds.join(', ')} (software ${hex(info.softwareVersion)}, firmware ${hex(info.firmwareVersion)})`,
    );
    if (!existing) await session.configure();
    await session.start(udp);
    note(`camera ${session.address}: shutter open, data to ${udp.address}:${udp.port}`);
    return session;
  } catch (err) {
    session.client.close();
    const msg = (err as Error).message;
    throw new UserError(
      msg.includes(session.address) ? `camera: ${msg}` : `camera ${session.address}: ${msg}`,
    );
  }
}

/** The stop sequence; a failure is a message, never an exception (the recording must close). */
export async function stopCamera(session: CameraSession, note: (message: string) => void): Promise<void> {
  try {
    await session.stop();
    note(`camera ${session.address}: shutter closed`);
  } catch (err) {
    note(`camera ${session.address}: stop failed: ${(err as Error).message}`);
  }
}

export function cameraStatus(session: CameraSession | null, camera: CameraSettings): CameraStatus | null {
  if (!session) return null;
  return {
    address: session.address,
    connected: session.connected,
    chips: session.info?.chipIds ?? [],
    temperatures: session.temperatures,
    biasVoltage: session.biasVoltage,
    biasOnQuit: camera.biasOnQuit,
  };
}

/** The camera's state for a recording's sidecar; a failed read is recorded as such. */
export async function cameraSidecar(session: CameraSession): Promise<Record<string, unknown>> {
  try {
    return { ...(await session.snapshot()) };
  } catch (err) {
    return { address: session.address, error: `state not read: ${(err as Error).message}` };
  }
}

function hex(v: number): string {
  return v.toString(16).toUpperCase().padStart(8, '0');
}
