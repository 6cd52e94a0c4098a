import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDir, runIsuops } from './helpers.js';
import { startOwnSshd, type OwnSshd } from './own-sshd.js';

// ssh with the same files is the oracle for every case.
let dir: string;
const lines = (t: string) => t.split('\n').filter((l) => l !== '');

async function ssh(config: string, host: string, extra: string[] = []) {
  return execa('ssh', ['-F', config, '-o', 'BatchMode=yes', ...extra, host, 'true'], { reject: false, stdin: 'ignore' });
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-hko-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('HostKeyAlgorithms', () => {
  it('a host that can only offer another type fails, as with ssh', async () => {
    const lab = path.join(labDir(), 'ssh_config');
    const oracle = await ssh(lab, 'isu01', ['-o', 'HostKeyAlgorithms=rsa-sha2-512,ecdsa-sha2-nistp256']);
    expect(oracle.exitCode).toBe(255);
    expect(oracle.stderr).toContain('no matching host key type found');
    const r = await runIsuops(['exec', '-F', lab, '-H', 'isu01', '-o', 'HostKeyAlgorithms=rsa-sha2-512,ecdsa-sha2-nistp256', 'true']);
    expect(r.stderr).toContain('isuops: isu01: unable to negotiate with 127.');
    expect(r.stderr).toContain('no matching host key type found (HostKeyAlgorithms offered: rsa-sha2-512,ecdsa-sha2-nistp256)');
    expect(r.exitCode).toBe(255);
  });

  it('-ssh-ed25519 removes the only type the host has; +/^ keep it', async () => {
    const lab = path.join(labDir(), 'ssh_config');
    for (const [value, ok] of [['-ssh-ed25519', false], ['^ecdsa-sha2-nistp256', true], ['ssh-ed*', true]] as const) {
      const oracle = await ssh(lab, 'isu01', ['-o', `HostKeyAlgorithms=${value}`]);
      const r = await runIsuops(['exec', '-F', lab, '-H', 'isu01', '-o', `HostKeyAlgorithms=${value}`, 'true']);
      expect([value, r.exitCode === 0]).toEqual([value, oracle.exitCode === 0]);
      expect([value, r.exitCode === 0]).toEqual([value, ok]);
    }
  });

  it('a bad name is refused like ssh refuses it', async () => {
    const oracle = await execa('ssh', ['-G', '-o', 'HostKeyAlgorithms=bogus-alg', 'a'], { reject: false });
    expect(oracle.exitCode).toBe(255);
    const r = await runIsuops(['exec', '-H', 'a', '-o', 'HostKeyAlgorithms=bogus-alg', 'true']);
    expect(lines(r.stderr)).toEqual([`isuops: -o 'HostKeyAlgorithms=bogus-alg': Bad key types 'bogus-alg'.`]);
    expect(r.exitCode).toBe(2);
  });
});

describe('SHA-1 ssh-rsa signatures are refused by default (OpenSSH 8.8+)', () => {
  let server: OwnSshd;
  beforeAll(async () => {
    server = await startOwnSshd(1, 'rsa', ['HostKeyAlgorithms ssh-rsa']);
  });
  afterAll(() => server.stop());

  it('a host whose only host key signature is ssh-rsa is refused, and accepted with +ssh-rsa', async () => {
    const config = path.join(dir, 'rsa-host');
    writeFileSync(config, server.config('rsahost'));
    const oracle = await ssh(config, 'rsahost');
    expect(oracle.exitCode).toBe(255);
    expect(oracle.stderr).toContain('no matching host key type found. Their offer: ssh-rsa');
    const r = await runIsuops(['exec', '-F', config, '-H', 'rsahost', 'true']);
    expect(r.stderr).toContain('no matching host key type found');
    expect(r.exitCode).toBe(255);
    const withSha1 = await ssh(config, 'rsahost', ['-o', 'HostKeyAlgorithms=+ssh-rsa']);
    expect(withSha1.exitCode, withSha1.stderr).toBe(0);
    const r2 = await runIsuops(['exec', '-F', config, '-H', 'rsahost', '-o', 'HostKeyAlgorithms=+ssh-rsa', 'true']);
    expect(r2.exitCode, r2.stderr).toBe(0);
  });
});
