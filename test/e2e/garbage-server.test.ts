import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { labDir, labState, runIsuops } from './helpers.js';

// A TCP server that answers with random bytes, as fast as it can, and never closes.
let server: net.Server;
let where: string;
beforeAll(async () => {
  server = net.createServer((c) => {
    c.on('error', () => {});
    const flood = (): void => {
      while (c.writable && c.write(randomBytes(16384)));
    };
    c.on('drain', flood);
    flood();
  });
  const address = labState().hosts[0]!.address.replace(/\.\d+$/, '.205');
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  where = `${address}:${(server.address() as net.AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('a server that floods garbage instead of speaking SSH', () => {
  it.each(['no', ''])('fails the host at once and the process ends (ISUOPS_CONTROL_PERSIST=%j)', async (persist) => {
    const started = Date.now();
    const r = await runIsuops(['exec', '-F', '/dev/null', '-H', where, '-i', path.join(labDir(), 'id_ed25519'), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '--connect-timeout', '20', 'true'], {
      env: { ISUOPS_CONTROL_PERSIST: persist },
      timeoutMs: 30_000,
    });
    expect(r.stderr).toContain(`isuops: ${where}: not an SSH server at ${where} (`);
    expect(r.exitCode).toBe(255);
    expect(Date.now() - started).toBeLessThan(8_000);
  });
});
