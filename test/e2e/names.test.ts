import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { execOnHost, labDir, runIsuops } from './helpers.js';

// Hostile and odd names through push and pull, with rsync run on the same files as the oracle.
const local = mkdtempSync(path.join(os.tmpdir(), 'isuops-names-'));
const remote = `/tmp/isuops-names-${randomBytes(4).toString('hex')}`;
afterAll(async () => {
  rmSync(local, { recursive: true, force: true });
  await execOnHost('isu01', `rm -rf ${remote}`);
});
const cfg = (): string[] => ['-F', path.join(labDir(), 'ssh_config'), '-H', 'isu01'];
const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

/** rsync -ai's lines for copying `src` into a fresh local directory (its `<f`/`>f` as `>f`). */
async function rsyncItemize(src: string): Promise<string[]> {
  const dest = mkdtempSync(path.join(local, 'rsync-'));
  const r = await execa('rsync', ['-ai', `${src}/`, `${dest}/`]);
  return lines(r.stdout).filter((l) => !l.startsWith('.d') && !l.startsWith('cd'));
}

describe('names with control characters', () => {
  it('push itemizes them escaped as rsync does (\\#033, \\#012), never raw', async () => {
    const src = path.join(local, 'ctl');
    mkdirSync(src);
    for (const n of ['esc\u001b[31mred', 'new\nline', 'tab\tkept']) {
      writeFileSync(path.join(src, n), 'x\n');
      utimesSync(path.join(src, n), new Date('2024-01-01'), new Date('2024-01-01'));
    }
    const r = await runIsuops(['push', ...cfg(), `${src}/`, '--dest', `${remote}/ctl`]);
    expect(r.exitCode, r.stderr).toBe(0);
    const files = lines(r.stdout).filter((l) => l.includes('>f'));
    expect(files.map((l) => l.replace(`isu01: `, '').replace(`${remote}/ctl/`, '')).sort()).toEqual((await rsyncItemize(src)).sort());
    expect(r.stdout).not.toMatch(/\u001b/);
  });

  it('an error line naming a remote path escapes it', async () => {
    const p = `${remote}/gone\u001b]0;title\u0007`;
    const r = await runIsuops(['pull', ...cfg(), '--to', path.join(local, 'pulled'), p]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`isuops: isu01: no such file or directory: ${remote}/gone\\#033]0;title\\#007\n`);
    expect(r.stderr).not.toMatch(/[\u0007\u001b]/);
  });
});

describe('long names and old times', () => {
  it('a 250-byte name: push and pull keep their temporaries within NAME_MAX', async () => {
    const src = path.join(local, 'long');
    mkdirSync(src);
    const name = `${'n'.repeat(246)}.log`;
    writeFileSync(path.join(src, name), 'long\n');
    const pushed = await runIsuops(['push', ...cfg(), `${src}/`, '--dest', `${remote}/long`]);
    expect([pushed.exitCode, pushed.stdout], pushed.stderr).toEqual([0, `isu01: cd+++++++++ ${remote}/long/\nisu01: >f+++++++++ ${remote}/long/${name}\n`]);
    const to = path.join(local, 'long-pulled');
    const pulled = await runIsuops(['pull', ...cfg(), '--to', to, `${remote}/long/${name}`]);
    expect([pulled.exitCode, pulled.stdout], pulled.stderr).toEqual([0, `isu01: >f+++++++++ ${remote}/long/${name}\n`]);
    expect(readFileSync(path.join(to, 'isu01', remote, 'long', name), 'utf8')).toBe('long\n');
  });

  it('an mtime before 1970 is kept by push and by pull, as rsync keeps it', async () => {
    const src = path.join(local, 'old');
    mkdirSync(src);
    const file = path.join(src, 'sixties.txt');
    writeFileSync(file, 'old\n');
    const t = new Date('1960-01-01T00:00:00Z');
    utimesSync(file, t, t);
    // The oracle: what rsync -t makes of the same file.
    const viaRsync = path.join(local, 'old-rsync');
    await execa('rsync', ['-t', file, `${viaRsync}`]);
    const want = Math.floor(statSync(viaRsync).mtimeMs / 1000);
    expect(want).toBe(t.getTime() / 1000);
    const pushed = await runIsuops(['push', ...cfg(), file, '--dest', `${remote}/old.txt`]);
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    expect(Number((await execOnHost('isu01', `stat -c %Y ${remote}/old.txt`)).stdout.trim())).toBe(want);
    // Up to date now: the second push has nothing to do.
    const again = await runIsuops(['push', ...cfg(), file, '--dest', `${remote}/old.txt`]);
    expect([again.exitCode, again.stdout]).toEqual([0, '']);
    const to = path.join(local, 'old-pulled');
    const pulled = await runIsuops(['pull', ...cfg(), '--to', to, `${remote}/old.txt`]);
    expect([pulled.exitCode, pulled.stdout], pulled.stderr).toEqual([0, `isu01: >f+++++++++ ${remote}/old.txt\n`]);
    expect(Math.floor(statSync(path.join(to, 'isu01', remote, 'old.txt')).mtimeMs / 1000)).toBe(want);
  });
});

