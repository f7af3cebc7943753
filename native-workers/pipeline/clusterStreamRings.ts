// Cluster stream's neighbour rings (timepix3-format.md "Cluster stream"): the offsets a hit
// searches for its predecessor, ring by ring, in the reference's order.

/** Neighbour rings in the reference's order, (dx, dy). */
export const CLUSTER_STREAM_RINGS: readonly (readonly (readonly [number, number])[])[] = [
  [
    [-1, 0],
    [1, 0],
    [0, -1],
    [0, 1],
  ],
  [
    [-1, -1],
    [1, -1],
    [-1, 1],
    [1, 1],
  ],
  [
    [-2, 0],
    [2, 0],
    [0, -2],
    [0, 2],
  ],
  [
    [-2, 1],
    [-1, 2],
    [1, 2],
    [2, 1],
    [2, -1],
    [1, -2],
    [-1, -2],
    [-2, -1],
  ],
  [
    [-2, 2],
    [2, 2],
    [2, -2],
    [-2, -2],
  ],
  [
    [-3, 0],
    [0, 3],
    [3, 0],
    [0, -3],
  ],
  [
    [-3, 1],
    [-1, 3],
    [1, 3],
    [3, 1],
    [3, -1],
    [1, -3],
    [-1, -3],
    [-3, -1],
  ],
  [
    [-3, -2],
    [3, -2],
    [-3, 2],
    [3, 2],
    [-2, -3],
    [2, -3],
    [-2, 3],
    [2, 3],
  ],
];
