import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { execOnHost, labArgs, labDir, labHosts, labStopHost, restoreLab, runIsuops } from './helpers.js';
import { awksOn, leftBehind, parseObjects, startHog, startTop } from './top/helpers.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'isuops-top-e2e-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const only = (list: string) => ['-F', path.join(labDir(), 'ssh_config'), '-H', list];
const byHost = <T extends { host: string }>(objects: T[], host: string) => objects.filter((o) => o.host === host);

describe('top: bad input ends before connecting', () => {
  const nowhere = ['-H', '127.0.0.1', '--port', '1'];
  it.each([
    ['an interval under 0.1 s', ['-i', '0.05'], /option '-i, --interval <sec>' argument '0.05' is invalid. must be a number of seconds, 0.1 or more/],
    ['a duration that is not one', ['--for', 'soon'], /option '--for <duration>' argument 'soon' is invalid. must be a duration greater than 0/],
    ['a record file in a missing directory', ['--record', '/nonexistent-dir/x.ndjson'], /^isuops: --record \/nonexistent-dir\/x.ndjson: no such directory$/m],
  ])('%s: exit 2', async (_what, args, message) => {
    const r = await runIsuops(['top', ...nowhere, ...args]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('refused');
    expect(r.stdout).toBe('');
  });
});

describe('top off a terminal: NDJSON', () => {
  afterEach(async () => {
    await restoreLab();
  });

  it('one object per host per interval with the documented fields; --for ends with the summary, exit 0, nothing left on the hosts', async () => {
    const record = path.join(tmp, 'samples.ndjson');
    const r = await runIsuops(['top', ...labArgs(), '--for', '4s', '--record', record]);
    expect(r.exitCode).toBe(0);
    const objects = parseObjects(r.stdout);
    for (const host of labHosts()) expect(byHost(objects, host).length).toBeGreaterThanOrEqual(2);
    for (const o of objects) {
      expect(Object.keys(o)).toEqual(['host', 'time', 'cpu', 'load', 'mem', 'net', 'disk', 'top', 'error']);
      expect(Object.keys(o.cpu!)).toEqual(['busy', 'user', 'system', 'iowait', 'steal']);
      expect(o.cpu!.busy).toBeGreaterThanOrEqual(0);
      expect(o.cpu!.busy).toBeLessThanOrEqual(100);
      expect(o.load).toHaveLength(3);
      expect(o.mem!.usedBytes + o.mem!.availableBytes).toBeGreaterThan(1 << 20);
      expect(Object.keys(o.net!)).toEqual(['rxBytesPerSec', 'txBytesPerSec']);
      expect(Object.keys(o.disk!)).toEqual(['readBytesPerSec', 'writeBytesPerSec', 'util']);
      expect(o.error).toBeNull();
      expect(Date.parse(o.time)).toBeGreaterThan(Date.now() - 60_000);
    }
    // --record keeps the same objects
    expect(readFileSync(record, 'utf8')).toBe(r.stdout);
    // the summary (stdout is the samples: it goes to stderr), then the run's line
    expect(r.stderr).toMatch(/^isuops top: 5 hosts over 4\.\ds; each figure is mean\/max$/m);
    expect(r.stderr).toMatch(/^HOST +SAMPLES +CPU% +usr +sys +iow +stl +LOAD1 +MEM used +avail +NET rx\/s +tx\/s +DISK r\/s +w\/s +util%$/m);
    for (const host of labHosts()) expect(r.stderr).toMatch(new RegExp(`^${host} +[2-9] +\\d`, 'm'));
    expect(r.stderr).toMatch(/^busiest: cpu isu0\d \(\d+(\.\d)?% busy\), memory isu0\d \(.+ used\), network isu0\d \(.+\/s rx\+tx\), disk isu0\d \(\d+(\.\d)?% util\)$/m);
    expect(r.stderr).toMatch(/isuops: 5 hosts: 5 ok, 0 failed, 0 unreachable, 0 timed out in 4\.\ds\n$/);
    expect(await leftBehind()).toEqual([]);
  });

  it('a hog on one host is that host\'s top process only (each lab host has its own processes)', async () => {
    const stopHog = await startHog('isu03', 'isuhog');
    try {
      const r = await runIsuops(['top', ...labArgs(), '--for', '4s', '-q']);
      expect(r.exitCode).toBe(0);
      const objects = parseObjects(r.stdout);
      const isu03 = byHost(objects, 'isu03');
      expect(isu03.length).toBeGreaterThanOrEqual(2);
      for (const o of isu03) expect(o.top[0].command).toBe('isuhog');
      for (const o of objects.filter((x) => x.host !== 'isu03')) expect(o.top.map((p) => p.command)).not.toContain('isuhog');
    } finally {
      await stopHog();
    }
  });

  it('Ctrl-C: exit 130 with the summary line; kill -9: the samplers go too', async () => {
    const top = startTop([...labArgs()]);
    await top.waitFor('a sample from every host', (t) => labHosts().every((h) => byHost(t.objects(), h).length > 0));
    expect((await Promise.all(labHosts().map(awksOn))).map((a) => a.length)).toEqual([1, 1, 1, 1, 1]);
    expect(await top.stop('SIGINT')).toBe(130);
    expect(top.stderr()).toContain('isuops: 5 hosts: 5 ok, 0 failed, 0 unreachable, 0 timed out');
    expect(await leftBehind()).toEqual([]);

    const killed = startTop([...labArgs()]);
    await killed.waitFor('a sample from every host', (t) => labHosts().every((h) => byHost(t.objects(), h).length > 0));
    await killed.stop('SIGKILL');
    expect(await leftBehind()).toEqual([]);
  });

  it('a dropped connection is announced, reached again, and sampled again by one sampler', async () => {
    const top = startTop([...only('isu01,isu02')]);
    await top.waitFor('samples from isu02', (t) => byHost(t.objects(), 'isu02').length > 0);
    await execOnHost('isu02', "pkill -KILL -f '^sshd: isucon' || true");
    await top.waitFor('the drop', (t) => /isuops: isu02: connection lost \(.*\); retrying in 1\.0s \(attempt 1\)/.test(t.stderr()));
    // while it is away, an error object per interval says so
    await top.waitFor('an error object', (t) => byHost(t.objects(), 'isu02').some((o) => /^connection lost/.test(o.error ?? '')));
    const count = byHost(top.objects(), 'isu02').length;
    await top.waitFor('isu02 back', (t) => /isuops: isu02: reconnected: sampling again/.test(t.stderr()) && byHost(t.objects(), 'isu02').slice(count).some((o) => o.error === null));
    expect(await awksOn('isu02')).toHaveLength(1);
    expect(await top.stop('SIGINT')).toBe(130);
    expect(await leftBehind(['isu01', 'isu02'])).toEqual([]);
  });

  it('a host that stops answering says so every interval, is cut after 10 s and comes back by itself; its old sampler goes when it wakes', async () => {
    const top = startTop([...only('isu01,isu04')]);
    await top.waitFor('samples from isu04', (t) => byHost(t.objects(), 'isu04').length > 0);
    // The session's sshd processes stop: TCP still answers, nothing else does.
    await execOnHost('isu04', "pkill -STOP -f '^sshd: isucon'");
    try {
      await top.waitFor('isu04 silent', (t) => byHost(t.objects(), 'isu04').some((o) => /^not answering for \ds$/.test(o.error ?? '')));
      const silent = byHost(top.objects(), 'isu04').filter((o) => o.error !== null);
      expect(silent.every((o) => o.cpu === null && o.load === null && o.top.length === 0)).toBe(true);
      await top.waitFor('isu04 cut', (t) => /isuops: isu04: connection lost \(no answer for 1\ds\); retrying in 1\.0s \(attempt 1\)/.test(t.stderr()), 25_000);
      // the listener answers: a new connection is made while the old session is still stopped
      await top.waitFor('isu04 back', (t) => {
        const objects = byHost(t.objects(), 'isu04');
        return /reconnected: sampling again/.test(t.stderr()) && objects[objects.length - 1].error === null;
      });
      // isu01 went on all along
      expect(byHost(top.objects(), 'isu01').every((o) => o.error === null)).toBe(true);
    } finally {
      await execOnHost('isu04', "pkill -CONT -f '^sshd: isucon'");
    }
    // Thawed, the old session finds its connection gone: the wrapper stops the old sampler.
    const until = Date.now() + 5000;
    while ((await awksOn('isu04')).length > 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    expect(await awksOn('isu04')).toHaveLength(1);
    expect(await top.stop('SIGINT')).toBe(130);
    expect(await leftBehind(['isu01', 'isu04'])).toEqual([]);
  }, 90_000);

  it('a host down at the start: an error object per interval, exit 255', async () => {
    await labStopHost(labDir(), 'isu05');
    const r = await runIsuops(['top', ...only('isu01,isu05'), '--for', '3s']);
    expect(r.exitCode).toBe(255);
    const objects = parseObjects(r.stdout);
    const down = byHost(objects, 'isu05');
    expect(down.length).toBeGreaterThanOrEqual(2);
    for (const o of down) expect(o).toMatchObject({ cpu: null, load: null, mem: null, net: null, disk: null, top: [], error: expect.stringMatching(/connection refused/) });
    expect(byHost(objects, 'isu01').length).toBeGreaterThanOrEqual(1);
    expect(r.stderr).toMatch(/isuops: isu05: .*connection refused/);
    expect(r.stderr).toContain('isuops: 2 hosts: 1 ok, 0 failed, 1 unreachable, 0 timed out');
  });
});
