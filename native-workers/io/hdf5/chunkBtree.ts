// The chunk index of a 1-D chunked dataset: a version-1 B-tree (node type 1, "TREE"), built in one
// go at commit when every chunk's address is known. Chunk i holds rows [i * chunkRows, (i + 1) *
// chunkRows); a leaf points at up to 2K chunks, an internal node at up to 2K nodes of the level
// below, and the tree grows levels until one node (the root) remains.
//
// K: a superblock v2 does not store B-tree K values, so readers take the library defaults, and for
// chunk indexes that is 32 (HDF5_BTREE_CHUNK_IK_DEF): every node, leaf or not, holds at most 64
// children and is read whole, so each one is written at its full size, unused slots zeroed.
//
// Keys (for a rank-1 dataset): chunk size in bytes (u32), filter mask (u32), then the chunk's
// offset in each dimension plus the element-size dimension, which is always 0 (u64 each). Key i is
// the left bound of child i and the last key the right bound of the last child, so a reader finds
// row r's chunk by comparing r / chunkRows with the keys.
import { ByteWriter, UNDEF_ADDR } from './byteWriter';

/** 2K for chunk B-trees in a file whose superblock does not say otherwise. */
export const BTREE_FANOUT = 64;
const KEY_SIZE = 4 + 4 + 2 * 8;
const HEADER_SIZE = 4 + 1 + 1 + 2 + 8 + 8;
/** Bytes of one node: header, 2K children, 2K + 1 keys. */
export const BTREE_NODE_SIZE = HEADER_SIZE + BTREE_FANOUT * 8 + (BTREE_FANOUT + 1) * KEY_SIZE;

export interface ChunkIndex {
  /** File address of each chunk, in row order. */
  addresses: readonly number[];
  chunkRows: number;
  /** Bytes per chunk (chunkRows * element size; no filters). */
  chunkBytes: number;
}

interface Span {
  /** First chunk index covered and one past the last. */
  first: number;
  end: number;
  address: number;
}

/** Appends the tree's nodes to `w`, which starts at file address `base`; returns the root's
 * address, or UNDEF_ADDR when there is no chunk (HDF5's "no storage allocated"). */
export function chunkBtreeInto(w: ByteWriter, base: number, index: ChunkIndex): number | bigint {
  const { addresses, chunkRows, chunkBytes } = index;
  if (addresses.length === 0) return UNDEF_ADDR;
  let children: Span[] = addresses.map((address, i) => ({ first: i, end: i + 1, address }));
  for (let level = 0; ; level++) {
    const count = Math.ceil(children.length / BTREE_FANOUT);
    const at = base + w.length;
    const nodes: Span[] = [];
    for (let n = 0; n < count; n++) {
      const kids = children.slice(n * BTREE_FANOUT, (n + 1) * BTREE_FANOUT);
      const start = w.length;
      w.u8(0x54).u8(0x52).u8(0x45).u8(0x45); // "TREE"
      w.u8(1).u8(level).u16(kids.length);
      w.u64(n > 0 ? at + (n - 1) * BTREE_NODE_SIZE : UNDEF_ADDR);
      w.u64(n + 1 < count ? at + (n + 1) * BTREE_NODE_SIZE : UNDEF_ADDR);
      for (const kid of kids) {
        w.u32(chunkBytes)
          .u32(0)
          .u64(kid.first * chunkRows)
          .u64(0);
        w.u64(kid.address);
      }
      const end = kids[kids.length - 1].end;
      w.u32(0)
        .u32(0)
        .u64(end * chunkRows)
        .u64(0);
      w.zeros(BTREE_NODE_SIZE - (w.length - start));
      nodes.push({ first: kids[0].first, end, address: at + n * BTREE_NODE_SIZE });
    }
    if (nodes.length === 1) return nodes[0].address;
    children = nodes;
  }
}
