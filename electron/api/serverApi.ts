// The ServerApi of the engine's process (the app's main process or `chronopix serve`): the engine
// (acquisition, recording, settings, live views), the offline browser and the camera panel's
// service side by side, one object. The camera service shares the engine's camera connection when
// acquisition has one, and lets go of its own before acquisition starts.
import type { ServerApi } from '../../shared/api';
import type { CameraApi } from '../../shared/cameraApi';
import type { EngineApi } from '../../shared/engineApi';
import type { OfflineApi } from '../../shared/offlineApi';
import { CameraService, type CameraServiceHost } from '../engine/cameraService';

export function createServerApi(
  engine: EngineApi & Partial<CameraServiceHost>,
  offline: OfflineApi,
  camera: CameraApi & { release?: () => void } = new CameraService(engine),
): ServerApi {
  return {
    start: () => {
      camera.release?.();
      return engine.start();
    },
    stop: () => engine.stop(),
    startRecording: (o) => engine.startRecording(o),
    stopRecording: () => engine.stopRecording(),
    previewRecording: (o) => engine.previewRecording(o),
    getSettings: () => engine.getSettings(),
    setSettings: (patch) => engine.setSettings(patch),
    getStatus: () => engine.getStatus(),
    getViews: () => engine.getViews(),
    setViews: (config) => engine.setViews(config),
    resetViews: () => engine.resetViews(),
    onStatus: (l) => engine.onStatus(l),
    onViews: (l) => engine.onViews(l),
    onConfig: (l) => engine.onConfig(l),
    listRuns: (folder) => offline.listRuns(folder),
    summarizeFile: (path) => offline.summarizeFile(path),
    browseFile: (request) => offline.browseFile(request),
    convertFiles: (request) => offline.convertFiles(request),
    cancelJob: (id) => offline.cancelJob(id),
    onJob: (l) => offline.onJob(l),
    getCamera: (query) => camera.getCamera(query),
    setCameraDac: (request) => camera.setCameraDac(request),
    setCameraBias: (request) => camera.setCameraBias(request),
    loadCameraConfig: (request) => camera.loadCameraConfig(request),
  };
}
