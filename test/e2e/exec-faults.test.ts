import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { execOnHost, ISUOPS_BIN, labArgs, labDir, labFreezeHost, labHosts, labPort, labStopHost, restoreLab, runIsuops } from './helpers.js';

const lines = (text: string) => text.split('\n').filter((l) => l !== '');
const cfg = () => ['-F', path.join(labDir(), 'ssh_config')];

/** Processes whose command line contains `needle`, on every lab host (each has its own pid namespace). */
async function remaining(needle: string): Promise<string[]> {
  const found = await Promise.all(
    labHosts().map(async (h) => lines((await execOnHost(h, `ps -eo pid,args | grep -F -- '${needle}' | grep -v grep || true`)).stdout).map((l) => `${h}: ${l}`)),
  );
  return found.flat();
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe('exec faults', () => {
  afterEach(async () => {
    await restoreLab();
  });

  it('a failing command on one host: exit 1, the summary names it', async () => {
    const r = await runIsuops(['exec', ...labArgs(), '[ "$(hostname)" != isu02 ] || exit 3; hostname']);
    expect(r.exitCode).toBe(1);
    expect(lines(r.stdout)).toHaveLength(4);
    expect(r.stderr).toContain('isuops: isu02: exit code 3');
    expect(r.stderr).toContain('isuops: 5 hosts: 4 ok, 1 failed, 0 unreachable, 0 timed out');
    expect(r.stderr).toContain('isuops: failed hosts: isu02\n');
  });

  it('a refused port fails at once and alone: exit 255', async () => {
    await labStopHost(labDir(), 'isu03');
    const started = Date.now();
    const r = await runIsuops(['exec', ...labArgs(), 'hostname']);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.exitCode).toBe(255);
    expect(lines(r.stdout).sort()).toEqual(['isu01: isu01', 'isu02: isu02', 'isu04: isu04', 'isu05: isu05']);
    expect(r.stderr).toMatch(new RegExp(`isuops: isu03: connection refused by 127\\.\\d+\\.\\d+\\.\\d+:${labPort('isu03')}`));
    expect(r.stderr).toContain('1 unreachable');
  });

  it('a host that accepts TCP and never speaks fails alone within --connect-timeout', async () => {
    await labFreezeHost(labDir(), 'isu04');
    const started = Date.now();
    const r = await runIsuops(['exec', ...labArgs(), '--json', '--connect-timeout', '2', 'hostname']);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeLessThan(6000);
    expect(r.exitCode).toBe(255);
    const results = lines(r.stdout).map((l) => JSON.parse(l) as { host: string; status: string; error: string; durationMs: number });
    const silent = results.find((o) => o.host === 'isu04')!;
    expect(silent.status).toBe('unreachable');
    expect(silent.error).toMatch(/^timed out after 2s connecting/);
    // The others were not held up by it: each was done long before the timeout.
    const others = results.filter((o) => o.host !== 'isu04');
    expect(others.map((o) => o.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    for (const o of others) expect(o.durationMs).toBeLessThan(1500);
  });

  it('-t stops the remote process: nothing left in the lab process list', async () => {
    const r = await runIsuops(['exec', ...labArgs(), '-t', '1', 'sleep 3111 & sleep 3112; echo never']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('5 timed out');
    expect(await waitFor(async () => (await remaining('sleep 311')).length === 0, 3000)).toBe(true);
  });

  it('-t with --sudo stops the root-owned process too', async () => {
    const r = await runIsuops(['exec', ...cfg(), '-H', 'isu01,isu02', '--sudo', '-t', '1', 'sleep 3121']);
    expect(r.exitCode).toBe(1);
    expect(await waitFor(async () => (await remaining('sleep 3121')).length === 0, 3000)).toBe(true);
  });

  it('Ctrl-C stops every remote process, prints the summary, exits 130', async () => {
    const child = execa('node', [ISUOPS_BIN, 'exec', ...labArgs(), 'echo started; sleep 3131 & sleep 3132'], { reject: false });
    let seen = '';
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (d: Buffer) => {
        seen += d.toString();
        if (lines(seen).length === 5) resolve();
      });
    });
    expect((await remaining('sleep 313')).length).toBeGreaterThan(0);
    const started = Date.now();
    child.kill('SIGINT');
    const r = await child;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.exitCode).toBe(130);
    expect(String(r.stderr)).toContain('5 interrupted');
    expect(await waitFor(async () => (await remaining('sleep 313')).length === 0, 3000)).toBe(true);
  });

  it('a second Ctrl-C exits at once, even while the first is still stopping remote processes', async () => {
    // The command (run by the login shell itself) prints its parent, the sshd session process; freezing it stalls the connection,
    // so the first Ctrl-C cannot finish its remote kill.
    const child = execa('node', [ISUOPS_BIN, 'exec', ...cfg(), '-H', 'isu05', 'echo $PPID; sleep 3151'], { reject: false });
    const sessionPid = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().split(': ')[1]))));
    await execOnHost('isu05', `kill -STOP ${sessionPid}`);
    try {
      child.kill('SIGINT');
      await new Promise((r) => setTimeout(r, 500));
      expect(child.exitCode).toBeNull();
      const started = Date.now();
      child.kill('SIGINT');
      const r = await child;
      expect(Date.now() - started).toBeLessThan(1000);
      expect(r.exitCode).toBe(130);
    } finally {
      await execOnHost('isu05', `kill -CONT ${sessionPid}`);
    }
    // Once the session thaws, the dropped channel's stdin closes and the wrapper kills the rest.
    expect(await waitFor(async () => (await remaining('sleep 3151')).length === 0, 5000)).toBe(true);
  });

  it('a dropped connection ends the remote command (no orphan), the host is unreachable', async () => {
    const child = execa('node', [ISUOPS_BIN, 'exec', ...cfg(), '-H', 'isu02', 'echo started; sleep 3141'], { reject: false });
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    // Kill every sshd session process of isu02's connection, as a network drop would end it.
    await execOnHost('isu02', "pkill -KILL -f 'sshd: isucon' || true");
    const r = await child;
    expect(r.exitCode).toBe(255);
    expect(String(r.stderr)).toContain('isu02: connection lost');
    expect(await waitFor(async () => (await remaining('sleep 3141')).length === 0, 3000)).toBe(true);
  });
});

