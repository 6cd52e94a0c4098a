import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { execOnHost, ISUOPS_BIN, labDir, runIsuops } from './helpers.js';

const local = mkdtempSync(path.join(os.tmpdir(), 'isuops-push-atomic-'));
afterAll(async () => {
  rmSync(local, { recursive: true, force: true });
  await execOnHost('isu01', `rm -rf ${local}`);
});
const HOST = 'isu01';
const onHostOf = (host: string, p: string): string => path.join(labDir(), 'hosts', host, p);
const onHost = (p: string): string => onHostOf(HOST, p);
const cfg = (): string[] => ['-F', path.join(labDir(), 'ssh_config'), '-H', HOST];
const sha = (buf: Buffer): string => createHash('sha256').update(buf).digest('hex');

describe('push atomicity', () => {
  it('kill -9 during a 64 MB transfer leaves the old file at the target, never a partial one', async () => {
    const target = path.join(local, 'blob.bin');
    const big = randomBytes(64 * 1024 * 1024);
    const temps = (): string[] => readdirSync(path.dirname(onHost(target))).filter((n) => n.startsWith('.blob.bin.isuops-'));
    let killedMidway = false;
    // The transfer takes about a second here; a try that finishes before the kill is retried.
    for (let attempt = 0; attempt < 5 && !killedMidway; attempt++) {
      writeFileSync(target, 'old\n');
      utimesSync(target, new Date('2024-01-01'), new Date('2024-01-01'));
      expect((await runIsuops(['push', ...cfg(), target])).exitCode).toBe(0);
      writeFileSync(target, big);
      const child = execa('node', [ISUOPS_BIN, 'push', ...cfg(), target], { reject: false });
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && child.exitCode === null) {
        const partial = temps().map((n) => statSync(path.join(path.dirname(onHost(target)), n)).size).find((s) => s >= 8 * 1024 * 1024);
        if (partial !== undefined) {
          child.kill('SIGKILL');
          killedMidway = true;
          break;
        }
        await sleep(2);
      }
      await child;
      if (!killedMidway) for (const n of temps()) rmSync(path.join(path.dirname(onHost(target)), n));
    }
    expect(killedMidway).toBe(true);
    // The target is still the whole old file; the partial data only ever sat under a temp name.
    expect(readFileSync(onHost(target), 'utf8')).toBe('old\n');
    const stale = temps();
    expect(stale.length).toBeLessThanOrEqual(1);
    // The next push completes: the whole new file, by content.
    const again = await runIsuops(['push', ...cfg(), target]);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toBe(`${HOST}: >f.st...... ${target}\n`);
    expect(sha(readFileSync(onHost(target)))).toBe(sha(big));
    // A killed push cannot clean up: its temp stays beside the target under its hidden name.
    expect(temps()).toEqual(stale);
    expect(existsSync(onHost(target))).toBe(true);
  });

  it.each([
    ['streamed (4 MiB)', 4 * 1024 * 1024],
    ['sent from the shared copy (768 KiB)', 768 * 1024],
  ])('a failed write (disk full) removes its temporary file and fails the host: %s', async (_name, size) => {
    // A 512 KiB tmpfs inside the host's own mount namespace: the upload runs out of space.
    const small = path.join(local, 'small');
    await execOnHost(HOST, `mkdir -p ${small} && mount -t tmpfs -o size=512k tmpfs ${small} && chown isucon ${small} ${local}`);
    try {
      const target = path.join(small, 'big.bin');
      writeFileSync(path.join(local, 'small-src'), randomBytes(size));
      const r = await runIsuops(['push', ...cfg(), path.join(local, 'small-src'), '--dest', target]);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain(`isuops: ${HOST}: ${target}`);
      expect((await execOnHost(HOST, `ls -A ${small}`)).stdout).toBe('');
    } finally {
      await execOnHost(HOST, `umount ${small}`);
    }
  });

  it('kill -9 while many files stream to root (--sudo): every target old or whole new, and the host removes its staging', async () => {
    const tree = path.join(local, 'many');
    const names = Array.from({ length: 400 }, (_, i) => `f${String(i).padStart(3, '0')}`);
    const old = (n: string): string => `old ${n}\n`;
    const fresh = (i: number): Buffer => Buffer.alloc(60 * 1024, `new ${i} `);
    const dest = '/etc/systemd/system/e2e-many';
    const destOnHost = onHost(dest);
    const staging = (): string[] => (existsSync(destOnHost) ? readdirSync(destOnHost).filter((n) => n.startsWith('.isuops-')) : []);
    let killedMidway = false;
    for (let attempt = 0; attempt < 5 && !killedMidway; attempt++) {
      rmSync(tree, { recursive: true, force: true });
      for (const n of names) writeFileSync(path.join(mkdirp(tree), n), old(n));
      expect((await runIsuops(['push', ...cfg(), `${tree}/`, '--dest', dest, '--sudo'])).exitCode).toBe(0);
      for (const [i, n] of names.entries()) writeFileSync(path.join(tree, n), fresh(i));
      const child = execa('node', [ISUOPS_BIN, 'push', ...cfg(), `${tree}/`, '--dest', dest, '--sudo'], { reject: false });
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && child.exitCode === null) {
        // tar is writing into the staging directory: the stream is under way
        const [stage] = staging();
        if (stage !== undefined && readdirSync(path.join(destOnHost, stage)).length >= 20) {
          child.kill('SIGKILL');
          killedMidway = true;
          break;
        }
        await sleep(2);
      }
      await child;
    }
    expect(killedMidway).toBe(true);
    // The host's tar sees the stream end early, fails, and the script removes what it staged.
    const deadline = Date.now() + 10_000;
    while (staging().length > 0 && Date.now() < deadline) await sleep(50);
    expect(staging()).toEqual([]);
    const states = names.map((n, i) => {
      const got = readFileSync(path.join(destOnHost, n));
      if (got.equals(Buffer.from(old(n)))) return 'old';
      return got.equals(fresh(i)) ? 'new' : 'partial';
    });
    expect(states.filter((s) => s === 'partial')).toEqual([]);
    // The next push completes every file.
    expect((await runIsuops(['push', ...cfg(), `${tree}/`, '--dest', dest, '--sudo'])).exitCode).toBe(0);
    expect(names.every((n, i) => readFileSync(path.join(destOnHost, n)).equals(fresh(i)))).toBe(true);
    await execOnHost(HOST, `rm -rf ${dest}`);
  });

  it('--sudo, many files, disk full: the host fails naming a target, nothing installed, its staging removed', async () => {
    const small = path.join(local, 'small-root');
    const tree = path.join(local, 'full-src');
    await execOnHost(HOST, `mkdir -p ${small} && mount -t tmpfs -o size=512k,mode=0755 tmpfs ${small}`);
    try {
      for (let i = 0; i < 20; i++) writeFileSync(path.join(mkdirp(tree), `f${i}`), randomBytes(40 * 1024));
      const r = await runIsuops(['push', ...cfg(), `${tree}/`, '--dest', small, '--sudo']);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`isuops: ${HOST}: ${small}/f\\d+: (no space left on device|wrote only \\d+ of \\d+ bytes \\(disk full\\?\\))`));
      expect((await execOnHost(HOST, `ls -A ${small}`)).stdout).toBe('');
    } finally {
      await execOnHost(HOST, `umount ${small}`);
    }
  });

  it.each([
    ['over SFTP', [] as string[], path.join(local, 'ctrl-c-dest')],
    ['as root, in a tar stream', ['--sudo'], '/etc/systemd/system/e2e-ctrl-c'],
  ])('Ctrl-C during a push of many files (%s): exit 130, host interrupted, no file started after it, every file old or whole new, no temp left', async (_name, flags, dest) => {
    const tree = path.join(local, `ctrl-c-src${flags.join('')}`);
    const names = Array.from({ length: 400 }, (_, i) => `f${String(i).padStart(3, '0')}`);
    const fresh = (i: number): Buffer => Buffer.alloc(60 * 1024, `new ${i} `);
    for (const n of names) writeFileSync(path.join(mkdirp(tree), n), `old ${n}\n`);
    expect((await runIsuops(['push', ...cfg(), `${tree}/`, '--dest', dest, ...flags])).exitCode).toBe(0);
    for (const [i, n] of names.entries()) writeFileSync(path.join(tree, n), fresh(i));
    const destOnHost = onHost(dest);
    const temps = (): string[] => readdirSync(destOnHost).filter((n) => n.includes('isuops-'));
    const started = (): boolean => {
      const t = temps();
      if (flags.includes('--sudo')) return t.length > 0 && readdirSync(path.join(destOnHost, t[0])).length >= 20;
      return t.length > 0 || names.some((n, i) => statSync(path.join(destOnHost, n)).size === fresh(i).length);
    };
    const child = execa('node', [ISUOPS_BIN, 'push', ...cfg(), `${tree}/`, '--dest', dest, ...flags], { reject: false });
    const deadline = Date.now() + 20_000;
    while (!started() && Date.now() < deadline && child.exitCode === null) await sleep(2);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(130);
    expect(r.stderr).toContain(`isuops: ${HOST}: interrupted while writing`);
    // The host's script removes a cut stream's staging as soon as its tar fails.
    const until = Date.now() + 10_000;
    while (temps().length > 0 && Date.now() < until) await sleep(50);
    expect(temps()).toEqual([]);
    const states = names.map((n, i) => {
      const got = readFileSync(path.join(destOnHost, n));
      if (got.equals(Buffer.from(`old ${n}\n`))) return 'old';
      return got.equals(fresh(i)) ? 'new' : 'partial';
    });
    expect(states.filter((s) => s === 'partial')).toEqual([]);
    // stopped early: most files were never started (a tar stream installs none of them)
    expect(states.filter((s) => s === 'old').length).toBeGreaterThan(flags.includes('--sudo') ? 399 : 200);
    await execOnHost(HOST, `rm -rf ${dest}`);
  });

  it.each([
    ['over SFTP', [] as string[], path.join(local, 'drop-dest')],
    ['as root, in a tar stream', ['--sudo'], '/etc/systemd/system/e2e-drop'],
  ])('a host whose connection drops mid-push (%s) is reported lost (exit 255) while the other completes; every file old or whole new', async (_name, flags, dest) => {
    const other = 'isu02';
    const tree = path.join(local, `drop-src${flags.join('')}`);
    const names = Array.from({ length: 400 }, (_, i) => `f${String(i).padStart(3, '0')}`);
    const fresh = (i: number): Buffer => Buffer.alloc(60 * 1024, `new ${i} `);
    for (const [i, n] of names.entries()) writeFileSync(path.join(mkdirp(tree), n), fresh(i));
    await Promise.all([HOST, other].map((h) => execOnHost(h, `rm -rf ${dest}`)));
    const destOnHost = onHost(dest);
    const underWay = (): boolean => existsSync(destOnHost) && readdirSync(destOnHost).some((n) => n.includes('isuops-'));
    const child = execa('node', [ISUOPS_BIN, 'push', '-F', path.join(labDir(), 'ssh_config'), '-H', `${HOST},${other}`, `${tree}/`, '--dest', dest, ...flags], { reject: false });
    const deadline = Date.now() + 20_000;
    while (!underWay() && Date.now() < deadline && child.exitCode === null) await sleep(2);
    expect(underWay()).toBe(true);
    // the host's sshd serving this connection dies: the connection is reset under the push
    await execOnHost(HOST, "pkill -KILL -f '[s]shd: isucon'");
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(255);
    expect(r.stderr).toContain(`isuops: ${HOST}: connection lost while pushing: each file is as it was or whole new`);
    expect(r.stderr).toMatch(/1 ok, 0 failed, 1 unreachable/);
    for (const [i, n] of names.entries()) expect(readFileSync(path.join(onHostOf(other, dest), n)).equals(fresh(i))).toBe(true);
    for (const n of readdirSync(destOnHost).filter((x) => !x.includes('isuops-'))) expect(readFileSync(path.join(destOnHost, n)).equals(fresh(names.indexOf(n)))).toBe(true);
    // A tar stream's staging goes with the stream (the host's script removes it); an SFTP upload
    // cut off can leave its hidden temp, which nothing on the host can clean up.
    if (flags.includes('--sudo')) {
      const until = Date.now() + 10_000;
      while (readdirSync(destOnHost).some((x) => x.includes('isuops-')) && Date.now() < until) await sleep(50);
      expect(readdirSync(destOnHost).filter((x) => x.includes('isuops-'))).toEqual([]);
    }
    await Promise.all([HOST, other].map((h) => execOnHost(h, `rm -rf ${dest}`)));
  });

  it('a host that goes silent mid-push (its sshd stopped) is given up after ServerAliveInterval x CountMax; the other completes', async () => {
    const other = 'isu02';
    const tree = path.join(local, 'silent-src');
    const dest = path.join(local, 'silent-dest');
    for (let i = 0; i < 400; i++) writeFileSync(path.join(mkdirp(tree), `f${i}`), Buffer.alloc(60 * 1024, `new ${i} `));
    const destOnHost = onHost(dest);
    const started = Date.now();
    const child = execa('node', [ISUOPS_BIN, 'push', '-o', 'ServerAliveInterval=1', '-o', 'ServerAliveCountMax=2', '-F', path.join(labDir(), 'ssh_config'), '-H', `${HOST},${other}`, `${tree}/`, '--dest', dest], { reject: false });
    while (!(existsSync(destOnHost) && readdirSync(destOnHost).some((n) => n.includes('isuops-'))) && Date.now() - started < 20_000 && child.exitCode === null) await sleep(2);
    await execOnHost(HOST, "pkill -STOP -f '[s]shd: isucon'");
    try {
      const r = await child;
      expect(r.exitCode, r.stderr).toBe(255);
      expect(r.stderr).toContain(`isuops: ${HOST}: connection lost while pushing`);
      expect(r.stderr).toMatch(/1 ok, 0 failed, 1 unreachable/);
      // 2 keepalives of 1 s unanswered, not the 10 s connect timeout nor a hang
      expect(Date.now() - started).toBeLessThan(8_000);
    } finally {
      await execOnHost(HOST, "pkill -CONT -f '[s]shd: isucon'; pkill -KILL -f '[s]shd: isucon'; true");
    }
    expect(readdirSync(onHostOf(other, dest)).length).toBe(400);
  });
});

function mkdirp(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
