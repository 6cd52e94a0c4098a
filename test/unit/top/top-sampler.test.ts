import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDiskFilter } from '../../../src/ops/top/disks.js';
import { HostRates } from '../../../src/ops/top/host-rates.js';
import { parseRecord } from '../../../src/ops/top/parse-record.js';
import { parseSamplerLine } from '../../../src/ops/top/sampler-script.js';
import { remoteScript } from '../../../src/remote/scripts.js';

const marker = '@isuops:test:';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Run {
  hello: string;
  records: Array<{ lines: string[]; gone: number[] }>;
}

// busybox: its own sh, awk, cat and sleep (first on PATH), as on a minimal host.
const busyboxBin = mkdtempSync(path.join(os.tmpdir(), 'isuops-busybox-'));
for (const applet of ['sh', 'awk', 'cat', 'sleep']) symlinkSync('/bin/busybox', path.join(busyboxBin, applet));
afterAll(() => rmSync(busyboxBin, { recursive: true, force: true }));

const SHELLS: Record<string, { shell: string; env?: NodeJS.ProcessEnv }> = {
  dash: { shell: '/bin/dash' },
  bash: { shell: '/bin/bash' },
  busybox: { shell: path.join(busyboxBin, 'sh'), env: { ...process.env, PATH: `${busyboxBin}:${process.env.PATH}` } },
};

/** Runs the sampler with `shell` on this machine; `during` acts while it samples (`records()`: how many so far). */
async function sample(name: string, intervalSec: number, during: (records: () => number) => Promise<void>): Promise<Run> {
  const { shell, env } = SHELLS[name];
  const child = spawn(shell, ['-c', remoteScript('top-sampler'), 'isuops-top', String(intervalSec), marker], { detached: true, env });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await during(() => out.split(`\n${marker}end\n`).length - 1);
  // The whole group, as the exec wrapper does: the loop and awk are the shell's children.
  process.kill(-child.pid!, 'SIGKILL');
  await new Promise((r) => child.on('close', r));
  const lines = out.split('\n');
  const run: Run = { hello: lines[0], records: [] };
  let current: { lines: string[]; gone: number[] } | undefined;
  for (const line of lines.slice(1)) {
    const said = parseSamplerLine(line, marker);
    if (said?.kind === 'sample') current = { lines: [], gone: [] };
    else if (said?.kind === 'gone') current?.gone.push(...said.pids);
    else if (said?.kind === 'end' && current) {
      run.records.push(current);
      current = undefined;
    } else current?.lines.push(line);
  }
  return run;
}

const shells = Object.keys(SHELLS).filter((name) => existsSync(name === 'busybox' ? '/bin/busybox' : SHELLS[name].shell));

describe.each(shells)('the sampler under %s', (shell) => {
  it('says hello, then sends records: unmoved processes once, busy ones each time, ended ones as gone', async () => {
    const children: ChildProcess[] = [];
    // On a busy machine a record of every process can take long: records are counted, not waited for.
    const until = async (records: () => number, n: number) => {
      for (let i = 0; i < 300 && records() < n; i++) await sleep(50);
    };
    const run = await sample(shell, 0.3, async (records) => {
      children.push(spawn('sleep', ['30']));
      children.push(spawn('sh', ['-c', 'while :; do :; done']));
      await sleep(100);
      const start = records();
      await until(records, start + 3);
      children[0].kill('SIGKILL');
      await until(records, start + 6);
      children[1].kill('SIGKILL');
    });
    const [idle, hog] = children.map((c) => c.pid!);
    const said = parseSamplerLine(run.hello, marker);
    expect(said?.kind).toBe('hello');
    if (said?.kind === 'hello') expect(said.hello.clockTicks).toBeGreaterThan(0);
    expect(run.records.length).toBeGreaterThanOrEqual(6);

    const snapshots = run.records.map((r) => parseRecord(r.lines));
    const pidsOf = (i: number) => snapshots[i].procs.map((p) => p.pid);
    // The first record has every process; later ones only those whose CPU time moved.
    expect(pidsOf(0).length).toBeGreaterThan(pidsOf(2).length);
    expect(snapshots.some((s, i) => i > 0 && s.procs.some((p) => p.pid === hog))).toBe(true);
    const idleSeen = snapshots.filter((s) => s.procs.some((p) => p.pid === idle)).length;
    expect(idleSeen).toBe(1);
    expect(run.records.some((r) => r.gone.includes(idle))).toBe(true);
    // The machine's files are all there, less what nobody reads.
    for (const s of snapshots) {
      expect(s.uptime).toBeGreaterThan(0);
      expect(s.cpu).toBeDefined();
      expect(s.mem?.totalBytes).toBeGreaterThan(0);
      expect(s.load).toHaveLength(3);
      expect(s.net.size).toBeGreaterThan(0);
    }
    const all = run.records.flatMap((r) => r.lines);
    expect(all.filter((l) => /^(intr|softirq) /.test(l))).toEqual([]);
    expect(all.filter((l) => l.startsWith('Active(anon):'))).toEqual([]);

    const rates = new HostRates({ clockTicks: 100, isDisk: makeDiskFilter([]), topCount: 10_000 });
    const samples = run.records.map((r, i) => rates.push(snapshots[i], r.gone)).filter((s) => s !== undefined);
    // The busy loop is among the top processes while it runs (on a shared machine, at some share of a core).
    expect(samples.some((s) => s.top.some((p) => p.pid === hog && p.cpu > 0))).toBe(true);
  }, 40_000);
});

describe.each(shells)('the sampler under %s, timing', (shell) => {
  it('delivers each record as soon as it is read, not at the next one (mawk would hold it a whole interval)', async () => {
    const { shell: sh, env } = SHELLS[shell];
    const started = Date.now();
    const child = spawn(sh, ['-c', remoteScript('top-sampler'), 'isuops-top', '3', marker], { detached: true, env });
    const firstEnd = await new Promise<number>((resolve) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes(`\n${marker}end\n`)) resolve(Date.now() - started);
      });
    });
    process.kill(-child.pid!, 'SIGKILL');
    expect(firstEnd).toBeLessThan(2000);
  });
});