describe('symlinks already inside --to', () => {
  it('are replaced as rsync replaces them (a real directory, a real file), never written through', async () => {
    await execOnHost('isu01', `mkdir -p ${remote}/sl/sub && echo remote > ${remote}/sl/f.log && echo sub > ${remote}/sl/sub/g.log`);
    const to = path.join(local, 'sl-to');
    const victim = path.join(local, 'sl-victim');
    const here = path.join(to, 'isu01', remote, 'sl');
    mkdirSync(here, { recursive: true });
    mkdirSync(victim);
    writeFileSync(path.join(victim, 'f'), 'victim\n');
    symlinkSync(path.join(victim, 'f'), path.join(here, 'f.log'));
    symlinkSync(victim, path.join(here, 'sub'));
    const r = await runIsuops(['pull', ...cfg(), '--to', to, `${remote}/sl`]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect([readdirSync(victim), readFileSync(path.join(victim, 'f'), 'utf8')]).toEqual([['f'], 'victim\n']);
    expect([lstatSync(path.join(here, 'sub')).isDirectory(), lstatSync(path.join(here, 'f.log')).isFile()]).toEqual([true, true]);
    expect([readFileSync(path.join(here, 'sub', 'g.log'), 'utf8'), readFileSync(path.join(here, 'f.log'), 'utf8')]).toEqual(['sub\n', 'remote\n']);
  });
});

describe('names that are not UTF-8', () => {
  it('are refused with one line naming the path escaped (\\#377), push and pull; the other files go', async () => {
    const src = path.join(local, 'nu');
    mkdirSync(src);
    writeFileSync(path.join(src, 'good.txt'), 'good\n');
    writeFileSync(Buffer.concat([Buffer.from(`${src}/bad`), Buffer.from([0xff]), Buffer.from('name')]), 'bad\n');
    const pushed = await runIsuops(['push', ...cfg(), `${src}/`, '--dest', `${remote}/nu`]);
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    expect(pushed.stderr).toContain(`isuops: skipping ${src}/bad\\#377name: name is not UTF-8 (isuops carries names as UTF-8)\n`);
    expect(lines(pushed.stdout)).toContain(`isu01: >f+++++++++ ${remote}/nu/good.txt`);
    await execOnHost('isu01', `printf x > "${remote}/nu/$(printf 'bad\\377x')"`);
    const to = path.join(local, 'nu-pulled');
    const pulled = await runIsuops(['pull', ...cfg(), '--to', to, `${remote}/nu`]);
    expect(pulled.exitCode).toBe(1);
    expect(pulled.stderr).toContain(`isuops: isu01: name is not UTF-8, not pulled (isuops carries names as UTF-8): ${remote}/nu/bad\\#377x\n`);
    expect(readFileSync(path.join(to, 'isu01', remote, 'nu', 'good.txt'), 'utf8')).toBe('good\n');
  });
});
