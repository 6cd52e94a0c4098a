import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

describe('SHA-1 ssh-rsa user authentication signatures are refused by default (OpenSSH 8.8+)', () => {
  let server: OwnSshd;
  let key: string;
  let config: string;
  beforeAll(async () => {
    key = path.join(dir, 'id_rsa_user');
    await execa('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', key]);
    // An sshd that takes an RSA user key only with a SHA-1 (ssh-rsa) signature. OpenSSH 9.x still
    // announces rsa-sha2-256/512 in server-sig-algs, so a client tries those and is turned down.
    server = await startOwnSshd(2, 'ed25519', ['PubkeyAcceptedAlgorithms ssh-rsa'], `${key}.pub`);
    config = path.join(dir, 'rsa-user');
    writeFileSync(config, server.config('rsauser').replace(/IdentityFile .*/, `IdentityFile ${key}`));
  });
  afterAll(() => server.stop());

  it('an RSA key the host takes only as ssh-rsa: refused like ssh refuses it (permission denied, exit 255)', async () => {
    for (const extra of [[], ['-o', 'PubkeyAcceptedAlgorithms=+ssh-rsa']]) {
      const oracle = await ssh(config, 'rsauser', extra);
      expect([extra, oracle.exitCode]).toEqual([extra, 255]);
      expect(oracle.stderr).toContain('Permission denied (publickey)');
    }
    const r = await runIsuops(['exec', '-F', config, '-H', 'rsauser', 'true']);
    expect(lines(r.stderr)[0]).toBe(`isuops: rsauser: permission denied (publickey) for isucon@${server.address}:${server.port}`);
    expect(r.exitCode).toBe(255);
  });

  it('PubkeyAcceptedAlgorithms=ssh-rsa (or PubkeyAcceptedKeyTypes) signs with SHA-1 and logs in, as with ssh', async () => {
    for (const option of ['PubkeyAcceptedAlgorithms=ssh-rsa', 'PubkeyAcceptedKeyTypes=ssh-rsa', 'PubkeyAcceptedAlgorithms=ssh-rsa,ssh-ed25519']) {
      const oracle = await ssh(config, 'rsauser', ['-o', option]);
      expect([option, oracle.exitCode, oracle.stderr]).toEqual([option, 0, '']);
      const r = await runIsuops(['exec', '-F', config, '-H', 'rsauser', '-o', option, 'true']);
      expect([option, r.exitCode, r.stderr]).toEqual([option, 0, expect.stringContaining('1 host: 1 ok')]);
    }
  });

  it('PubkeyAcceptedAlgorithms without any RSA algorithm: the RSA key is not offered, as with ssh', async () => {
    const oracle = await ssh(config, 'rsauser', ['-v', '-o', 'PubkeyAcceptedAlgorithms=ssh-ed25519']);
    expect(oracle.exitCode).toBe(255);
    expect(oracle.stderr).not.toContain('Offering public key');
    const r = await runIsuops(['exec', '-F', config, '-H', 'rsauser', '-o', 'PubkeyAcceptedAlgorithms=ssh-ed25519', 'true']);
    expect(lines(r.stderr)[0]).toBe(`isuops: rsauser: no identity to offer isucon@${server.address} that PubkeyAcceptedAlgorithms allows (ssh-ed25519)`);
    expect(r.exitCode).toBe(255);
  });

  it('a bad PubkeyAcceptedAlgorithms name is refused like ssh refuses it', async () => {
    const oracle = await execa('ssh', ['-G', '-o', 'PubkeyAcceptedAlgorithms=bogus-alg', 'a'], { reject: false });
    expect(oracle.exitCode).toBe(255);
    expect(oracle.stderr).toContain("Bad key types 'bogus-alg'");
    const r = await runIsuops(['exec', '-H', 'a', '-o', 'PubkeyAcceptedAlgorithms=bogus-alg', 'true']);
    expect(lines(r.stderr)).toEqual([`isuops: -o 'PubkeyAcceptedAlgorithms=bogus-alg': Bad key types 'bogus-alg'.`]);
    expect(r.exitCode).toBe(2);
  });
});

describe('RevokedHostKeys', () => {
  const hostKey = () => path.join(labDir(), 'hosts', 'isu01', 'ssh_host_ed25519_key.pub');
  const make = async (name: string, lines: string[] | undefined): Promise<string> => {
    const file = path.join(dir, name);
    if (lines === undefined) {
      writeFileSync(file, readFileSync(hostKey()));
      return file;
    }
    const spec = path.join(dir, `${name}.spec`);
    writeFileSync(spec, `${lines.join('\n')}\n`);
    await execa('ssh-keygen', ['-q', '-k', '-f', file, spec]);
    return file;
  };
  const fingerprint = async () => (await execa('ssh-keygen', ['-l', '-f', hostKey()])).stdout.split(' ')[1]!;

  const cases: Array<[string, () => Promise<string>]> = [
    ['a KRL of the key (ssh-keygen -k)', async () => make('krl-key', [readFileSync(hostKey(), 'utf8').trim()])],
    ['a KRL of its SHA256 fingerprint', async () => make('krl-hash', [`hash: ${await fingerprint()}`])],
    ['a KRL of its SHA-1 hash', async () => make('krl-sha1', [`sha1: ${readFileSync(hostKey(), 'utf8').trim()}`])],
    ['a plain list of public keys', async () => make('plain-list', undefined)],
  ];
  it.each(cases)('%s: that host is refused like ssh refuses it, the others connect', async (_what, build) => {
    const krl = await build();
    const lab = path.join(labDir(), 'ssh_config');
    const oracle = await ssh(lab, 'isu01', ['-o', `RevokedHostKeys=${krl}`]);
    expect(oracle.exitCode).toBe(255);
    expect(oracle.stderr).toContain(`revoked by file ${krl}`);
    const r = await runIsuops(['exec', '-F', lab, '-H', 'isu01,isu02', '-o', `RevokedHostKeys=${krl}`, 'true']);
    expect(r.stderr).toMatch(new RegExp(`isuops: isu01: host key for [0-9.]+ is revoked \\(RevokedHostKeys ${krl}; server sent ssh-ed25519 SHA256:\\S+\\): refusing to connect`));
    expect(r.stderr).toContain('1 ok, 0 failed, 1 unreachable');
    expect(r.exitCode).toBe(255);
  });

  it('a RevokedHostKeys file that is not there refuses every host, as with ssh', async () => {
    const lab = path.join(labDir(), 'ssh_config');
    const missing = path.join(dir, 'no-such-krl');
    expect((await ssh(lab, 'isu01', ['-o', `RevokedHostKeys=${missing}`])).exitCode).toBe(255);
    const r = await runIsuops(['exec', '-F', lab, '-H', 'isu01', '-o', `RevokedHostKeys=${missing}`, 'true']);
    expect(r.stderr).toContain(`against RevokedHostKeys ${missing}: no such file: refusing to connect`);
    expect(r.exitCode).toBe(255);
  });
});
