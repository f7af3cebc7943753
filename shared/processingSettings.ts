// The settings that shape processing results: decoding (orientation, offset), event building
// (event window, reorder horizon) and clustering, with the reference's defaults. One definition for
// the converter, the live pipeline and the app; the converter records them under
// /metadata/settings. Plain data, no zod: `chronopix convert` starts without loading a schema
// library (its options are checked one by one); the schema is in clusteringSchema.ts.

export const ORIENTATIONS = ['Up', 'Left', 'Down', 'Right'] as const;
export type Orientation = (typeof ORIENTATIONS)[number];

export const CLUSTERING_ALGORITHMS = ['dbscan', 'stream', 'none'] as const;
export type ClusteringAlgorithm = (typeof CLUSTERING_ALGORITHMS)[number];

export interface ClusteringSettings {
  /** Which clustering runs on the event rows; 'none' writes no centroids. */
  algorithm: ClusteringAlgorithm;
  /** DBSCAN neighbourhood radius in scaled units (px; tof is scaled by tofScale); > 0. */
  epsilon: number;
  /** DBSCAN core-point threshold, the point itself counted; a whole number >= 1. */
  minSamples: number;
  /** Hits with tot <= this (ns) are not clustered (both algorithms); >= 0. */
  totThreshold: number;
  /** Only triggers whose number is a multiple of this are clustered (both algorithms); >= 1. */
  everyNthTrigger: number;
  /** DBSCAN works on chunks of whole triggers of about this many rows; >= 1. */
  chunkSizeLimit: number;
  /** DBSCAN tof scale: seconds to the units of x and y; > 0. */
  tofScale: number;
  /** Cluster stream: largest tof difference (s) to a predecessor; > 0. */
  csMaxDistTof: number;
  /** Cluster stream: clusters with fewer hits are dropped; a whole number >= 1. */
  csMinClusterSize: number;
  /** Cluster stream: a predecessor must have tot > tot * this; >= 0. */
  csTotOffset: number;
}

export const DEFAULT_CLUSTERING: Readonly<ClusteringSettings> = Object.freeze({
  algorithm: 'dbscan',
  epsilon: 2.0,
  minSamples: 3,
  totThreshold: 0,
  everyNthTrigger: 1,
  chunkSizeLimit: 6500,
  tofScale: 1.7e7,
  csMaxDistTof: 5e-8,
  csMinClusterSize: 3,
  csTotOffset: 0.5,
});
