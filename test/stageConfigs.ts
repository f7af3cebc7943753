// Stage configurations the stage, supervisor and build tests and the bench share: a file decode
// stage with the converter's defaults, and a live pipeline with the live defaults.
import { DEFAULT_LIVE_VIEWS, DEFAULT_SENSOR } from '../shared/liveViews';
import { DEFAULT_CLUSTERING } from '../shared/processingSettings';
import type { LivePipelineConfig } from '../native-workers/live/livePipeline';
import type { DecodeEventsConfig } from '../native-workers/stages/stages';

export const FILE_DECODE_CONFIG: DecodeEventsConfig = {
  orientation: 'Up',
  offsetX: 0,
  offsetY: 0,
  windowMin: 0,
  windowMax: 10000,
  horizon: 1e-3,
  startTimeNs: 0,
};

export function liveConfig(pipeline: LivePipelineConfig['pipeline']): LivePipelineConfig {
  return {
    pipeline,
    eventWindow: [0, 1e-3],
    clustering: DEFAULT_CLUSTERING,
    views: DEFAULT_LIVE_VIEWS,
    orientation: 'Up',
    offset: [0, 0],
    horizon: 1e-3,
    sensor: DEFAULT_SENSOR,
  };
}
