import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { execOnHost, ISUOPS_BIN, labArgs, labDir, labHosts, runIsuops } from './helpers.js';

// Remote files live under a fresh directory in each host's own /var/log; copies land in a local temp dir.
const tag = randomBytes(4).toString('hex');
const remote = `/var/log/isuops-pull-${tag}`;
const to = mkdtempSync(path.join(os.tmpdir(), 'isuops-pull-e2e-'));
afterAll(async () => {
  rmSync(to, { recursive: true, force: true });
  await Promise.all(labHosts().map((h) => execOnHost(h, `rm -rf ${remote}`)));
});

const sha = (buf: Buffer): string => createHash('sha256').update(buf).digest('hex');
const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');
const sorted = (text: string): string[] => lines(text).sort();
const forAll = (line: string): string[] => labHosts().map((h) => `${h}: ${line}`);
const copyOf = (host: string, p: string, dir = to): string => path.join(dir, host, p);
const onAll = (cmd: (host: string) => string) => Promise.all(labHosts().map((h) => execOnHost(h, cmd(h))));
const pull = (args: string[], dir = to) => runIsuops(['pull', ...labArgs(), '--to', dir, ...args]);
// Some hosts only (-H with the lab's ssh config; -f would add the whole fleet).
const pullFrom = (hosts: string, args: string[], dir = to) => runIsuops(['pull', '-F', path.join(labDir(), 'ssh_config'), '-H', hosts, '--to', dir, ...args]);
// Local temporaries are `.name.isuops-XXXXXX` beside the target.
const tempsIn = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((n) => /(^|\/)\..+\.isuops-[0-9a-f]{6}$/.test(n)) : []);

