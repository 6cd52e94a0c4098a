import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDir, labState, runIsuops } from './helpers.js';

// A real ssh-agent holding an encrypted key, against the lab; `ssh` with the same files is the oracle.
let dir: string;
let authorized: string;
let before: string;
let agentPid: number | undefined;
let sock: string;
const PASS = 'correct horse';

function config(identitiesOnly: 'yes' | 'no', key: string): string {
  const host = labState().hosts[0]!;
  const file = path.join(dir, `config-${identitiesOnly}-${path.basename(key)}`);
  writeFileSync(file, [
    `Host ${host.name}`,
    `  HostName ${host.address}`,
    `  Port ${host.port}`,
    '  User isucon',
    `  IdentityFile ${key}`,
    `  IdentitiesOnly ${identitiesOnly}`,
    `  UserKnownHostsFile ${path.join(labDir(), 'known_hosts')}`,
    '  StrictHostKeyChecking yes',
    '',
  ].join('\n'));
  return file;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-agent-'));
  for (const name of ['enc', 'enc-nopub']) {
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASS, '-C', `isuops-agent-test-${name}`, '-f', path.join(dir, name)]);
  }
  authorized = path.join(labDir(), 'authorized_keys');
  before = readFileSync(authorized, 'utf8');
  for (const name of ['enc', 'enc-nopub']) appendFileSync(authorized, readFileSync(path.join(dir, `${name}.pub`)));
  // the second key is known by the clear public part of its private key file alone
  rmSync(path.join(dir, 'enc-nopub.pub'));
  sock = path.join(dir, 'agent.sock');
  const agent = await execa('ssh-agent', ['-a', sock, '-s']);
  agentPid = Number(/SSH_AGENT_PID=(\d+)/.exec(agent.stdout)?.[1]);
  const askpass = path.join(dir, 'askpass');
  writeFileSync(askpass, `#!/bin/sh\necho '${PASS}'\n`);
  chmodSync(askpass, 0o700);
  for (const name of ['enc', 'enc-nopub']) {
    await execa('ssh-add', [path.join(dir, name)], { env: { SSH_AUTH_SOCK: sock, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' }, stdin: 'ignore' });
  }
});

afterAll(() => {
  writeFileSync(authorized, before);
  if (agentPid) process.kill(agentPid);
  rmSync(dir, { recursive: true, force: true });
});

describe('an encrypted key whose key is in ssh-agent', () => {
  const cases: Array<[string, 'yes' | 'no', string]> = [
    ['IdentitiesOnly no, FILE.pub', 'no', 'enc'],
    ['IdentitiesOnly yes, FILE.pub', 'yes', 'enc'],
    ['IdentitiesOnly yes, the key file\'s own public part', 'yes', 'enc-nopub'],
  ];
  it.each(cases)('%s: signs through the agent, like ssh', async (_what, only, key) => {
    const file = config(only, path.join(dir, key));
    const host = labState().hosts[0]!.name;
    const env = { SSH_AUTH_SOCK: sock };
    const ssh = await execa('ssh', ['-F', file, '-o', 'BatchMode=yes', host, 'hostname'], { env, reject: false, stdin: 'ignore' });
    expect(ssh.exitCode, ssh.stderr).toBe(0);
    const r = await runIsuops(['exec', '-F', file, '-H', host, 'hostname'], { env });
    expect(r.stdout).toBe(`${host}: ${ssh.stdout.trim()}\n`);
    expect(r.stderr).not.toContain('encrypted');
    expect(r.exitCode).toBe(0);
  });

  it('without the agent it still fails with the ssh-add hint (no TTY)', async () => {
    const file = config('yes', path.join(dir, 'enc'));
    const host = labState().hosts[0]!.name;
    const r = await runIsuops(['exec', '-F', file, '-H', host, 'hostname'], { env: { SSH_AUTH_SOCK: '' } });
    expect(r.stderr).toContain(`is encrypted and there is no TTY to ask for its passphrase: add it to ssh-agent (ssh-add ${path.join(dir, 'enc')})`);
    expect(r.exitCode).toBe(255);
  });
});

describe('a stale SSH_AUTH_SOCK (the agent is gone)', () => {
  it('warns once and logs in with the key files on every host', async () => {
    const lab = path.join(labDir(), 'ssh_config');
    const file = path.join(dir, 'no-identities-only');
    writeFileSync(file, readFileSync(lab, 'utf8').replace(/IdentitiesOnly yes/g, 'IdentitiesOnly no'));
    const gone = path.join(dir, 'gone.sock');
    const ssh = await execa('ssh', ['-F', file, '-o', 'BatchMode=yes', 'isu01', 'true'], { env: { SSH_AUTH_SOCK: gone }, reject: false, stdin: 'ignore' });
    expect(ssh.exitCode, ssh.stderr).toBe(0);
    const r = await runIsuops(['exec', '-F', file, '-f', path.join(labDir(), 'hosts.txt'), 'true'], { env: { SSH_AUTH_SOCK: gone } });
    const warnings = r.stderr.split('\n').filter((l) => l.includes('ssh-agent'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^isuops: isu0\\d: warning: ssh-agent at ${gone} is not reachable \\(no such socket\\): using the key files$`));
    expect(r.stderr).toContain('5 ok');
    expect(r.exitCode).toBe(0);
  });
});
