// Clustering quality for the benchmark table: a generated ion-imaging run (3 s, 1000 Hz triggers,
// the generator's default 5 ions per trigger and species, seed 42) goes through the decoder and the
// event builder in memory, is clustered with DBSCAN and with cluster stream (default settings
// otherwise), and each result is compared with the generator's true ions (clusterQuality.ts: match
// within 1 px and 5 ns; footprint 3 px and 20 ns for split, merged and spurious).
import type { ClusteringAlgorithm } from '../shared/processingSettings';
import { DEFAULT_CLUSTERING } from '../shared/processingSettings';
import { clusterQuality, generatedEventsWithTruth } from '../native-workers/pipeline/clusterQuality';
import { clusterEvents } from '../native-workers/pipeline/clustering';
import type { VmiOptions } from '../native-workers/pipeline/generator';

export interface ClusterQualityRow {
  algorithm: string;
  /** True ions in the run. */
  ions: number;
  /** Ions matched one-to-one by a centroid within 1 px and 5 ns. */
  recovered: number;
  /** recovered / ions. */
  fraction: number;
  /** Ions that are the nearest footprint ion of 2+ centroids. */
  split: number;
  /** Centroids that are the nearest footprint centroid of 2+ ions. */
  merged: number;
  /** Centroids in no ion's footprint. */
  spurious: number;
  /** Centroids found. */
  centroids: number;
  /** Mean centroid tof minus true tof over the recovered ions, s (the time-walk bias). */
  tofBias: number;
}

const ALGORITHMS: readonly ClusteringAlgorithm[] = ['dbscan', 'stream'];

/** Quality of both clustering algorithms on one generated run (about 0.35 s of CPU for 3 s of data). */
export async function measureClusterQuality(
  run: VmiOptions = { seconds: 3, triggerRate: 1000, seed: 42 },
): Promise<ClusterQualityRow[]> {
  const { events, ions } = generatedEventsWithTruth(run);
  return ALGORITHMS.map((algorithm) => {
    const q = clusterQuality(ions, clusterEvents(events, { ...DEFAULT_CLUSTERING, algorithm }));
    return {
      algorithm,
      ions: q.ions,
      recovered: q.recovered,
      fraction: q.fraction,
      split: q.split,
      merged: q.merged,
      spurious: q.spurious,
      centroids: q.centroids,
      tofBias: q.meanDtof,
    };
  });
}