describe('pull', () => {
  const log = `${remote}/access.log`;

  it('lands each host copy in DIR/<host>/<path>; --dry-run writes nothing; a second pull fetches nothing', async () => {
    await onAll((h) => `mkdir -p ${remote} && printf 'GET / from %s\\n' ${h} > ${log} && touch -d 2024-01-02T03:04:05Z ${log}`);
    const dry = await pull([log, '--dry-run']);
    expect([dry.exitCode, sorted(dry.stdout)]).toEqual([0, forAll(`>f+++++++++ ${log}`)]);
    expect(dry.stderr).toMatch(/dry run: 5 would change, 0 unchanged, 0 failed, nothing written/);
    expect(readdirSync(to)).toEqual([]);

    const r = await pull([log]);
    expect([r.exitCode, sorted(r.stdout)]).toEqual([0, forAll(`>f+++++++++ ${log}`)]);
    expect(r.stderr).toMatch(/pull: 5 changed, 0 unchanged, 0 failed, 5 files \(85 B\) received/);
    for (const h of labHosts()) {
      expect(readFileSync(copyOf(h, log), 'utf8')).toBe(`GET / from ${h}\n`);
      expect(statSync(copyOf(h, log)).mtimeMs).toBe(Date.parse('2024-01-02T03:04:05Z'));
    }
    expect(readdirSync(to).sort()).toEqual(labHosts());

    const again = await pull([log]);
    expect([again.exitCode, again.stdout]).toEqual([0, '']);
    expect(again.stderr).toMatch(/pull: 0 changed, 5 unchanged, 0 failed, 0 files \(0 B\) received/);

    // Grown on one host: only that one comes again, itemized like rsync.
    await execOnHost('isu03', `echo more >> ${log}`);
    const grown = await pull([log]);
    expect([grown.exitCode, grown.stdout]).toEqual([0, `isu03: >f.st...... ${log}\n`]);
    expect(readFileSync(copyOf('isu03', log), 'utf8')).toBe('GET / from isu03\nmore\n');
  });

  it('a file missing on some hosts fails those hosts (exit 1) and the others complete', async () => {
    const only = `${remote}/only-some.log`;
    await execOnHost('isu01', `echo one > ${only}`);
    await execOnHost('isu04', `echo four > ${only}`);
    const r = await pull([only]);
    expect(r.exitCode).toBe(1);
    expect(sorted(r.stdout)).toEqual([`isu01: >f+++++++++ ${only}`, `isu04: >f+++++++++ ${only}`]);
    for (const h of ['isu02', 'isu03', 'isu05']) expect(r.stderr).toContain(`isuops: ${h}: no such file or directory: ${only}\n`);
    expect(r.stderr).toContain('isuops: failed hosts: isu02,isu03,isu05\n');
    expect(readFileSync(copyOf('isu04', only), 'utf8')).toBe('four\n');
  });

  it('--sudo reads a root-only 0600 file in a root-only directory; without it the host fails', async () => {
    const secret = `${remote}/mysql/slow.log`;
    await execOnHost('isu02', `mkdir -p ${remote}/mysql && echo 'SELECT 1;' > ${secret} && chmod 600 ${secret} && chmod 700 ${remote}/mysql`);
    const denied = await pullFrom('isu02', [secret]);
    expect([denied.exitCode, denied.stderr]).toEqual([1, expect.stringContaining(`isuops: isu02: permission denied: ${secret} (try --sudo)\n`)]);
    const r = await pullFrom('isu02', [secret, '--sudo']);
    expect([r.exitCode, r.stdout]).toEqual([0, `isu02: >f+++++++++ ${secret}\n`]);
    expect(readFileSync(copyOf('isu02', secret), 'utf8')).toBe('SELECT 1;\n');
    expect(statSync(copyOf('isu02', secret)).mode & 0o777).toBe(0o600);
  });

  it('--gzip (also with --sudo) gives the same bytes', async () => {
    const big = `${remote}/big.log`;
    // 3 MB of log-like text: large enough to be streamed through an exec channel.
    await execOnHost('isu05', `seq 1 400000 | sed 's/^/GET \\/api\\/item\\//' > ${big} && chmod 600 ${big}`);
    const want = (await execOnHost('isu05', `sha256sum ${big}`)).stdout.split(' ')[0];
    const a = path.join(to, 'gz');
    const r = await pullFrom('isu05', [big, '--gzip', '--sudo'], a);
    expect([r.exitCode, r.stdout]).toEqual([0, `isu05: >f+++++++++ ${big}\n`]);
    expect(sha(readFileSync(copyOf('isu05', big, a)))).toBe(want);
    await execOnHost('isu05', `chmod 644 ${big}`);
    const b = path.join(to, 'gz2');
    expect((await pullFrom('isu05', [big, '--gzip'], b)).exitCode).toBe(0);
    expect(sha(readFileSync(copyOf('isu05', big, b)))).toBe(want);
  });

  it('expands globs on each host and walks directories', async () => {
    await onAll((h) => `mkdir -p ${remote}/nginx/old && echo a > ${remote}/nginx/a.log && echo b > ${remote}/nginx/b.log && echo ${h} > ${remote}/nginx/old/c.log && echo x > ${remote}/nginx/x.txt`);
    await execOnHost('isu01', `echo only > ${remote}/nginx/d.log`);
    const g = path.join(to, 'glob');
    const r = await pullFrom('isu01,isu02', [`${remote}/nginx/*.log`], g);
    expect([r.exitCode, sorted(r.stdout)]).toEqual([0, [`isu01: >f+++++++++ ${remote}/nginx/a.log`, `isu01: >f+++++++++ ${remote}/nginx/b.log`, `isu01: >f+++++++++ ${remote}/nginx/d.log`, `isu02: >f+++++++++ ${remote}/nginx/a.log`, `isu02: >f+++++++++ ${remote}/nginx/b.log`]]);
    const d = path.join(to, 'dir');
    const dir = await pullFrom('isu02', [`${remote}/nginx`], d);
    expect(dir.exitCode).toBe(0);
    expect(sorted(dir.stdout)).toEqual([`cd+++++++++ ${remote}/nginx/`, `cd+++++++++ ${remote}/nginx/old/`, `>f+++++++++ ${remote}/nginx/a.log`, `>f+++++++++ ${remote}/nginx/b.log`, `>f+++++++++ ${remote}/nginx/old/c.log`, `>f+++++++++ ${remote}/nginx/x.txt`].map((l) => `isu02: ${l}`).sort());
    expect(readFileSync(copyOf('isu02', `${remote}/nginx/old/c.log`, d), 'utf8')).toBe('isu02\n');
    const none = await pullFrom('isu02', [`${remote}/nginx/*.gz`], d);
    expect([none.exitCode, none.stderr]).toEqual([1, expect.stringContaining(`isuops: isu02: no match: ${remote}/nginx/*.gz\n`)]);
  });

  it('treats remote paths and names as data, never as shell (plain, --sudo, --gzip)', async () => {
    // A shell would run these in the login directory (also the cwd of sudo).
    const evil = `${remote}/$(touch pwned)`;
    const spaced = `${remote}/a b;echo x`;
    await execOnHost('isu03', `mkdir -p ${remote} && echo evil > '${evil}' && echo spaced > '${spaced}'`);
    for (const flags of [[], ['--sudo'], ['--gzip']]) {
      const dir = path.join(to, `data${flags.join('')}`);
      const r = await pullFrom('isu03', [evil, spaced, ...flags], dir);
      expect([r.exitCode, sorted(r.stdout)]).toEqual([0, [`isu03: >f+++++++++ ${evil}`, `isu03: >f+++++++++ ${spaced}`].sort()]);
      expect(readFileSync(copyOf('isu03', evil, dir), 'utf8')).toBe('evil\n');
      const glob = await pullFrom('isu03', [`${remote}/$(touch*`, `${remote}/\`touch pwned\``, ...flags], path.join(dir, 'g'));
      expect([glob.exitCode, glob.stdout]).toEqual([1, `isu03: >f+++++++++ ${evil}\n`]);
    }
    // The evil name itself is listed; a file named just `pwned` would mean a shell ran it.
    expect(lines((await execOnHost('isu03', `ls -a ${remote} /home/isucon /`)).stdout)).not.toContain('pwned');
  });

  it('kill -9 during a large transfer leaves the local file old or complete, never partial; Ctrl-C removes temps (130)', async () => {
    const blob = `${remote}/blob.bin`;
    const dir = path.join(to, 'kill');
    const target = copyOf('isu01', blob, dir);
    await execOnHost('isu01', `mkdir -p ${remote} && echo old > ${blob} && touch -d 2024-01-01 ${blob}`);
    expect((await pullFrom('isu01', [blob], dir)).exitCode).toBe(0);
    await execOnHost('isu01', `head -c 128M /dev/urandom > ${blob}`);
    const want = (await execOnHost('isu01', `sha256sum ${blob}`)).stdout.split(' ')[0];
    const partialTemp = (): boolean => tempsIn(path.dirname(target)).some((n) => statSync(path.join(path.dirname(target), n)).size >= 4 * 1024 * 1024);
    const cfg = ['pull', '-F', path.join(labDir(), 'ssh_config'), '-H', 'isu01', '--to', dir, blob];
    let killed = false;
    // A try that finishes before the kill is retried with the old file back in place.
    for (let attempt = 0; attempt < 4 && !killed; attempt++) {
      const child = execa('node', [ISUOPS_BIN, ...cfg], { reject: false });
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && child.exitCode === null) {
        if (partialTemp()) {
          child.kill('SIGKILL');
          killed = true;
          break;
        }
        await sleep(2);
      }
      await child;
      if (!killed) {
        writeFileSync(target, 'old\n');
        utimesSync(target, new Date('2024-01-01'), new Date('2024-01-01'));
        for (const n of tempsIn(path.dirname(target))) rmSync(path.join(path.dirname(target), n));
      }
    }
    expect(killed).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('old\n');
    // Ctrl-C: exit 130, the target still old, and this time no temp left behind.
    for (const n of tempsIn(path.dirname(target))) rmSync(path.join(path.dirname(target), n));
    const child = execa('node', [ISUOPS_BIN, ...cfg], { reject: false });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !partialTemp()) await sleep(2);
    child.kill('SIGINT');
    const stopped = await child;
    expect(stopped.exitCode).toBe(130);
    expect([readFileSync(target, 'utf8'), tempsIn(path.dirname(target))]).toEqual(['old\n', []]);
    // The next pull completes: the whole new file.
    const again = await pullFrom('isu01', [blob], dir);
    expect([again.exitCode, again.stdout]).toEqual([0, `isu01: >f.st...... ${blob}\n`]);
    expect(sha(readFileSync(target))).toBe(want);
  });

  it('a host whose connection drops mid-pull is reported lost (exit 255), no partial file; the other completes', async () => {
    const dir = `${remote}/drop`;
    await Promise.all(['isu01', 'isu02'].map((h) => execOnHost(h, `mkdir -p ${dir} && for i in $(seq 1 300); do head -c 30000 /dev/urandom > ${dir}/f$i; done`)));
    const dest = mkdtempSync(path.join(os.tmpdir(), 'isuops-pull-drop-'));
    const child = execa('node', [ISUOPS_BIN, 'pull', '-F', path.join(labDir(), 'ssh_config'), '-H', 'isu01,isu02', '--to', dest, dir], { reject: false });
    const landed = copyOf('isu01', dir, dest);
    const deadline = Date.now() + 20_000;
    while (!(existsSync(landed) && readdirSync(landed).length > 5) && Date.now() < deadline && child.exitCode === null) await sleep(2);
    await execOnHost('isu01', "pkill -KILL -f '[s]shd: isucon'");
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(255);
    expect(r.stderr).toMatch(/isuops: isu01: connection lost while pulling: \d+ files received; no partial file left/);
    expect(readdirSync(copyOf('isu02', dir, dest)).length).toBe(300);
    expect(tempsIn(landed)).toEqual([]);
    for (const n of readdirSync(landed)) expect(statSync(path.join(landed, n)).size).toBe(30000);
    rmSync(dest, { recursive: true, force: true });
  });

  it('exit codes: 2 for usage, 255 for an unreachable host', async () => {
    const usage = await runIsuops(['pull', ...labArgs(), '--to', to]);
    expect(usage.exitCode).toBe(2);
    const down = await runIsuops(['pull', '-F', path.join(labDir(), 'ssh_config'), '-H', 'isu01,127.0.0.1:1', '--to', path.join(to, 'x'), '-o', 'StrictHostKeyChecking=no', `${remote}/access.log`]);
    expect(down.exitCode).toBe(255);
    expect(readFileSync(copyOf('isu01', `${remote}/access.log`, path.join(to, 'x')), 'utf8')).toBe('GET / from isu01\n');
  });
});
