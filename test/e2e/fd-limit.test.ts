import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { ISUOPS_BIN, labDir, labState } from './helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-fd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An ssh_config and hosts file of `n` names spread over the lab's hosts (each its own connection). */
function manyHosts(n: number): { config: string; hosts: string } {
  const lab = labDir();
  const addresses = labState().hosts.map((h) => h.address);
  const names = Array.from({ length: n }, (_, i) => `fd${String(i + 1).padStart(3, '0')}`);
  const config = path.join(dir, `many-${n}.conf`);
  writeFileSync(config, [
    ...names.flatMap((name, i) => [`Host ${name}`, `  HostName ${addresses[i % addresses.length]}`]),
    'Host fd*', '  User isucon', `  IdentityFile ${lab}/id_ed25519`, '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${lab}/known_hosts`, '  StrictHostKeyChecking yes', '',
  ].join('\n'));
  const hosts = path.join(dir, `many-${n}.txt`);
  writeFileSync(hosts, `${names.join('\n')}\n`);
  return { config, hosts };
}

describe('running out of file descriptors', () => {
  it('is a local error naming the limit, not "unreachable" with a raw message', async () => {
    const args = ['exec', '-F', path.join(labDir(), 'ssh_config'), '-f', path.join(labDir(), 'hosts.txt'), 'true'];
    // 20 descriptors: Node itself and the first connection take them all
    const r = await execa('sh', ['-c', `ulimit -n 20; exec node ${ISUOPS_BIN} ${args.join(' ')}`], { reject: false, env: { ISUOPS_CONTROL_PERSIST: 'no' } });
    const errors = r.stderr.split('\n').filter((l) => /^isuops: isu0\d: /.test(l));
    expect(errors.length).toBeGreaterThan(0);
    for (const line of errors) expect(line).toMatch(/^isuops: isu0\d: out of file descriptors on this machine \(EMFILE: too many open files\) connecting to [0-9.]+:22: lower -p, or raise the limit \(ulimit -n\)$/);
    expect(r.stderr).toContain(' 0 unreachable');
    expect(r.exitCode).toBe(1);
  });

  // Node raises its soft limit to the hard one as it starts (node.cc, PlatformInit), before any
  // of isuops runs, and so does the daemon it starts: a low soft limit alone costs nothing.
  it.each(['no', 'yes'])('a low soft limit (ulimit -Sn 40) with 60 hosts at once: every host connects (ControlPersist %s); a low hard limit fails hosts as a local error', async (persist) => {
    const { config, hosts } = manyHosts(60);
    // a daemon of its own (its runtime dir): one started under a low hard limit keeps it
    const runtime = path.join(dir, `run-${persist}`);
    mkdirSync(runtime, { mode: 0o700 });
    const env = { ISUOPS_CONTROL_PERSIST: persist, XDG_RUNTIME_DIR: runtime };
    const run = (limit: string) => execa('sh', ['-c', `${limit}; exec node "$0" exec -F "$1" -f "$2" -p 60 true`, ISUOPS_BIN, config, hosts], { reject: false, env });
    const soft = await run('ulimit -Sn 40');
    expect(soft.stderr).toContain('60 hosts: 60 ok, 0 failed, 0 unreachable');
    expect(soft.exitCode).toBe(0);
    await execa('node', [ISUOPS_BIN, 'daemon', 'stop'], { reject: false, env });
    const hard = await run('ulimit -n 40');
    expect(hard.stderr).toMatch(/^isuops: fd\d+: .*out of file descriptors on this machine/m);
    expect(hard.stderr).toContain(' 0 unreachable');
    expect(hard.exitCode).toBe(1);
    await execa('node', [ISUOPS_BIN, 'daemon', 'stop'], { reject: false, env });
  });
});
