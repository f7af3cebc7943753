// The chunk B-tree, decoded back: node signatures, levels, entry counts, sibling links, keys
// (chunk bytes and row offsets) and children, for one leaf, two levels and three levels.
import { describe, expect, it } from 'vitest';
import { ByteWriter, UNDEF_ADDR } from './byteWriter';
import { BTREE_FANOUT, BTREE_NODE_SIZE, chunkBtreeInto } from './chunkBtree';

interface Node {
  level: number;
  left: bigint;
  right: bigint;
  keys: { bytes: number; mask: number; offset: bigint; elementOffset: bigint }[];
  children: number[];
}

function readNode(bytes: Uint8Array, base: number, address: number): Node {
  const v = new DataView(bytes.buffer, bytes.byteOffset + address - base, BTREE_NODE_SIZE);
  expect(String.fromCharCode(v.getUint8(0), v.getUint8(1), v.getUint8(2), v.getUint8(3))).toBe('TREE');
  expect(v.getUint8(4)).toBe(1); // raw data chunks
  const n = v.getUint16(6, true);
  const node: Node = {
    level: v.getUint8(5),
    left: v.getBigUint64(8, true),
    right: v.getBigUint64(16, true),
    keys: [],
    children: [],
  };
  let at = 24;
  for (let i = 0; i <= n; i++) {
    node.keys.push({
      bytes: v.getUint32(at, true),
      mask: v.getUint32(at + 4, true),
      offset: v.getBigUint64(at + 8, true),
      elementOffset: v.getBigUint64(at + 16, true),
    });
    at += 24;
    if (i < n) node.children.push(Number(v.getBigUint64(at, true)));
    at += 8;
  }
  return node;
}

/** Walks the tree as a reader would: the chunk addresses in key order, checking keys on the way. */
function leaves(bytes: Uint8Array, base: number, address: number, chunkRows: number, out: number[]): number {
  const node = readNode(bytes, base, address);
  node.children.forEach((child, i) => {
    expect(node.keys[i].offset).toBe(BigInt(out.length * chunkRows));
    if (node.level === 0) out.push(child);
    else expect(leaves(bytes, base, child, chunkRows, out)).toBe(node.level - 1);
  });
  expect(node.keys.at(-1)?.offset).toBe(BigInt(out.length * chunkRows));
  return node.level;
}

function build(chunks: number, chunkRows = 4): { bytes: Uint8Array; root: number; addresses: number[] } {
  const base = 1_000_000;
  const addresses = Array.from({ length: chunks }, (_, i) => 48 + i * 32);
  const w = new ByteWriter();
  w.zeros(16); // the tree need not start at the writer's beginning
  const root = Number(chunkBtreeInto(w, base, { addresses, chunkRows, chunkBytes: chunkRows * 8 }));
  return { bytes: w.view8(), root, addresses };
}

describe('chunk B-tree', () => {
  it('is absent without chunks', () => {
    expect(chunkBtreeInto(new ByteWriter(), 0, { addresses: [], chunkRows: 1, chunkBytes: 8 })).toBe(
      UNDEF_ADDR,
    );
  });

  it('is one leaf for up to 2K chunks, with whole-size nodes and right bound after the last chunk', () => {
    const { bytes, root, addresses } = build(BTREE_FANOUT);
    expect(bytes.length).toBe(16 + BTREE_NODE_SIZE);
    const node = readNode(bytes, 1_000_000, root);
    expect(node).toMatchObject({
      level: 0,
      left: 2n ** 64n - 1n,
      right: 2n ** 64n - 1n,
      children: addresses,
    });
    expect(node.keys[0]).toEqual({ bytes: 32, mask: 0, offset: 0n, elementOffset: 0n });
    expect(node.keys[BTREE_FANOUT].offset).toBe(BigInt(BTREE_FANOUT * 4));
  });

  for (const [chunks, levels] of [
    [BTREE_FANOUT + 1, 1],
    [BTREE_FANOUT * BTREE_FANOUT, 1],
    [BTREE_FANOUT * BTREE_FANOUT + 7, 2],
  ] as const) {
    it(`indexes ${chunks} chunks in ${levels + 1} levels, every chunk in order`, () => {
      const { bytes, root, addresses } = build(chunks);
      const found: number[] = [];
      expect(leaves(bytes, 1_000_000, root, 4, found)).toBe(levels);
      expect(found).toEqual(addresses);
    });
  }

  it('links the nodes of each level left to right', () => {
    const { bytes } = build(3 * BTREE_FANOUT);
    const leafAt = (i: number): number => 1_000_000 + 16 + i * BTREE_NODE_SIZE;
    const middle = readNode(bytes, 1_000_000, leafAt(1));
    expect([middle.left, middle.right]).toEqual([BigInt(leafAt(0)), BigInt(leafAt(2))]);
    expect(readNode(bytes, 1_000_000, leafAt(2)).right).toBe(2n ** 64n - 1n);
  });
});
