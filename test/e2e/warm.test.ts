import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPARES } from '../../src/warm/refill.js';
import { execOnHost, ISUOPS_BIN, labArgs, labDir, labHosts, runIsuops } from './helpers.js';

// The warm worker path (src/warm/): a run that a worker of the daemon takes shows exactly what a
// run in the client (ISUOPS_WARM=no) shows. This file has a daemon of its own.
const runtime = mkdtempSync(path.join(os.tmpdir(), 'isuops-warm-e2e-'));
const env = { XDG_RUNTIME_DIR: runtime, ISUOPS_CONTROL_PERSIST: '', ISUOPS_WARM: '' };
const debugEnv = { ...env, NODE_DEBUG: 'isuops' };
const here = { ...env, ISUOPS_WARM: 'no' };
const lines = (s: string): string[] => s.split('\n').filter(Boolean);
const usedWorker = (stderr: string): boolean => /warm: run by worker pid \d+/.test(stderr);
const withoutDebug = (stderr: string): string => lines(stderr).filter((l) => !/^[A-Z]+ \d+: /.test(l)).join('\n');
const sameTimes = (s: string): string => s.replace(/ in \d+\.\ds/g, ' in T');
const onHost = async (host: string, cmd: string): Promise<string> => (await execOnHost(host, cmd)).stdout;

