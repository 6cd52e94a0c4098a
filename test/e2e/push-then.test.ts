import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { execOnHost, ISUOPS_BIN, labArgs, labHosts, runIsuops } from './helpers.js';

const local = mkdtempSync(path.join(os.tmpdir(), 'isuops-then-e2e-'));
const flag = `/tmp/isuops-then-ok-${randomBytes(3).toString('hex')}`;
afterAll(async () => {
  rmSync(local, { recursive: true, force: true });
  await Promise.all(labHosts().map((h) => execOnHost(h, `rm -rf ${local} ${flag} /home/isucon/.isuops-then-pending-*`)));
});
const summary = (stderr: string) => stderr.split('\n').find((l) => l.startsWith('isuops: 5 hosts:')) ?? '';

describe('push --then that fails, and a push cut by Ctrl-C: what changed is said', () => {
  it('a failed --then: the changes are counted, the failure says so, and the next push runs --then again until it succeeds', async () => {
    const file = path.join(local, 'app.conf');
    writeFileSync(file, 'v1\n');
    const then = `test -e ${flag}`;
    const first = await runIsuops(['push', ...labArgs(), file, '--then', then]);
    expect(first.exitCode).toBe(1);
    expect(summary(first.stderr)).toMatch(/; push: 5 changed, 0 up to date, 5 failed \(5 in --then\), 5 files \(15 B\) sent in /);
    expect(first.stderr).toContain('isuops: isu01: --then failed: exit code 1; every change above was made, --then is left pending (the next push with this --then runs it, even with nothing to change)');

    // Nothing to change: --then still runs (and fails again), it is not skipped in silence.
    const second = await runIsuops(['push', ...labArgs(), file, '--then', then]);
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toMatch(/isuops: isu02: --then did not succeed after an earlier push \(~\/\.isuops-then-pending-[0-9a-f]{16}\): running it now/);

    await Promise.all(labHosts().map((h) => execOnHost(h, `touch ${flag}`)));
    const third = await runIsuops(['push', ...labArgs(), file, '--then', `${then} && echo ran`]);
    // Another --then is another marker: it does not run with nothing changed.
    expect(third.stdout).toBe('');
    const fourth = await runIsuops(['push', ...labArgs(), file, '--then', then]);
    expect(fourth.exitCode).toBe(0);
    expect(fourth.stderr).toContain('running it now');
    // Succeeded: the marker is gone, the next push does nothing.
    const fifth = await runIsuops(['push', ...labArgs(), file, '--then', then]);
    expect([fifth.exitCode, fifth.stderr.includes('running it now')]).toEqual([0, false]);
  });

  it('Ctrl-C while every host has its one large file in flight: those finish, and the summary counts them changed', async () => {
    const big = path.join(local, 'big.bin');
    writeFileSync(big, '');
    truncateSync(big, 256 * 1024 * 1024);
    const child = execa('node', [ISUOPS_BIN, 'push', ...labArgs(), big], { reject: false, buffer: false, stdin: 'ignore' });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const until = Date.now() + 20_000;
    while (stdout.split('\n').filter(Boolean).length < 5 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(summary(stderr)).toMatch(/; push: 5 changed, 0 up to date, 0 failed, 5 files \(1\.3 GiB\) sent in /);
    for (const h of labHosts()) expect((await execOnHost(h, `stat -c %s ${big}`)).stdout.trim()).toBe(String(256 * 1024 * 1024));
  });
});
