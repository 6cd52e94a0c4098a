import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { isRevoked, readRevokedFile } from '../../../src/ssh/known-hosts/revoked.js';

// `ssh-keygen -Q -f FILE KEY` (exit 0: not revoked, 1: revoked) is the oracle for each file.
let dir: string;
const keys: Record<string, string> = {};
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-krl-'));
  for (const name of ['ed', 'ed2', 'rsa', 'ecdsa']) {
    const type = name.startsWith('ed') ? 'ed25519' : name;
    await execa('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', path.join(dir, name)]);
    keys[name] = path.join(dir, `${name}.pub`);
  }
});

const pub = (name: string) => readFileSync(keys[name]!, 'utf8').trim();
const blob = (name: string) => Buffer.from(pub(name).split(' ')[1]!, 'base64');
const fp = async (name: string) => (await execa('ssh-keygen', ['-l', '-f', keys[name]!])).stdout.split(' ')[1]!;

// prettier-ignore
const FILES: Array<[string, () => Promise<string[]> | string[]]> = [
  ['KRL: explicit keys', () => [pub('ed'), pub('rsa')]],
  ['KRL: SHA256 fingerprints', async () => [`hash: ${await fp('ed')}`, `hash: ${await fp('ecdsa')}`]],
  ['KRL: SHA-1 hashes', () => [`sha1: ${pub('ed')}`, `sha1: ${pub('rsa')}`]],
  ['KRL: explicit key lines', () => [`key: ${pub('ed')}`]],
];

describe('RevokedHostKeys files agree with ssh-keygen -Q', () => {
  it.each(FILES)('%s', async (name, spec) => {
    const file = path.join(dir, name.replace(/\W+/g, '-'));
    const lines = await spec();
    writeFileSync(`${file}.spec`, `${lines.join('\n')}\n`);
    await execa('ssh-keygen', ['-q', '-k', '-f', file, `${file}.spec`]);
    const set = await readRevokedFile(file);
    for (const key of Object.keys(keys)) {
      const oracle = await execa('ssh-keygen', ['-Q', '-f', file, keys[key]!], { reject: false });
      expect([key, isRevoked(set, blob(key))]).toEqual([key, oracle.exitCode === 1]);
    }
  });
});

// ssh-keygen -Q reads KRLs only; ssh itself takes a plain key list too (the e2e compares with ssh)
describe('a plain list of public keys', () => {
  it('revokes exactly the keys it lists, comments and blank lines aside', async () => {
    const file = path.join(dir, 'plain');
    writeFileSync(file, `# revoked\n${pub('ed')}\n\n${pub('rsa')} old laptop\n`);
    const set = await readRevokedFile(file);
    expect(Object.keys(keys).filter((k) => isRevoked(set, blob(k)))).toEqual(['ed', 'rsa']);
  });
});
