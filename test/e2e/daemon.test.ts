import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execOnHost, ISUOPS_BIN, labArgs, labDir, labHosts, labStartHost, labStopHost, restoreLab, runIsuops } from './helpers.js';

// Every run of this file uses a runtime dir of its own: its own daemon, whatever else runs.
const runtime = mkdtempSync(path.join(os.tmpdir(), 'isuops-daemon-e2e-'));
const env = { XDG_RUNTIME_DIR: runtime, ISUOPS_CONTROL_PERSIST: '' };
const run = (args: string[], extra: Record<string, string> = {}) => runIsuops(args, { env: { ...env, ...extra } });
const lines = (s: string): string[] => s.split('\n').filter(Boolean);

interface Status {
  pid: number;
  socket: string;
  idleMs: number;
  connections: Array<{ user: string; address: string; port: number; jump: string | null; ageMs: number; idleMs: number; channels: number }>;
}

async function status(): Promise<Status | undefined> {
  const r = await run(['daemon', 'status', '--json']);
  return r.exitCode === 0 ? (JSON.parse(r.stdout) as Status) : undefined;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const onHost = async (host: string, cmd: string): Promise<string> => (await execOnHost(host, cmd)).stdout;

beforeAll(async () => {
  await run(['daemon', 'stop']);
});

afterEach(async () => {
  await restoreLab();
});

afterAll(async () => {
  await run(['daemon', 'stop']);
  rmSync(runtime, { recursive: true, force: true });
});

describe('kept connections', () => {
  it('a warm run prints what a cold one prints (text, JSON, exit codes), and the daemon keeps one connection per host', async () => {
    const cmd = ['exec', ...labArgs(), 'hostname; echo err >&2; exit 3'];
    const cold = await run(['exec', '-o', 'ControlPersist=no', ...labArgs(), 'hostname; echo err >&2; exit 3']);
    expect(await status()).toBeUndefined();
    const first = await run(cmd);
    const warm = await run(cmd);
    for (const r of [first, warm]) {
      expect(r.exitCode).toBe(cold.exitCode);
      expect(lines(r.stdout).sort()).toEqual(lines(cold.stdout).sort());
      expect(lines(r.stderr.replace(/ in \d+\.\ds/, '')).sort()).toEqual(lines(cold.stderr.replace(/ in \d+\.\ds/, '')).sort());
    }
    expect(cold.exitCode).toBe(1);
    const json = (r: { stdout: string }) => lines(r.stdout).map((l) => ({ ...JSON.parse(l), durationMs: 0 })).sort((a, b) => a.host.localeCompare(b.host));
    const jcold = await run(['exec', '--json', '-o', 'ControlPersist=no', ...labArgs(), 'hostname']);
    const jwarm = await run(['exec', '--json', ...labArgs(), 'hostname']);
    expect(json(jwarm)).toEqual(json(jcold));
    const st = await status();
    expect(st?.connections.map((c) => `${c.user}@${c.address}:${c.port}`).sort()).toHaveLength(labHosts().length);
  });

  it('a warm run does not load ssh2 in the CLI process', async () => {
    await run(['exec', ...labArgs(), 'true']);
    const hook = path.join(runtime, 'hook.cjs');
    writeFileSync(hook, "process.on('exit', () => process.stderr.write(`ssh2 modules: ${Object.keys(require.cache).filter((p) => /[\\\\/]ssh2[\\\\/]|cpu-features/.test(p)).length}\\n`));\n");
    const warm = await execa('node', ['-r', hook, ISUOPS_BIN, 'exec', ...labArgs(), 'true'], { reject: false, env });
    expect(warm.exitCode).toBe(0);
    expect(warm.stderr).toMatch(/ssh2 modules: 0$/m);
    const cold = await execa('node', ['-r', hook, ISUOPS_BIN, 'exec', '-o', 'ControlPersist=no', ...labArgs(), 'true'], { reject: false, env });
    expect(cold.stderr).toMatch(/ssh2 modules: [1-9]/);
  });

  it('another user, another key or an edited ssh_config gets a connection of its own (daemon status shows it)', async () => {
    await run(['exec', ...labArgs(), '-H', 'isu01', 'true']);
    const count = async () => (await status())!.connections.filter((c) => c.address === labStateAddress('isu01')).length;
    const base = await count();
    const asRoot = await run(['exec', '-F', path.join(labDir(), 'ssh_config'), '-l', 'root', '-H', 'isu01', 'id -un']);
    expect(asRoot.stdout).toBe('isu01: root\n');
    expect((await status())!.connections.some((c) => c.user === 'root' && c.address === labStateAddress('isu01'))).toBe(true);
    expect(await count()).toBe(base + 1);
    const key = path.join(runtime, 'copy_ed25519');
    copyFileSync(path.join(labDir(), 'id_ed25519'), key);
    const otherKey = await run(['exec', '-F', path.join(labDir(), 'ssh_config'), '-i', key, '-H', 'isu01', 'true']);
    expect(otherKey.exitCode).toBe(0);
    expect(await count()).toBe(base + 2);
    const edited = path.join(runtime, 'ssh_config.edited');
    writeFileSync(edited, `${readFileSync(path.join(labDir(), 'ssh_config'), 'utf8')}\nHost isu01\n  ServerAliveCountMax 7\n`);
    expect((await run(['exec', '-F', edited, '-H', 'isu01', 'true'])).exitCode).toBe(0);
    expect(await count()).toBe(base + 3);
    // the same run again reuses what it got
    expect((await run(['exec', '-F', edited, '-H', 'isu01', 'true'])).exitCode).toBe(0);
    expect(await count()).toBe(base + 3);
  });

  it('a kept connection that died (sshd restarted with its sessions) is replaced: the next run succeeds; a host still down is unreachable', async () => {
    await run(['exec', ...labArgs(), 'true']);
    const before = (await status())!.connections.find((c) => c.address === labStateAddress('isu02'))!;
    await labStopHost(labDir(), 'isu02');
    const down = await run(['exec', ...labArgs(), 'hostname']);
    expect(down.exitCode).toBe(255);
    expect(down.stderr).toContain(`isuops: isu02: connection refused by ${labStateAddress('isu02')}:${labResolvedPort('isu02')}`);
    await labStartHost(labDir(), 'isu02');
    const back = await run(['exec', ...labArgs(), 'hostname']);
    expect(back.exitCode).toBe(0);
    expect(lines(back.stdout)).toContain('isu02: isu02');
    const after = (await status())!.connections.find((c) => c.address === labStateAddress('isu02'))!;
    expect(after.ageMs).toBeLessThan(before.ageMs);
  });

  it('more runs at once than sshd allows channels on one connection (10) all complete', async () => {
    await run(['exec', ...labArgs(), '-H', 'isu03', 'true']);
    const runs = await Promise.all(Array.from({ length: 16 }, (_, i) => run(['exec', '-F', path.join(labDir(), 'ssh_config'), '-H', 'isu03', `sleep 0.5; echo run${i}`])));
    runs.forEach((r, i) => {
      expect(r.stderr).not.toMatch(/Channel open failure/);
      expect([r.exitCode, r.stdout]).toEqual([0, `isu03: run${i}\n`]);
    });
  });

  it('Ctrl-C of one run stops only its remote processes; kill -9 of a run gets its channels closed', async () => {
    const cfg = ['-F', path.join(labDir(), 'ssh_config'), '-H', 'isu04'];
    await run(['exec', ...cfg, 'true']);
    const a = execa('node', [ISUOPS_BIN, 'exec', ...cfg, 'sleep 3731; echo a-done'], { reject: false, env });
    const b = execa('node', [ISUOPS_BIN, 'exec', ...cfg, 'sleep 4.732; echo b-done'], { reject: false, env });
    await waitFor('both remote commands', async () => /sleep 3731/.test(await onHost('isu04', 'ps -eo args')) && /sleep 4\.732/.test(await onHost('isu04', 'ps -eo args')));
    a.kill('SIGINT');
    const ra = await a;
    expect(ra.exitCode).toBe(130);
    await waitFor('sleep 3731 gone', async () => !/sleep 373[1]/.test(await onHost('isu04', 'ps -eo args')));
    const rb = await b;
    expect([rb.exitCode, rb.stdout]).toEqual([0, 'isu04: b-done']);

    const c = execa('node', [ISUOPS_BIN, 'exec', ...cfg, 'sleep 3733'], { reject: false, env });
    await waitFor('sleep 3733', async () => /sleep 3733/.test(await onHost('isu04', 'ps -eo args')));
    c.kill('SIGKILL');
    await c;
    await waitFor('sleep 3733 gone after kill -9 of its run', async () => !/sleep 3733/.test(await onHost('isu04', 'ps -eo args')), 8000);
  });

  it('a kept exec forks no watcher on the host: its process group holds only what the command started (sshd takes signal requests)', async () => {
    const cfg = ['-F', path.join(labDir(), 'ssh_config'), '-H', 'isu03'];
    await run(['exec', ...cfg, 'true']);
    // the group sshd made for the session: the login shell (the wrapper), the sleep, the ps
    const r = await run(['exec', ...cfg, 'sleep 0.5 & ps -o pid=,args= -g $$']);
    expect(r.exitCode).toBe(0);
    expect(lines(r.stdout).map((l) => l.replace(/^isu03: +\d+ /, '').split(' ')[0])).toEqual(['bash', 'sleep', 'ps']);
    // a cold run (no daemon: nothing could send the signals) keeps the watcher
    const cold = await run(['exec', '-o', 'ControlPersist=no', ...cfg, 'sleep 0.5 & ps -o pid=,args= -g $$']);
    expect(lines(cold.stdout)).toHaveLength(4);
  });

  it('a kept exec that ignores TERM is KILLed on Ctrl-C; daemon stop under a run stops its remote command', async () => {
    const cfg = ['-F', path.join(labDir(), 'ssh_config'), '-H', 'isu02'];
    await run(['exec', ...cfg, 'true']);
    const a = execa('node', [ISUOPS_BIN, 'exec', ...cfg, "trap '' TERM; sleep 3741; echo not-reached"], { reject: false, env });
    await waitFor('sleep 3741', async () => /sleep 3741/.test(await onHost('isu02', 'ps -eo args')));
    a.kill('SIGINT');
    const ra = await a;
    expect([ra.exitCode, ra.stdout]).toEqual([130, '']);
    await waitFor('sleep 3741 gone', async () => !/sleep 374[1]/.test(await onHost('isu02', 'ps -eo args')), 5000);

    const b = execa('node', [ISUOPS_BIN, 'exec', ...cfg, 'sleep 3742'], { reject: false, env });
    await waitFor('sleep 3742', async () => /sleep 3742/.test(await onHost('isu02', 'ps -eo args')));
    expect((await run(['daemon', 'stop'])).exitCode).toBe(0);
    const rb = await b;
    expect(rb.exitCode).toBe(255);
    await waitFor('sleep 3742 gone after daemon stop', async () => !/sleep 374[2]/.test(await onHost('isu02', 'ps -eo args')), 5000);
  });

  it('a daemon killed with -9 does not break the next run, which starts a new one', async () => {
    await run(['exec', ...labArgs(), 'true']);
    const old = (await status())!;
    process.kill(old.pid, 'SIGKILL');
    const r = await run(['exec', ...labArgs(), 'hostname']);
    expect(r.exitCode).toBe(0);
    expect(lines(r.stdout)).toHaveLength(labHosts().length);
    expect(r.stderr).not.toMatch(/daemon/);
    const fresh = await waitFor('a new daemon', status);
    expect(fresh.pid).not.toBe(old.pid);
  });

  it('socket in a 0700 directory, socket and token 0600; a peer without the token is refused', async () => {
    await run(['exec', ...labArgs(), '-H', 'isu01', 'true']);
    const st = (await status())!;
    expect(statSync(path.dirname(st.socket)).mode & 0o777).toBe(0o700);
    expect(statSync(st.socket).mode & 0o777).toBe(0o600);
    expect(statSync(st.socket.replace(/\.sock$/, '.token')).mode & 0o777).toBe(0o600);
    expect(Buffer.byteLength(st.socket)).toBeLessThan(108);
    // hello with a wrong token, then a status request: the daemon hangs up without answering
    const answer = await new Promise<string>((resolve) => {
      const sock = net.connect(st.socket);
      const frame = (kind: number, id: number, body: string): Buffer => {
        const b = Buffer.from(body);
        const f = Buffer.alloc(9 + b.length);
        f.writeUInt32BE(5 + b.length, 0);
        f.writeUInt8(kind, 4);
        f.writeUInt32BE(id, 5);
        b.copy(f, 9);
        return f;
      };
      let got = '';
      sock.on('data', (d) => (got += d.toString('latin1')));
      sock.on('close', () => resolve(got === '' ? 'closed' : 'answered'));
      sock.on('error', () => {});
      sock.write(Buffer.concat([frame(1, 0, JSON.stringify({ token: 'f'.repeat(64), build: 'x' })), frame(11, 1, '')]));
    });
    expect(answer).toBe('closed');
  });

  it('daemon status: one line per kept connection with its user@address:port; stop ends it; status then exits 1 with one line', async () => {
    await run(['exec', ...labArgs(), 'true']);
    const text = await run(['daemon', 'status']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/^pid \d+\nsocket \/.*\.sock\n/);
    // the port the run connects to, as resolved (22, 2222 when two labs met on an address, the latency proxy's)
    for (const h of labHosts()) expect(text.stdout).toContain(`isucon@${labStateAddress(h)}:${labResolvedPort(h)} `);
    const stop = await run(['daemon', 'stop']);
    expect(stop.exitCode).toBe(0);
    const none = await run(['daemon', 'status']);
    expect(none.exitCode).toBe(1);
    expect(lines(none.stderr)).toHaveLength(1);
    expect(none.stderr).toMatch(/^isuops: no daemon running/);
  });

  it('ControlPersist=no starts no daemon and leaves nothing; a time closes an idle connection, and the daemon ends with the last one', async () => {
    await run(['daemon', 'stop']);
    const r = await run(['exec', '-o', 'ControlPersist=no', ...labArgs(), 'true']);
    expect(r.exitCode).toBe(0);
    expect(await status()).toBeUndefined();
    const viaEnv = await run(['exec', ...labArgs(), 'true'], { ISUOPS_CONTROL_PERSIST: 'no' });
    expect(viaEnv.exitCode).toBe(0);
    expect(await status()).toBeUndefined();
    const kept = await run(['exec', '-o', 'ControlPersist=4', ...labArgs(), 'true']);
    expect(kept.exitCode).toBe(0);
    expect((await status())?.connections).toHaveLength(labHosts().length);
    await waitFor('the daemon to end after its connections idled out', async () => (await status()) === undefined, 20_000);
  });

  it('push and pull go through kept connections (SFTP calls through the daemon)', async () => {
    await run(['exec', ...labArgs(), 'true']);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-daemon-push-'));
    writeFileSync(path.join(dir, 'kept.txt'), 'kept\n');
    const dest = `/tmp/kept-${process.pid}`;
    const push = await run(['push', ...labArgs(), path.join(dir, 'kept.txt'), '--dest', `${dest}/`]);
    expect(push.exitCode).toBe(0);
    expect(lines(push.stdout)).toContain(`isu01: >f+++++++++ ${dest}/kept.txt`);
    const pull = await run(['pull', ...labArgs(), `${dest}/kept.txt`, '--to', path.join(dir, 'pulled')]);
    expect(pull.exitCode).toBe(0);
    for (const h of labHosts()) expect(readFileSync(path.join(dir, 'pulled', h, dest, 'kept.txt'), 'utf8')).toBe('kept\n');
    expect((await status())!.connections.length).toBeGreaterThanOrEqual(labHosts().length);
    rmSync(dir, { recursive: true, force: true });
  });
});

function resolved(host: string): { hostname: string; port: number } {
  const out = execFileSync('node', [ISUOPS_BIN, 'hosts', '-F', path.join(labDir(), 'ssh_config'), '-H', host, '--json'], { encoding: 'utf8' });
  return JSON.parse(out.trim()) as { hostname: string; port: number };
}

function labStateAddress(host: string): string {
  return resolved(host).hostname;
}

function labResolvedPort(host: string): number {
  return resolved(host).port;
}
