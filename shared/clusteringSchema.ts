// The zod schema of the clustering settings (processingSettings.ts), for values that come from a
// settings file, the renderer or a client: the ranges there, the defaults from DEFAULT_CLUSTERING.
import { z } from 'zod';
import {
  CLUSTERING_ALGORITHMS,
  type ClusteringSettings,
  DEFAULT_CLUSTERING as D,
} from './processingSettings';

export const clusteringSettingsSchema = z.object({
  algorithm: z.enum(CLUSTERING_ALGORITHMS).default(D.algorithm),
  epsilon: z.number().positive().default(D.epsilon),
  minSamples: z.number().int().min(1).default(D.minSamples),
  totThreshold: z.number().min(0).default(D.totThreshold),
  everyNthTrigger: z.number().int().min(1).default(D.everyNthTrigger),
  chunkSizeLimit: z.number().int().min(1).default(D.chunkSizeLimit),
  tofScale: z.number().positive().default(D.tofScale),
  csMaxDistTof: z.number().positive().default(D.csMaxDistTof),
  csMinClusterSize: z.number().int().min(1).default(D.csMinClusterSize),
  csTotOffset: z.number().min(0).default(D.csTotOffset),
}) satisfies z.ZodType<ClusteringSettings>;
