// The settings that shape processing results: decoding (orientation, offset), event building
// (event window, reorder horizon) and clustering. One schema for the converter, the live pipeline
// and the app; the converter records them under /metadata/settings. Defaults are the reference's.
import { z } from 'zod';

export const ORIENTATIONS = ['Up', 'Left', 'Down', 'Right'] as const;
export type Orientation = (typeof ORIENTATIONS)[number];

export const CLUSTERING_ALGORITHMS = ['dbscan', 'stream', 'none'] as const;
export type ClusteringAlgorithm = (typeof CLUSTERING_ALGORITHMS)[number];

export const clusteringSettingsSchema = z.object({
  /** Which clustering runs on the event rows; 'none' writes no centroids. */
  algorithm: z.enum(CLUSTERING_ALGORITHMS).default('dbscan'),
  /** DBSCAN neighbourhood radius in scaled units (px; tof is scaled by tofScale). */
  epsilon: z.number().positive().default(2.0),
  /** DBSCAN core-point threshold, the point itself counted. */
  minSamples: z.number().int().min(1).default(3),
  /** Hits with tot <= this (ns) are not clustered (both algorithms). */
  totThreshold: z.number().min(0).default(0),
  /** Only triggers whose number is a multiple of this are clustered (both algorithms). */
  everyNthTrigger: z.number().int().min(1).default(1),
  /** DBSCAN works on chunks of whole triggers of about this many rows. */
  chunkSizeLimit: z.number().int().min(1).default(6500),
  /** DBSCAN tof scale: seconds to the units of x and y. */
  tofScale: z.number().positive().default(1.7e7),
  /** Cluster stream: largest tof difference (s) to a predecessor. */
  csMaxDistTof: z.number().positive().default(5e-8),
  /** Cluster stream: clusters with fewer hits are dropped. */
  csMinClusterSize: z.number().int().min(1).default(3),
  /** Cluster stream: a predecessor must have tot > tot * this. */
  csTotOffset: z.number().min(0).default(0.5),
});
export type ClusteringSettings = z.infer<typeof clusteringSettingsSchema>;

export const DEFAULT_CLUSTERING: ClusteringSettings = clusteringSettingsSchema.parse({});
