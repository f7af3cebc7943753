// All of a file's metadata, encoded at commit into one buffer that goes to the end of the file: the
// global heap with the string attributes' bytes, then, children before parents, each dataset's
// chunk B-tree and object header and each group's object header (its links need the children's
// addresses), the root group last. The caller writes the buffer at `base` and then the superblock,
// which points at the root.
//
// Groups are compact "new-style" groups (link info + group info + one link message per child in
// the group's own header): no symbol table, local heap or fractal heap to write, and readers from
// HDF5 1.8 on open them. Attributes are compact too (messages in the object header).
import { ByteWriter } from './byteWriter';
import { chunkBtreeInto } from './chunkBtree';
import { globalHeapInto } from './globalHeap';
import { type Message, objectHeaderInto } from './headers';
import * as msg from './messages';
import type { H5Type } from './messages';

/** Attribute values: strings as variable-length UTF-8; safe integers and bigints as int64 (uint64
 * beyond int64), other numbers as float64, booleans as uint8 0/1. All scalars. */
export type AttrValue = string | number | bigint | boolean;

export interface DatasetNode {
  kind: 'dataset';
  type: H5Type & { kind: 'int' | 'float' };
  rows: number;
  /** Rows per chunk; every chunk is whole on disk (the last one padded). */
  chunkRows: number;
  /** File address of each chunk, in row order. */
  chunks: readonly number[];
  attrs: Map<string, AttrValue>;
}

export interface GroupNode {
  kind: 'group';
  /** Children by link name, in creation order. */
  children: Map<string, GroupNode | DatasetNode>;
  attrs: Map<string, AttrValue>;
}

const utf8 = new TextEncoder();

/** Encodes the metadata of the tree under `root` for file address `base`. */
export function encodeMetadata(base: number, root: GroupNode): { bytes: Uint8Array; rootAddress: number } {
  const w = new ByteWriter(64 * 1024);
  const strings: Uint8Array[] = [];
  collectStrings(root, strings);
  const refs = globalHeapInto(w, base, strings);
  let nextRef = 0;
  const attributes = (attrs: Map<string, AttrValue>): Message[] =>
    [...attrs].map(([name, value]) => {
      const [type, data] = typeof value === 'string' ? [STRING, refs[nextRef++]] : encodeScalar(value);
      return { type: msg.MSG.attribute, body: msg.attribute(name, type, data) };
    });

  const write = (node: GroupNode | DatasetNode): number => {
    if (node.kind === 'dataset') {
      const size = msg.typeSize(node.type);
      const btree = chunkBtreeInto(w, base, {
        addresses: node.chunks,
        chunkRows: node.chunkRows,
        chunkBytes: node.chunkRows * size,
      });
      const messages: Message[] = [
        { type: msg.MSG.dataspace, body: msg.dataspace(node.rows) },
        { type: msg.MSG.datatype, body: msg.datatype(node.type), constant: true },
        { type: msg.MSG.fillValue, body: msg.fillValue(), constant: true },
        { type: msg.MSG.layout, body: msg.chunkedLayout(btree, node.chunkRows, size) },
        ...attributes(node.attrs),
      ];
      return base + objectHeaderInto(w, messages);
    }
    const links: Message[] = [];
    for (const [name, child] of node.children) {
      links.push({ type: msg.MSG.link, body: msg.hardLink(name, write(child)) });
    }
    const messages: Message[] = [
      { type: msg.MSG.linkInfo, body: msg.linkInfo() },
      { type: msg.MSG.groupInfo, body: msg.groupInfo(), constant: true },
      ...links,
      ...attributes(node.attrs),
    ];
    return base + objectHeaderInto(w, messages);
  };
  const rootAddress = write(root);
  return { bytes: w.view8(), rootAddress };
}

/** Strings in the order `encodeMetadata` meets them (children first, then the node's own). */
function collectStrings(node: GroupNode | DatasetNode, out: Uint8Array[]): void {
  if (node.kind === 'group') for (const child of node.children.values()) collectStrings(child, out);
  for (const value of node.attrs.values()) if (typeof value === 'string') out.push(utf8.encode(value));
}

const STRING: H5Type = { kind: 'vlen-utf8' };
const TWO63 = 2n ** 63n;

/** A scalar attribute's type and little-endian bytes (see AttrValue). */
export function encodeScalar(value: number | bigint | boolean): [H5Type, Uint8Array] {
  const data = new Uint8Array(8);
  const view = new DataView(data.buffer);
  if (typeof value === 'boolean')
    return [{ kind: 'int', size: 1, signed: false }, Uint8Array.of(value ? 1 : 0)];
  if (typeof value === 'bigint') {
    if (value < -TWO63 || value >= 2n ** 64n)
      throw new RangeError(`attribute value ${value} does not fit 64 bits`);
    if (value < TWO63) {
      view.setBigInt64(0, value, true);
      return [{ kind: 'int', size: 8, signed: true }, data];
    }
    view.setBigUint64(0, value, true);
    return [{ kind: 'int', size: 8, signed: false }, data];
  }
  if (Number.isSafeInteger(value)) {
    view.setBigInt64(0, BigInt(value), true);
    return [{ kind: 'int', size: 8, signed: true }, data];
  }
  view.setFloat64(0, value, true);
  return [{ kind: 'float', size: 8 }, data];
}
