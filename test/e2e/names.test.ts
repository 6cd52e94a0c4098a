import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { execOnHost, ISUOPS_BIN, labDir, runIsuops } from './helpers.js';

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

describe('names that are not UTF-8 are carried as bytes, as rsync carries them', () => {
  const ssh = ['ssh', '-F', path.join(labDir(), 'ssh_config')].join(' ');
  const bytes = (...parts: Array<string | number[]>): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
  const at = (dir: string, name: Buffer): Buffer => Buffer.concat([Buffer.from(`${dir}/`), name]);
  // Every name below DIR on the host, as bytes (hex, NUL-separated, sorted bytewise).
  const remoteNames = async (dir: string): Promise<string> => (await execOnHost('isu01', `cd ${dir} && find . -mindepth 1 -printf '%P\\0' | LC_ALL=C sort -z | od -An -v -tx1 | tr -d ' \\n'`)).stdout;
  const localNames = (dir: string): string => {
    const out: Buffer[] = [];
    const walk = (d: Buffer, rel: Buffer | undefined): void => {
      for (const n of readdirSync(d, { encoding: 'buffer' })) {
        const r = rel ? Buffer.concat([rel, Buffer.from('/'), n]) : n;
        out.push(r);
        if (lstatSync(Buffer.concat([d, Buffer.from('/'), n])).isDirectory()) walk(Buffer.concat([d, Buffer.from('/'), n]), r);
      }
    };
    walk(Buffer.from(dir), undefined);
    return Buffer.concat(out.sort(Buffer.compare).flatMap((n) => [n, Buffer.alloc(1)])).toString('hex');
  };
  // rsync -ai's lines (its `<f` as isuops's `>f`), the same in the C and a UTF-8 locale: both
  // escape a byte that is not UTF-8 as \#ooo (the C locale's dry run first)
  const rsync = async (args: string[]): Promise<string[]> => {
    const c = await execa('rsync', ['-ain', '-e', ssh, ...args], { env: { LC_ALL: 'C' }, reject: false });
    const utf8 = await execa('rsync', ['-ai', '-e', ssh, ...args], { env: { LC_ALL: 'C.UTF-8' }, reject: false });
    expect(c.stdout).toBe(utf8.stdout);
    return lines(utf8.stdout).filter((l) => !l.startsWith('created directory')).map((l) => l.replace(/^<f/, '>f'));
  };
  // isuops's lines for what is below `root` (not a parent it had to make), named as rsync names them
  const strip = (out: string, root: string): string[] =>
    lines(out).filter((l) => l.startsWith('isu01: ') && l.includes(` ${root}/`)).map((l) => l.slice(7).replace(` ${root}/`, ' ').replace(/ $/, ' ./'));

  it('push: the host gets exactly those bytes, itemized as rsync -i does (\\#351); --dry-run, --delete and a re-push agree with rsync', async () => {
    const src = path.join(local, 'nb');
    mkdirSync(src);
    writeFileSync(at(src, bytes('caf', [0xe9], '.txt')), 'latin-1\n');
    writeFileSync(path.join(src, 'ok.txt'), 'ok\n');
    mkdirSync(at(src, bytes([0xff, 0xfe], 'dir')));
    writeFileSync(at(src, bytes([0xff, 0xfe], 'dir/in', [0xe9])), 'inner\n');
    symlinkSync(at(src, bytes('caf', [0xe9], '.txt')), at(src, bytes('link', [0xe9])));
    const pushed = await runIsuops(['push', ...cfg(), `${src}/`, '--dest', `${remote}/nb`]);
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    const oracle = await rsync([`${src}/`, `isu01:${remote}/nb-rsync/`]);
    expect(strip(pushed.stdout, `${remote}/nb`)).toEqual(oracle);
    expect(pushed.stdout).toContain(`>f+++++++++ ${remote}/nb/\\#377\\#376dir/in\\#351\n`);
    expect(await remoteNames(`${remote}/nb`)).toBe(localNames(src));
    expect(await remoteNames(`${remote}/nb-rsync`)).toBe(localNames(src));
    expect((await execOnHost('isu01', `cat ${remote}/nb/"$(printf '\\377\\376')"dir/in"$(printf '\\351')"; readlink ${remote}/nb/link"$(printf '\\351')" | od -An -c`)).stdout).toMatch(/^inner\n.*f\s+351\s+\.\s+t\s+x\s+t/s);
    // up to date the second time, as with rsync
    const again = await runIsuops(['push', ...cfg(), `${src}/`, '--dest', `${remote}/nb`]);
    expect([again.exitCode, strip(again.stdout, `${remote}/nb`)]).toEqual([0, []]);
    // a host file whose name is not UTF-8 and that the source lacks: --dry-run lists it, --delete removes it
    await execOnHost('isu01', `for d in nb nb-rsync; do printf x > ${remote}/$d/gone"$(printf '\\351')"; done`);
    const dry = await runIsuops(['push', ...cfg(), '--delete', '--dry-run', `${src}/`, '--dest', `${remote}/nb`]);
    const dryOracle = await rsync(['--delete', '--dry-run', `${src}/`, `isu01:${remote}/nb-rsync/`]);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(strip(dry.stdout, `${remote}/nb`).filter((l) => l.startsWith('*'))).toEqual(dryOracle.filter((l) => l.startsWith('*')));
    expect(dry.stdout).toContain(`*deleting   ${remote}/nb/gone\\#351\n`);
    expect(await remoteNames(`${remote}/nb`)).not.toBe(localNames(src));
    const del = await runIsuops(['push', ...cfg(), '--delete', `${src}/`, '--dest', `${remote}/nb`]);
    await rsync(['--delete', `${src}/`, `isu01:${remote}/nb-rsync/`]);
    expect(del.exitCode, del.stderr).toBe(0);
    expect(await remoteNames(`${remote}/nb`)).toBe(localNames(src));
    expect(await remoteNames(`${remote}/nb-rsync`)).toBe(localNames(src));
  });

  it('a PATH or --dest that is not UTF-8 is taken as its bytes (Node decodes argv lossily: read again from /proc)', async () => {
    writeFileSync(at(local, bytes('arg', [0xe9], '.txt')), 'arg\n');
    // Node cannot pass such bytes in argv: a shell makes them
    const viaShell = (script: string) => execa('sh', ['-c', script, 'sh', ISUOPS_BIN, path.join(labDir(), 'ssh_config'), local, remote], { reject: false, stripFinalNewline: false });
    const pushed = await viaShell(`exec node "$1" push -F "$2" -H isu01 "$3/$(printf 'arg\\351.txt')" --dest "$4/$(printf 'nba\\351')/"`);
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    expect(pushed.stdout).toContain(`>f+++++++++ ${remote}/nba\\#351/arg\\#351.txt\n`);
    expect((await execOnHost('isu01', `cat ${remote}/nba"$(printf '\\351')"/arg"$(printf '\\351')".txt`)).stdout).toBe('arg\n');
    const pulled = await viaShell(`exec node "$1" pull -F "$2" -H isu01 --to "$3/$(printf 'to\\351')/x" "$4/$(printf 'nba\\351')/*.txt"`);
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    expect(readFileSync(at(local, bytes('to', [0xe9], `/x/isu01${remote}/nba`, [0xe9], '/arg', [0xe9], '.txt')), 'utf8')).toBe('arg\n');
  });

  it('exec: a command with bytes that are not UTF-8 reaches the host as those bytes, as with ssh', async () => {
    await execOnHost('isu01', `mkdir -p ${remote} && printf 'exec ok\\n' > ${remote}/e"$(printf '\\351')"`);
    const viaShell = (tool: string) =>
      execa('sh', ['-c', `exec ${tool} "$(printf 'cat %s/e\\351; printf %%s \\351\\377 | od -An -tx1' "$2")"`, 'sh', path.join(labDir(), 'ssh_config'), remote, ISUOPS_BIN], { reject: false });
    const oracle = await viaShell('ssh -F "$1" isu01');
    expect(lines(oracle.stdout)).toEqual(['exec ok', ' e9 ff']);
    const r = await viaShell('node "$3" exec -F "$1" -H isu01');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(lines(r.stdout)).toEqual(lines(oracle.stdout).map((l) => `isu01: ${l}`));
  });

  it('push --checksum sends a changed file of the same size and time whose name is not UTF-8', async () => {
    const src = path.join(local, 'nbc');
    mkdirSync(src);
    const file = at(src, bytes('sum', [0xe9]));
    writeFileSync(file, 'one\n');
    utimesSync(file, new Date('2024-01-01'), new Date('2024-01-01'));
    expect((await runIsuops(['push', ...cfg(), `${src}/`, '--dest', `${remote}/nbc`])).exitCode).toBe(0);
    writeFileSync(file, 'two\n');
    utimesSync(file, new Date('2024-01-01'), new Date('2024-01-01'));
    expect(strip((await runIsuops(['push', ...cfg(), `${src}/`, '--dest', `${remote}/nbc`])).stdout, `${remote}/nbc`)).toEqual([]);
    const r = await runIsuops(['push', ...cfg(), '--checksum', `${src}/`, '--dest', `${remote}/nbc`]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(strip(r.stdout, `${remote}/nbc`)).toEqual(['>fc........ sum\\#351']);
    expect((await execOnHost('isu01', `cat ${remote}/nbc/sum"$(printf '\\351')"`)).stdout).toBe('two\n');
  });

  it('push --sudo: by the tar stream and one by one, every name arrives as its bytes, owned by root', async () => {
    const src = path.join(local, 'nbs');
    mkdirSync(src);
    for (let i = 0; i < 9; i++) writeFileSync(path.join(src, `f${i}`), `${i}\n`);
    writeFileSync(at(src, bytes('z', [0xe9])), 'z\n');
    mkdirSync(at(src, bytes('d', [0xe9])));
    writeFileSync(at(src, bytes('d', [0xe9], '/w', [0xe9, 0xff])), 'w\n');
    const r = await runIsuops(['push', ...cfg(), '--sudo', `${src}/`, '--dest', `${remote}/nbs`]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`>f+++++++++ ${remote}/nbs/d\\#351/w\\#351\\#377\n`);
    expect(await remoteNames(`${remote}/nbs`)).toBe(localNames(src));
    expect((await execOnHost('isu01', `cd ${remote}/nbs && cat z"$(printf '\\351')" d"$(printf '\\351')"/w"$(printf '\\351\\377')" && stat -c %U z"$(printf '\\351')"`)).stdout).toBe('z\nw\nroot\n');
  });

  it('pull: the local files get the same bytes; an unreadable one is named escaped (\\#351) in its error line', async () => {
    await execOnHost('isu01', `mkdir -p ${remote}/pb/"$(printf '\\377')"d && cd ${remote}/pb && printf c > caf"$(printf '\\351')".log && printf i > "$(printf '\\377')"d/in"$(printf '\\351')" && printf s > secret"$(printf '\\351')" && chmod 000 secret"$(printf '\\351')"`);
    const to = path.join(local, 'pb-pulled');
    const pulled = await runIsuops(['pull', ...cfg(), '--to', to, `${remote}/pb`]);
    expect(pulled.exitCode).toBe(1);
    expect(pulled.stderr).toContain(`isuops: isu01: permission denied: ${remote}/pb/secret\\#351 (try --sudo)\n`);
    const oracle = await execa('rsync', ['-ai', '-e', ssh, `isu01:${remote}/pb/`, path.join(local, 'pb-rsync/')], { env: { LC_ALL: 'C.UTF-8' }, reject: false });
    expect(oracle.stderr).toContain(`"${remote}/pb/secret\\#351": Permission denied`);
    expect(pulled.stdout).toContain(`>f+++++++++ ${remote}/pb/caf\\#351.log\n`);
    expect(lines(oracle.stdout)).toContain('>f+++++++++ caf\\#351.log');
    const got = path.join(to, 'isu01', remote, 'pb');
    expect(localNames(got)).toBe(localNames(path.join(local, 'pb-rsync')));
    expect(readFileSync(at(got, bytes([0xff], 'd/in', [0xe9])), 'utf8')).toBe('i');
    expect(readFileSync(at(got, bytes('caf', [0xe9], '.log')), 'utf8')).toBe('c');
    await execOnHost('isu01', `chmod 600 ${remote}/pb/secret"$(printf '\\351')"`);
  });
});
