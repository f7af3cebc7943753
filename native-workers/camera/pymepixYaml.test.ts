import { describe, expect, it } from 'vitest';
import { parseSimpleYaml, readPymepixConnection } from './pymepixYaml';

// pymepix's config/default.yaml, as its layout is described in spidr-control.md section 8.
const DEFAULT_YAML = `name: ions
timepix:
  pc_ip: 192.168.1.1
  tpx_ip: 192.168.1.11   # the SPIDR board
  tpx_port: 50000
  udp_ip: 192.168.1.11
  udp_port: 8192
  sophy_config: "/data/W0028_H06_50V.spx"
  camera_generation: 3
trainID:
  connected: false
  device: /dev/ttyUSB0
api_channel:
  ip: 127.0.0.1
  port: 5056
tango_api:
  port: 9994
`;

describe('pymepix YAML connection fields', () => {
  it('reads the timepix section', () => {
    expect(readPymepixConnection(DEFAULT_YAML, 'default.yaml')).toEqual({
      tpxIp: '192.168.1.11',
      tpxPort: 50000,
      pcIp: '192.168.1.1',
      udpIp: '192.168.1.11',
      udpPort: 8192,
      sophyConfig: '/data/W0028_H06_50V.spx',
    });
    const doc = parseSimpleYaml(DEFAULT_YAML);
    expect(doc.trainID).toEqual({ connected: false, device: '/dev/ttyUSB0' });
    expect(doc.api_channel).toEqual({ ip: '127.0.0.1', port: 5056 });
  });

  it('reports what it cannot read in one line', () => {
    expect(() => readPymepixConnection('name: x\n', 'a.yaml')).toThrow('a.yaml: no "timepix:" section');
    expect(() => readPymepixConnection('timepix:\n  tpx_port: lots\n', 'b.yaml')).toThrow(
      'b.yaml: timepix.tpx_port = lots is not a port number 1..65535',
    );
    expect(() => parseSimpleYaml('timepix:\n  - a\n', 'c.yaml')).toThrow(/c.yaml:2: cannot read "- a"/);
  });
});
