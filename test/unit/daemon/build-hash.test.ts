import { describe, expect, it } from 'vitest';
import { buildHash } from '../../../src/daemon/paths.js';

// The build id names the daemon's socket (d-ID.sock) and is checked in the handshake.
describe('buildHash', () => {
  const inputs = [
    '',
    '0.1.0:/usr/lib/node_modules/isuops/dist/isuops.cjs:1766755-1796184606999',
    '0.1.0:/usr/lib/node_modules/isuops/dist/isuops.cjs:1766755-1796184607000',
    '0.1.0:/work/wt/client/dist/isuops.cjs:1760605-1796183728835',
    '0.1.0:/work/wt/client/dist/isuops.cjs:1766755-1796184606999',
    'caf\u00e9:/tmp/\udce9/dist/isuops.cjs:dev',
    'x'.repeat(5000),
  ];
  it.each(inputs)('is 12 lowercase hex digits, the same each time: %s', (text) => {
    expect(buildHash(text)).toMatch(/^[0-9a-f]{12}$/);
    expect(buildHash(text)).toBe(buildHash(text));
  });
  it('differs between builds that differ in one digit or in their path', () => {
    expect(new Set(inputs.map(buildHash)).size).toBe(inputs.length);
  });
});