describe('host keys and auth', () => {
  function labConfigWith(replace: (text: string) => string): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-cfg-'));
    const file = path.join(dir, 'ssh_config');
    writeFileSync(file, replace(readFileSync(path.join(labDir(), 'ssh_config'), 'utf8')));
    return file;
  }

  it('a changed host key is refused with file:line and the new fingerprint; the command never runs there', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-kh-'));
    const known = readFileSync(path.join(labDir(), 'known_hosts'), 'utf8').split('\n');
    const other = (await execa('sh', ['-c', `ssh-keygen -q -t ed25519 -N '' -f ${dir}/k && cut -d' ' -f1,2 ${dir}/k.pub`])).stdout.trim();
    // the line a run checks: `isu02,...` at port 22, `[isu02]:PORT,...` at another (2222, the latency proxy's)
    const port = labPort('isu02');
    const index = known.findIndex((l) => l.startsWith(port === 22 ? 'isu02,' : `[isu02]:${port},`));
    known[index] = `${known[index].split(' ')[0]} ${other}`;
    writeFileSync(path.join(dir, 'known_hosts'), known.join('\n'));
    const config = labConfigWith((t) => t.replaceAll(path.join(labDir(), 'known_hosts'), path.join(dir, 'known_hosts')));
    await execOnHost('isu02', 'rm -f /tmp/keytest');
    const r = await runIsuops(['exec', '-F', config, '-f', path.join(labDir(), 'hosts.txt'), 'touch /tmp/keytest; hostname']);
    expect(r.exitCode).toBe(255);
    expect(lines(r.stdout)).toHaveLength(4);
    const fingerprint = (await execa('ssh-keygen', ['-lf', `${labDir()}/hosts/isu02/ssh_host_ed25519_key.pub`], { reject: false })).stdout.split(' ')[1];
    expect(r.stderr).toMatch(new RegExp(`isu02: host key for .* has changed \\(${dir}/known_hosts:${index + 1} .*server sent ssh-ed25519 SHA256:`));
    if (fingerprint) expect(r.stderr).toContain(fingerprint);
    expect((await execOnHost('isu02', 'test -e /tmp/keytest && echo yes || echo no')).stdout.trim()).toBe('no');
  });

  it.each([
    ['yes', 255, 0],
    ['accept-new', 0, 5],
  ])('StrictHostKeyChecking %s with an empty known_hosts: exit %i, %i lines added', async (mode, code, added) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-kh-'));
    const known = path.join(dir, 'known_hosts');
    const config = labConfigWith((t) => t.replaceAll(path.join(labDir(), 'known_hosts'), known).replace(/StrictHostKeyChecking \S+/, `StrictHostKeyChecking ${mode}`));
    const r = await runIsuops(['exec', '-F', config, '-f', path.join(labDir(), 'hosts.txt'), 'hostname']);
    expect(r.exitCode).toBe(code);
    let text = '';
    try {
      text = readFileSync(known, 'utf8');
    } catch {}
    expect(lines(text)).toHaveLength(added);
    if (added) {
      // The OpenSSH client accepts what isuops wrote.
      const ssh = await execa('ssh', ['-F', config, '-o', 'StrictHostKeyChecking=yes', 'isu01', 'hostname'], { reject: false });
      expect(ssh.stdout).toBe('isu01');
    }
  });

  it('a refused key: "permission denied (publickey)" for that host, exit 255, the others complete', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-key-'));
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', `${dir}/wrong`]);
    const config = labConfigWith((t) => t.replace('Host isu*', `Host isu03\n  IdentityFile ${dir}/wrong\n\nHost isu*`));
    // IdentityFile accumulates: give isu03 only the wrong key through its own config block.
    const onlyWrong = labConfigWith((t) => t.replace(/IdentityFile .*/, `IdentityFile ${dir}/wrong`).replace('Host isu*', 'Host isu03\n  User isucon\n\nHost isu*'));
    void config;
    const r = await runIsuops(['exec', '-F', onlyWrong, '-H', 'isu03', 'hostname']);
    expect(r.exitCode).toBe(255);
    expect(r.stderr).toContain('isuops: isu03: permission denied (publickey) for isucon@');
    const mixed = await runIsuops(['exec', '-F', path.join(labDir(), 'ssh_config'), '-H', 'isu01,isu02', '-i', `${dir}/wrong`, 'hostname']);
    // -i adds a key before the config's: the right one is still tried after it.
    expect(mixed.exitCode).toBe(0);
  });

  it('an encrypted key: one clear line without a TTY; on a TTY the passphrase is asked once for all hosts', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-enc-'));
    const key = path.join(dir, 'enc');
    writeFileSync(key, readFileSync(path.join(labDir(), 'id_ed25519')), { mode: 0o600 });
    await execa('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'sekrit', '-f', key]);
    const config = labConfigWith((t) => t.replace(/IdentityFile .*/, `IdentityFile ${key}`));
    const noTty = await runIsuops(['exec', '-F', config, '-H', 'isu01,isu02', 'hostname']);
    expect(noTty.exitCode).toBe(255);
    expect(noTty.stderr).toContain(`isuops: isu01: identity ${key} is encrypted and there is no TTY to ask for its passphrase: add it to ssh-agent (ssh-add ${key})`);
    // script(1) gives isuops a pseudo-terminal; the passphrase is typed on it.
    const tty = await execa('script', ['-qec', `node ${ISUOPS_BIN} exec --color never -F ${config} -H isu01,isu02,isu03 hostname`, '/dev/null'], { input: 'sekrit\n', reject: false });
    expect(tty.exitCode).toBe(0);
    expect(String(tty.stdout).match(/Enter passphrase for key/g)).toHaveLength(1);
    for (const h of ['isu01', 'isu02', 'isu03']) expect(String(tty.stdout)).toMatch(new RegExp(`${h}: ${h}`));
  });

  it('ssh-agent: the key in the agent is used when the config names none', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-agent-'));
    const sock = path.join(dir, 'agent.sock');
    const agent = await execa('ssh-agent', ['-a', sock]);
    const pid = /SSH_AGENT_PID=(\d+)/.exec(agent.stdout)?.[1];
    try {
      await execa('ssh-add', [path.join(labDir(), 'id_ed25519')], { env: { SSH_AUTH_SOCK: sock } });
      const config = labConfigWith((t) => t.replace(/\s*IdentityFile .*/, '').replace(/\s*IdentitiesOnly .*/, ''));
      const fakeHome = mkdtempSync(path.join(os.tmpdir(), 'isuops-home-'));
      const withAgent = await runIsuops(['exec', '-F', config, '-H', 'isu01', '-i', `${fakeHome}/none`, 'hostname'], { env: { SSH_AUTH_SOCK: sock } });
      expect(withAgent.stdout).toBe('isu01: isu01\n');
      expect(withAgent.exitCode).toBe(0);
      const without = await runIsuops(['exec', '-F', config, '-H', 'isu01', '-i', `${fakeHome}/none`, 'hostname'], { env: { SSH_AUTH_SOCK: '' } });
      expect(without.exitCode).toBe(255);
      // IdentitiesOnly yes: only the identity files are offered, not the agent's key.
      const only = await runIsuops(['exec', '-F', config, '-H', 'isu01', '-o', 'IdentitiesOnly=yes', '-i', `${fakeHome}/none`, 'hostname'], { env: { SSH_AUTH_SOCK: sock } });
      expect(only.exitCode).toBe(255);
      expect(only.stderr).toMatch(/isu01: no identity to offer|isu01: permission denied/);
    } finally {
      if (pid) process.kill(Number(pid));
    }
  });
});

