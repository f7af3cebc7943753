// The ServerApi of the engine's process (the app's main process or `chronopix serve`): the engine
// (acquisition, recording, settings, live views) and the offline browser side by side, one object.
import type { ServerApi } from '../../shared/api';
import type { EngineApi } from '../../shared/engineApi';
import type { OfflineApi } from '../../shared/offlineApi';

export function createServerApi(engine: EngineApi, offline: OfflineApi): ServerApi {
  return {
    start: () => engine.start(),
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
    listRuns: (folder) => offline.listRuns(folder),
    summarizeFile: (path) => offline.summarizeFile(path),
    browseFile: (request) => offline.browseFile(request),
    convertFiles: (request) => offline.convertFiles(request),
    cancelJob: (id) => offline.cancelJob(id),
    onJob: (l) => offline.onJob(l),
  };
}
