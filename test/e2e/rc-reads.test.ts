import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execOnHost, ISUOPS_BIN, labArgs, labHosts, runIsuops, runSsh } from './helpers.js';

// The login user's ~/.bashrc logs every read (one line per read) and defines a function. Debian's
// bash reads it for a command run by sshd (SSH_SOURCE_BASHRC, when SHLVL < 2): `ssh HOST CMD`
// reads it once, and every isuops command must cost the same, with the function there for exec.
const RC = 'echo "$$ $SHLVL" >>"$HOME/.rc-reads"\nrcfn() { echo "rcfn-ok $(hostname)"; }\n';
const hosts = labHosts();

async function onEveryHost(cmd: string): Promise<string[]> {
  return Promise.all(hosts.map(async (h) => (await execOnHost(h, cmd)).stdout));
}
/** How often each host's login user read ~/.bashrc since the last reset. */
async function reads(): Promise<number[]> {
  return (await onEveryHost('cat /home/isucon/.rc-reads 2>/dev/null; true')).map((out) => out.split('\n').filter((l) => l !== '').length);
}
const once = hosts.map(() => 1);

beforeAll(async () => {
  await onEveryHost(`printf '%s' '${RC.replace(/'/g, `'\\''`)}' >/home/isucon/.bashrc && chown isucon: /home/isucon/.bashrc`);
});
beforeEach(async () => {
  await onEveryHost('rm -f /home/isucon/.rc-reads');
});
afterAll(async () => {
  await onEveryHost('rm -f /home/isucon/.bashrc /home/isucon/.rc-reads');
});

describe('the login shell reads its rc file once per command, as `ssh HOST CMD` does', () => {
  it('oracle: ssh HOST CMD reads it once, and the function is there', async () => {
    const r = await Promise.all(hosts.map((h) => runSsh(h, 'rcfn')));
    expect(r.map((x) => x.stdout)).toEqual(hosts.map((h) => `rcfn-ok ${h}\n`));
    expect(await reads()).toEqual(once);
  });

  it.each([
    ['exec', ['exec', 'rcfn']],
    ['exec -b', ['exec', '-b', 'rcfn']],
    ['exec --json', ['exec', '--json', 'rcfn']],
    ['exec -t (not reached)', ['exec', '-t', '20', 'rcfn']],
  ])('%s: the function works, one read', async (_, args) => {
    const r = await runIsuops([...args.slice(0, -1), ...labArgs(), args.at(-1)!]);
    expect(r.exitCode).toBe(0);
    for (const h of hosts) expect(r.stdout).toContain(`rcfn-ok ${h}`);
    expect(await reads()).toEqual(once);
  });

  it('exec -I: the function works with the forwarded stdin, one read', async () => {
    const r = await runIsuops(['exec', '-I', ...labArgs(), 'rcfn; cat'], { input: 'from-stdin\n' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.endsWith('from-stdin')).length).toBe(hosts.length);
    expect(await reads()).toEqual(once);
  });

  it('exec -t that fires: the command is stopped, still one read', async () => {
    const r = await runIsuops(['exec', '-t', '1', ...labArgs(), 'sleep 30 # isuops-rc-timeout']);
    expect(r.exitCode).toBe(1);
    expect(await reads()).toEqual(once);
    const left = await onEveryHost("ps -eo args | grep -c '[i]suops-rc-timeout'; true");
    expect(left.map((n) => n.trim())).toEqual(hosts.map(() => '0'));
  });

  it('exec --sudo: the login user reads it once, as with `ssh HOST sudo ...`', async () => {
    const oracle = await Promise.all(hosts.map((h) => runSsh(h, 'sudo -n true')));
    expect(oracle.map((x) => x.exitCode)).toEqual(hosts.map(() => 0));
    expect(await reads()).toEqual(once);
    await onEveryHost('rm -f /home/isucon/.rc-reads');
    const r = await runIsuops(['exec', '--sudo', ...labArgs(), 'id -u']);
    expect([r.exitCode, r.stdout.split('\n').filter((l) => l.endsWith(': 0')).length]).toEqual([0, hosts.length]);
    expect(await reads()).toEqual(once);
  });

  it('tail until Ctrl-C: one read', async () => {
    await onEveryHost('echo first >/var/log/isuops-rc.log');
    const child = execa('node', [ISUOPS_BIN, 'tail', ...labArgs(), '/var/log/isuops-rc.log'], { reject: false, stdin: 'ignore', buffer: false });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 200 && out.split('\n').filter((l) => l.endsWith(': first')).length < hosts.length; i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    expect((await child).exitCode).toBe(130);
    expect(await reads()).toEqual(once);
  });

  it('push --then: the function works in --then; one read (the files go over SFTP)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-rc-push-'));
    writeFileSync(path.join(dir, 'f'), `${Date.now()}\n`);
    const r = await runIsuops(['push', ...labArgs(), path.join(dir, 'f'), '--dest', '/tmp/isuops-rc-pushed', '--then', 'rcfn']);
    rmSync(dir, { recursive: true, force: true });
    expect(r.exitCode).toBe(0);
    for (const h of hosts) expect(r.stdout).toContain(`rcfn-ok ${h}`);
    expect(await reads()).toEqual(once);
  });

  it('pull: one read (the scan), the files over SFTP', async () => {
    const to = mkdtempSync(path.join(os.tmpdir(), 'isuops-rc-pull-'));
    const r = await runIsuops(['pull', ...labArgs(), '/etc/hostname', '--to', to]);
    rmSync(to, { recursive: true, force: true });
    expect(r.exitCode).toBe(0);
    expect(await reads()).toEqual(once);
  });
});
