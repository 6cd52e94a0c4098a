import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRunLab, readLatencyStats } from '../../src/lab/index.js';
import { runIsuops } from './helpers.js';

// The round trips a run waits for, as the lab's latency proxy counts them (a turn: the host
// answers after the client last sent), per host, for one run: issue 12's round-trip target.
const dir = fs.mkdtempSync('/tmp/isuops-lab-rtt-');
const { base } = findRunLab('rtt');
const runtime = fs.mkdtempSync(path.join(os.tmpdir(), 'isuops-rtt-e2e-'));
const env = { XDG_RUNTIME_DIR: runtime, ISUOPS_CONTROL_PERSIST: '' };
const hosts = ['isu01', 'isu02'];
const args = () => ['-F', path.join(dir, 'ssh_config'), '-H', hosts.join(','), '-q'];

/** Per host: the proxy's round trips and new connections during `run`. */
async function counted(run: () => Promise<unknown>): Promise<Array<{ turns: number; connections: number }>> {
  const before = await readLatencyStats(dir);
  await run();
  const after = await readLatencyStats(dir);
  return hosts.map((h) => ({ turns: after[h]!.turns - before[h]!.turns, connections: after[h]!.connections - before[h]!.connections }));
}

const sorted = (out: string): string[] => out.split('\n').filter(Boolean).sort();
const OUT = hosts.map((h) => `${h}: ${h}`);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

beforeAll(async () => {
  const up = await runIsuops(['lab', 'up', String(hosts.length), '--dir', dir, '--base', base, '--latency', '20ms']);
  expect(up.exitCode, up.stderr).toBe(0);
});

afterAll(async () => {
  await runIsuops(['daemon', 'stop'], { env });
  await runIsuops(['lab', 'down', '--dir', dir]);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(runtime, { recursive: true, force: true });
});

describe('round trips of a run at 20 ms RTT (the latency proxy counts them)', () => {
  it('a warm exec waits for 1 round trip per host on its kept connection (the spare channel: no open of its own; the wrapper is in the request)', async () => {
    const first = await runIsuops(['exec', ...args(), 'hostname'], { env });
    expect([first.exitCode, sorted(first.stdout)]).toEqual([0, OUT]);
    const samples: Array<Array<{ turns: number; connections: number }>> = [];
    for (let i = 0; i < 3; i++) {
      samples.push(
        await counted(async () => {
          const r = await runIsuops(['exec', ...args(), 'hostname'], { env });
          expect([r.exitCode, sorted(r.stdout)]).toEqual([0, OUT]);
        }),
      );
    }
    // exec request (the wrapper and the command) -> output, exit, close. A line sent behind it would
    // be a second (sshd opens the window with its answer), a channel open of its own another.
    for (let h = 0; h < hosts.length; h++) {
      expect(samples.map((s) => s[h]!.connections)).toEqual([0, 0, 0]);
      expect(median(samples.map((s) => s[h]!.turns)), JSON.stringify(samples)).toBe(1);
    }
  });

  it('daemon status shows each kept connection\'s spare apart from the runs\' channels', async () => {
    await runIsuops(['exec', ...args(), 'true'], { env });
    const st = await runIsuops(['daemon', 'status', '--json'], { env });
    expect(st.exitCode, st.stderr).toBe(0);
    const conns = (JSON.parse(st.stdout) as { connections: Array<{ channels: number; spare: number }> }).connections;
    expect(conns.map((c) => [c.channels, c.spare])).toEqual(hosts.map(() => [0, 1]));
    const text = await runIsuops(['daemon', 'status'], { env });
    expect(text.stdout).toMatch(/ {2}0 \(\+1 spare\)$/m);
  });

  it('a warm unchanged re-push of a tree of 5 directories of 120 files waits for 2 round trips per host (the SFTP session kept from the run before; the closes of the scan go with its READDIRs)', async () => {
    const src = fs.mkdtempSync(path.join(os.tmpdir(), 'isuops-rtt-push-'));
    try {
      for (let d = 0; d < 5; d++) {
        fs.mkdirSync(path.join(src, `d${d}`));
        for (let f = 0; f < 120; f++) fs.writeFileSync(path.join(src, `d${d}`, `f${f}`), `${d}/${f}\n`);
      }
      const push = ['push', ...args(), '--dest', '/home/isucon/rtt-tree', `${src}/`];
      const first = await runIsuops(push, { env });
      expect(first.exitCode, first.stderr).toBe(0);
      const samples: Array<Array<{ turns: number; connections: number }>> = [];
      for (let i = 0; i < 3; i++) {
        samples.push(
          await counted(async () => {
            const r = await runIsuops(push, { env });
            expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, '', '']);
          }),
        );
      }
      // The scan on the SFTP session the run before left open: the lstat with every opendir, then
      // every READDIR with the closes. Opening a session (channel, subsystem, version) would be 3
      // more, closes of their own 1 or more, reading one directory after another 13 or more.
      for (let h = 0; h < hosts.length; h++) {
        expect(samples.map((s) => s[h]!.connections)).toEqual([0, 0, 0]);
        expect(median(samples.map((s) => s[h]!.turns)), JSON.stringify(samples)).toBe(2);
      }
    } finally {
      fs.rmSync(src, { recursive: true, force: true });
    }
  });
});
