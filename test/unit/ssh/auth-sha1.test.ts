import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { Sha2Agent } from '../../../src/ssh/agent.js';
import { loadIdentity } from '../../../src/ssh/auth.js';

// ssh2 signs an RSA key with SHA-1 (ssh-rsa) for a server that announces no rsa-sha2-* in
// server-sig-algs; OpenSSH 8.8+ never does. (No OpenSSH sshd leaves rsa-sha2 out of server-sig-algs,
// so this is checked at the signing seam rather than against the lab.)
let key: string;
beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-sha1-'));
  key = path.join(dir, 'id_rsa');
  await execa('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', key]);
});

describe('RSA user keys never sign with SHA-1', () => {
  it.each([
    ['sha1', false],
    [undefined, false],
    ['sha256', true],
    ['sha512', true],
  ] as const)('key file, hash %s: signs %s', async (hash, signs) => {
    const parsed = await loadIdentity(key);
    const sig = parsed!.sign(Buffer.from('data'), hash);
    if (signs) expect(Buffer.isBuffer(sig)).toBe(true);
    else expect((sig as Error).message).toBe(`refusing to sign with SHA-1 (ssh-rsa) for the RSA key ${key}: the server accepts no rsa-sha2-256/512 signature, which OpenSSH 8.8 and later require too`);
  });

  it('the agent refuses before asking the agent (no socket is touched)', async () => {
    const parsed = await loadIdentity(key);
    const agent = new Sha2Agent('/nonexistent/agent.sock');
    const err = await new Promise<Error | undefined>((resolve) => agent.sign(parsed!, Buffer.from('x'), { hash: 'sha1' }, (e) => resolve(e)));
    expect(err?.message).toMatch(/^refusing to sign with SHA-1 \(ssh-rsa\) for the agent's RSA key/);
  });
});
