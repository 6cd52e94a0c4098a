import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parsePubkeyAcceptedAlgorithms } from '../../../src/ssh/config/algorithms.js';

// The oracle: `ssh -G -o PubkeyAcceptedAlgorithms=V`, less the names isuops cannot sign with
// (certificates, security keys).
const CANNOT = /-cert-v01@openssh\.com$|^sk-|^webauthn-/;
function sshList(value: string): string[] {
  const out = execFileSync('ssh', ['-G', '-o', `PubkeyAcceptedAlgorithms=${value}`, 'a'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const line = out.split('\n').find((l) => l.startsWith('pubkeyacceptedalgorithms '))!;
  return line.slice('pubkeyacceptedalgorithms '.length).split(',').filter((n) => !CANNOT.test(n));
}

describe('parsePubkeyAcceptedAlgorithms agrees with ssh -G', () => {
  it.each(['ssh-rsa', '+ssh-rsa', '-rsa-sha2-512', '^ssh-rsa', 'rsa-sha2-*,ssh-ed25519', 'ssh-ed25519', 'ecdsa-sha2-*', '-ssh-ed25519,ecdsa-*'])('%s', (value) => {
    expect([...parsePubkeyAcceptedAlgorithms(value, 'x')].sort()).toEqual(sshList(value).sort());
  });

  it('a name nobody knows is ssh\'s "Bad key types"', () => {
    expect(() => parsePubkeyAcceptedAlgorithms('bogus-alg', "-o 'PubkeyAcceptedAlgorithms=bogus-alg'")).toThrow("-o 'PubkeyAcceptedAlgorithms=bogus-alg': Bad key types 'bogus-alg'.");
  });
});