describe('a reader that goes away', () => {
  it.each([
    ['exec', (args: string[]) => ['exec', ...args, 'seq 1 100000000'], 'seq 1 100000000'],
    ['tail', (args: string[]) => ['tail', ...args, '-n', '1', '/etc/hostname'], 'tail -F'],
  ])('%s | head -1: one line, then exit 130 without a trace; nothing left running on any host', async (_name, argv, needle) => {
    const quoted = [ISUOPS_BIN, ...argv(labArgs())].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const started = Date.now();
    const r = await execa('bash', ['-c', `${quoted} | head -1; echo "exit \${PIPESTATUS[0]}" >&2`], { reject: false, timeout: 20_000 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(lines(r.stdout)).toHaveLength(1);
    expect(r.stderr).toMatch(/exit 130$/);
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(await waitFor(async () => (await remaining(needle)).length === 0, 3000)).toBe(true);
  });
});

describe('usage errors', () => {
  it.each([
    [['exec', '-p', '0', '-H', 'isu01', 'true'], /--parallel must be a whole number/],
    [['exec', '-H', 'isu[05-01]', 'true'], /isu\[05-01\]/],
    [['exec', '-f', '/nonexistent/hosts', 'true'], /\/nonexistent\/hosts/],
    [['exec', '-F', '/nonexistent/config', '-H', 'isu01', 'true'], /ssh config \/nonexistent\/config: no such file/],
    [['exec', '-H', 'isu01', '-o', 'nonsense', 'true'], /Key=Value/],
    [['exec', '-H', 'isu01', '--color', 'pink', 'true'], /pink/],
    [['frobnicate'], /unknown command/],
  ])('%j exits 2 with one line', async (args, message) => {
    const r = await runIsuops(args, { cwd: os.tmpdir() });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('no hosts given: names the places looked at', async () => {
    const r = await runIsuops(['exec', 'true'], { cwd: mkdtempSync(path.join(os.tmpdir(), 'isuops-empty-')), env: { ISUOPS_HOSTS: '' } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/no hosts given: .*-f FILE.*-H.*ISUOPS_HOSTS.*hosts\.txt/);
  });
});

describe('hosts', () => {
  it('prints the resolved list without connecting', async () => {
    const r = await runIsuops(['hosts', '-F', path.join(labDir(), 'ssh_config'), '-H', 'isu01,root@isu02:2222,nosuchhost.invalid']);
    expect(r.exitCode).toBe(0);
    const rows = lines(r.stdout).map((l) => l.split(/\s+/));
    expect(rows[0]).toEqual(['NAME', 'USER', 'HOSTNAME', 'PORT', 'JUMP']);
    expect(rows[1]).toEqual(['isu01', 'isucon', expect.stringMatching(/^127\.\d+\.\d+\.1$/), String(labPort('isu01')), '-']);
    expect(rows[2]).toEqual(['root@isu02:2222', 'root', expect.stringMatching(/^127\.\d+\.\d+\.2$/), '2222', '-']);
    expect(rows[3]).toEqual(['nosuchhost.invalid', os.userInfo().username, 'nosuchhost.invalid', '22', '-']);
  });
});