async function waitFor(what: string, fn: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Warm = { ready: number; booting: number; runs: number };

async function warmStatus(): Promise<Warm | undefined> {
  const r = await runIsuops(['daemon', 'status', '--json'], { env });
  return r.exitCode === 0 ? (JSON.parse(r.stdout) as { warm?: Warm }).warm : undefined;
}

async function warm(): Promise<Warm> {
  let w: Warm = { ready: 0, booting: 0, runs: 0 };
  await waitFor('a warm worker ready', async () => {
    const r = await runIsuops(['daemon', 'status', '--json'], { env });
    w = r.exitCode === 0 ? ((JSON.parse(r.stdout) as { warm?: typeof w }).warm ?? w) : w;
    return w.ready > 0;
  });
  return w;
}

beforeAll(async () => {
  // kept connections to every host, and a spare worker
  await runIsuops(['exec', ...labArgs(), 'true'], { env });
  await warm();
});

afterAll(async () => {
  await runIsuops(['daemon', 'stop'], { env });
  rmSync(runtime, { recursive: true, force: true });
});

describe('warm workers', () => {
  it.each([
    ['success', ['exec', ...labArgs(), 'hostname; echo to-stderr >&2'], 0],
    ['failure', ['exec', ...labArgs(), 'hostname; exit 3'], 1],
    ['--json', ['exec', '--json', ...labArgs(), 'echo out; echo err >&2; exit 2'], 1],
    ['-b', ['exec', '-b', ...labArgs(), 'echo same'], 0],
    ['a usage error', ['exec', ...labArgs(), '--no-such-flag', 'true'], 2],
    ['an empty command', ['exec', ...labArgs(), ' '], 2],
  ])('%s: the same bytes and exit code as a run without a worker, and a worker ran it', async (_what, args, code) => {
    await warm();
    const viaWorker = await runIsuops(args, { env: debugEnv });
    const inClient = await runIsuops(args, { env: here });
    expect(usedWorker(viaWorker.stderr)).toBe(true);
    expect(viaWorker.exitCode).toBe(code);
    expect(inClient.exitCode).toBe(code);
    const norm = (s: string): string => lines(sameTimes(s)).map((l) => l.replace(/"durationMs":\d+/, '')).sort().join('\n');
    expect(norm(viaWorker.stdout)).toBe(norm(inClient.stdout));
    expect(norm(withoutDebug(viaWorker.stderr))).toBe(norm(inClient.stderr));
  });

  it('NODE_DEBUG=isuops of the run reaches the worker (whose daemon started without it): its own lines come, with its pid', async () => {
    await warm();
    const r = await runIsuops(['exec', ...labArgs(), 'true'], { env: debugEnv });
    const pid = /warm: run by worker pid (\d+)/.exec(r.stderr)?.[1];
    expect(pid).toBeDefined();
    expect(lines(r.stderr)).toContain(`ISUOPS ${pid}: hosts: ${labHosts().length} selected of ${labHosts().length}`);
    // and a run without it gets none of the worker's
    await warm();
    expect(lines((await runIsuops(['exec', ...labArgs(), 'true'], { env })).stderr).filter((l) => /^ISUOPS /.test(l))).toEqual([]);
  });

  it('unreachable (255): a host with no kept connection makes the client run it itself, with the same output', async () => {
    await warm();
    const args = ['exec', '-F', path.join(labDir(), 'ssh_config'), '-H', 'isu01', '--port', '1', 'hostname'];
    const viaWarm = await runIsuops(args, { env: debugEnv });
    const inClient = await runIsuops(args, { env: here });
    expect(viaWarm.exitCode).toBe(255);
    expect(inClient.exitCode).toBe(255);
    expect(viaWarm.stderr).toMatch(/warm: running here \(a host has no kept connection yet\)/);
    expect(usedWorker(viaWarm.stderr)).toBe(false);
    expect(sameTimes(viaWarm.stdout)).toBe(sameTimes(inClient.stdout));
    expect(sameTimes(withoutDebug(viaWarm.stderr))).toBe(sameTimes(withoutDebug(inClient.stderr)));
  });

  it('exec -I: stdin is relayed to the worker; daemon status counts the runs it served', async () => {
    const before = await warm();
    const input = 'line one\nline two\n';
    const r = await runIsuops(['exec', '-I', ...labArgs(), 'cat'], { env: debugEnv, input });
    expect(usedWorker(r.stderr)).toBe(true);
    expect(r.exitCode).toBe(0);
    expect(lines(r.stdout).sort()).toEqual(labHosts().flatMap((h) => [`${h}: line one`, `${h}: line two`]).sort());
    const after = await runIsuops(['daemon', 'status', '--json'], { env });
    expect((JSON.parse(after.stdout) as { warm: { runs: number } }).warm.runs).toBeGreaterThan(before.runs);
    expect((await runIsuops(['daemon', 'status'], { env })).stdout).toMatch(/^warm workers \d+ ready, \d+ runs served$/m);
  });

  it('ControlPersist=no (environment, -o or ssh_config) never uses a worker', async () => {
    await warm();
    const viaEnv = await runIsuops(['exec', ...labArgs(), 'true'], { env: { ...debugEnv, ISUOPS_CONTROL_PERSIST: 'no' } });
    const viaOption = await runIsuops(['exec', '-o', 'ControlPersist=no', ...labArgs(), 'true'], { env: debugEnv });
    for (const r of [viaEnv, viaOption]) {
      expect(r.exitCode).toBe(0);
      expect(r.stderr).not.toMatch(/warm:/);
    }
    const cfg = path.join(runtime, 'ssh_config');
    writeFileSync(cfg, `Host *\n  ControlPersist no\nInclude ${path.join(labDir(), 'ssh_config')}\n`);
    const viaConfig = await runIsuops(['exec', '-F', cfg, '-f', path.join(labDir(), 'hosts.txt'), 'true'], { env: debugEnv });
    expect(viaConfig.exitCode).toBe(0);
    expect(viaConfig.stderr).toMatch(/warm: running here \(ControlPersist no\)/);
    expect(usedWorker(viaConfig.stderr)).toBe(false);
  });

  it('Ctrl-C of a client: 130, the summary, and the remote process stops; a second run meanwhile works', async () => {
    await warm();
    const cfg = ['-F', path.join(labDir(), 'ssh_config'), '-H', 'isu02'];
    const a = execa('node', [ISUOPS_BIN, 'exec', ...cfg, 'sleep 3741'], { reject: false, env: debugEnv });
    await waitFor('sleep 3741', async () => /sleep 3741/.test(await onHost('isu02', 'ps -eo args')));
    // the worker is busy: another run still works (another spare, or in its client)
    const b = await runIsuops(['exec', ...cfg, 'hostname'], { env });
    expect([b.exitCode, b.stdout]).toEqual([0, 'isu02: isu02\n']);
    a.kill('SIGINT');
    const ra = await a;
    expect(usedWorker(String(ra.stderr))).toBe(true);
    expect(ra.exitCode).toBe(130);
    expect(String(ra.stderr)).toMatch(/isuops: interrupted: stopping remote processes/);
    expect(String(ra.stderr)).toMatch(/isuops: 1 host: .* in \d/);
    await waitFor('sleep 3741 gone', async () => !/sleep 374[1]/.test(await onHost('isu02', 'ps -eo args')));
  });

  it('a used spare is replaced once the daemon has been quiet for ISUOPS_WARM_QUIET_MS, not right after a run', async () => {
    // a daemon of its own, whose spares wait 3 s of quiet
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-warm-quiet-'));
    const qenv = { ...env, XDG_RUNTIME_DIR: dir, ISUOPS_WARM_QUIET_MS: '3000' };
    const status = async (): Promise<Warm | undefined> => {
      const r = await runIsuops(['daemon', 'status', '--json'], { env: qenv });
      return r.exitCode === 0 ? (JSON.parse(r.stdout) as { warm?: Warm }).warm : undefined;
    };
    const full = async (): Promise<boolean> => {
      const w = await status();
      return w !== undefined && w.booting === 0 && w.ready === SPARES;
    };
    try {
      expect((await runIsuops(['exec', ...labArgs(), 'true'], { env: qenv })).exitCode).toBe(0);
      await waitFor('every spare booted', full, 30_000);
      const r = await runIsuops(['exec', '-F', path.join(labDir(), 'ssh_config'), '-H', 'isu05', 'hostname'], { env: { ...qenv, NODE_DEBUG: 'isuops' } });
      expect(usedWorker(r.stderr)).toBe(true);
      const ended = Date.now();
      // right after the run, and for a while: nothing boots
      while (Date.now() - ended < 1500) {
        const w = await status();
        expect([w?.booting, w?.ready]).toEqual([0, SPARES - 1]);
      }
      await waitFor('the spare replaced after the quiet', full, 30_000);
    } finally {
      await runIsuops(['daemon', 'stop'], { env: qenv });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('kill -9 of a client: its worker stops the remote process', async () => {
    await warm();
    const cfg = ['-F', path.join(labDir(), 'ssh_config'), '-H', 'isu03'];
    const c = execa('node', [ISUOPS_BIN, 'exec', ...cfg, 'sleep 3743'], { reject: false, env: debugEnv });
    let err = '';
    c.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    await waitFor('sleep 3743', async () => /sleep 3743/.test(await onHost('isu03', 'ps -eo args')));
    expect(usedWorker(err)).toBe(true);
    c.kill('SIGKILL');
    await c;
    await waitFor('sleep 3743 gone after kill -9 of its client', async () => !/sleep 374[3]/.test(await onHost('isu03', 'ps -eo args')), 8000);
  });
});
