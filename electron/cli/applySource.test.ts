import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { applySource } from './acquireCommand';

describe('applySource (Decision 18)', () => {
  it('drives a camera with spidr://, sends its data where --udp says, and never changes the input', () => {
    const base = structuredClone(DEFAULT_SETTINGS);
    const s = applySource(base, 'spidr://192.168.1.10', '192.168.1.1:8193');
    expect(s.camera.address).toBe('192.168.1.10');
    expect(s.camera.port).toBe(50000);
    expect(s.camera.udp).toEqual({ address: '192.168.1.1', port: 8193 });
    expect(base).toEqual(DEFAULT_SETTINGS);
  });

  it('only listens with udp://, and the emulator drives no camera, even when one is configured', () => {
    const withCamera = applySource(structuredClone(DEFAULT_SETTINGS), 'spidr://cam:50001');
    const listen = applySource(withCamera, 'udp://0.0.0.0:8192');
    expect(listen.camera.address).toBe('');
    expect(listen.source).toMatchObject({ kind: 'udp', udp: { address: '0.0.0.0', port: 8192 } });
    expect(applySource(withCamera, 'emulator').camera.address).toBe('');
    expect(applySource(withCamera, undefined).camera.address).toBe('cam');
  });

  it('names what is wrong with a bad source or --udp', () => {
    expect(() => applySource(DEFAULT_SETTINGS, 'spidr://a:99999')).toThrow(
      /expected spidr:\/\/HOST\[:PORT\]/,
    );
    expect(() => applySource(DEFAULT_SETTINGS, 'tcp://a:1')).toThrow(
      /expected 'emulator' or udp:\/\/ADDR:PORT/,
    );
    expect(() => applySource(DEFAULT_SETTINGS, undefined, '8192')).toThrow(/--udp 8192: expected ADDR:PORT/);
  });
});
