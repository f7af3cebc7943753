// Reads the connection fields of the reference's YAML configuration (spidr-control.md section 8:
// `timepix.tpx_ip`, `tpx_port`, `pc_ip`, `udp_ip`, `udp_port`, `sophy_config`) so an existing
// pymepix site file can seed our camera settings. Those files are plain nested `key: value`
// mappings, so a small indentation reader suffices (no anchors, flow collections or multi-line
// scalars); anything it cannot read is a one-line UserError naming the line. Unlike the
// reference, `udp_ip` and `sophy_config` are honoured (defect 13).
import { UserError } from '../../shared/userError';

export type YamlValue = string | number | boolean | null | YamlMap;
export interface YamlMap {
  [key: string]: YamlValue;
}

function scalar(text: string): YamlValue {
  const t = text.trim();
  if (t === '' || t === '~' || t === 'null') return null;
  if (/^(true|True|TRUE)$/.test(t)) return true;
  if (/^(false|False|FALSE)$/.test(t)) return false;
  if (/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t)) return Number(t);
  const q = /^(['"])(.*)\1$/.exec(t);
  return q ? q[2] : t;
}

/** Parses nested block mappings of scalars; `source` names the file in errors. */
export function parseSimpleYaml(text: string, source = 'YAML'): YamlMap {
  const root: YamlMap = {};
  const stack: { indent: number; map: YamlMap }[] = [{ indent: -1, map: root }];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/\s+#.*$/, '').replace(/^#.*$/, '');
    if (line.trim() === '' || line.trim() === '---') return;
    const indent = line.length - line.trimStart().length;
    const m = /^([A-Za-z0-9_.-]+)\s*:(?:\s+(.*))?$/.exec(line.trim());
    if (!m || line.includes('\t')) {
      throw new UserError(`${source}:${i + 1}: cannot read "${line.trim()}" (expected key: value)`);
    }
    while (stack.length > 1 && indent <= stack[stack.length - 1].indent) stack.pop();
    const parent = stack[stack.length - 1].map;
    if (m[2] === undefined || m[2].trim() === '') {
      const child: YamlMap = {};
      parent[m[1]] = child;
      stack.push({ indent, map: child });
    } else parent[m[1]] = scalar(m[2]);
  });
  return root;
}

export interface PymepixConnection {
  /** SPIDR address and TCP port. */
  tpxIp?: string;
  tpxPort?: number;
  /** This PC's address on the camera network. */
  pcIp?: string;
  udpIp?: string;
  udpPort?: number;
  sophyConfig?: string;
}

/** The `timepix:` connection fields of a pymepix configuration file's text. */
export function readPymepixConnection(text: string, source = 'YAML'): PymepixConnection {
  const doc = parseSimpleYaml(text, source);
  const tpx = doc.timepix;
  if (tpx === undefined || tpx === null || typeof tpx !== 'object') {
    throw new UserError(`${source}: no "timepix:" section`);
  }
  const str = (k: string): string | undefined =>
    typeof tpx[k] === 'string' ? (tpx[k] as string) : undefined;
  const port = (k: string): number | undefined => {
    const v = tpx[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) {
      throw new UserError(`${source}: timepix.${k} = ${String(v)} is not a port number 1..65535`);
    }
    return v;
  };
  const out: PymepixConnection = {};
  const set = <K extends keyof PymepixConnection>(k: K, v: PymepixConnection[K]): void => {
    if (v !== undefined) out[k] = v;
  };
  set('tpxIp', str('tpx_ip'));
  set('tpxPort', port('tpx_port'));
  set('pcIp', str('pc_ip'));
  set('udpIp', str('udp_ip'));
  set('udpPort', port('udp_port'));
  set('sophyConfig', str('sophy_config'));
  return out;
}
