// The XML side of a SoPhy .spx (spidr-control.md section 8): fast-xml-parser's ordered output
// turned into a small element tree, and the few queries spx.ts needs (the first DAC collection,
// hardware info items by name, the pixel arrays' external object names by key). Kept apart from
// the ZIP and array decoding so each can be read on its own.
import { XMLParser } from 'fast-xml-parser';

export interface XmlElement {
  tag: string;
  attrs: Record<string, string>;
  children: XmlElement[];
}

const ATTR_KEY = ':@';
const ATTR_PREFIX = '@_';

function toElements(nodes: unknown): XmlElement[] {
  if (!Array.isArray(nodes)) return [];
  const out: XmlElement[] = [];
  for (const node of nodes as unknown[]) {
    if (!node || typeof node !== 'object') continue;
    const record = node as Record<string, unknown>;
    const tag = Object.keys(record).find((k) => k !== ATTR_KEY && k !== '#text' && !k.startsWith('?'));
    if (tag === undefined) continue;
    const attrs: Record<string, string> = {};
    const rawAttrs = record[ATTR_KEY];
    if (rawAttrs && typeof rawAttrs === 'object') {
      for (const [k, v] of Object.entries(rawAttrs as Record<string, unknown>)) {
        attrs[k.startsWith(ATTR_PREFIX) ? k.slice(ATTR_PREFIX.length) : k] = String(v);
      }
    }
    out.push({ tag, attrs, children: toElements(record[tag]) });
  }
  return out;
}

/** Parses XML text into its top-level elements; throws the parser's error on malformed XML. */
export function parseXml(text: string): XmlElement[] {
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: ATTR_PREFIX,
    parseAttributeValue: false,
    parseTagValue: false,
    ignoreDeclaration: true,
  });
  return toElements(parser.parse(text, true));
}

/** Depth-first, document order. */
export function* descendants(el: XmlElement): Generator<XmlElement> {
  for (const child of el.children) {
    yield child;
    yield* descendants(child);
  }
}

export function child(el: XmlElement, tag: string): XmlElement | undefined {
  return el.children.find((c) => c.tag === tag);
}

export function findFirst(roots: XmlElement[], pred: (el: XmlElement) => boolean): XmlElement | undefined {
  for (const root of roots) {
    if (pred(root)) return root;
    for (const el of descendants(root)) if (pred(el)) return el;
  }
  return undefined;
}

/** `java.util.Map.Entry` elements under `el`: each holds a `key` (name in `value`) and an `entry`. */
export function mapEntries(el: XmlElement): { key: string; entry: XmlElement }[] {
  const out: { key: string; entry: XmlElement }[] = [];
  for (const d of descendants(el)) {
    if (d.tag !== 'element' || d.attrs.class !== 'java.util.Map.Entry') continue;
    const key = child(d, 'key')?.attrs.value;
    const entry = child(d, 'entry');
    if (key !== undefined && entry) out.push({ key, entry });
  }
  return out;
}

/** The `value` of the `data` child of an item whose `name` child has value `name` (HwInfoMetaItem). */
export function namedItemValue(roots: XmlElement[], name: string): string | undefined {
  const item = findFirst(
    roots,
    (el) => el.tag === 'entry' && child(el, 'name')?.attrs.value === name && child(el, 'data') !== undefined,
  );
  return item ? child(item, 'data')?.attrs.value : undefined;
}
