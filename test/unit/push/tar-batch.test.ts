import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { quoteCommand } from '../../../src/remote/quote.js';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSudoArgv } from '../../../src/ops/push/sudo-script.js';
import { archiveFor, cutOnAbort, describeTarError, makeTarRun, memberName, planTarStages, sendTarFiles, tarChunks, tarOps, type TarFile } from '../../../src/ops/push/tar-batch.js';
import type { SudoOp } from '../../../src/ops/push/sudo-script.js';
import type { HostSession, RemoteProcess } from '../../../src/transport/types.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'isuops-tar-batch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const file = (target: string, text: string, mode = 0o644, mtime = 1600000000): TarFile => ({ target, data: Buffer.from(text), mode, mtime });

async function archiveOf(files: TarFile[], runId: string, owner = { uid: 0, gid: 0 }): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of tarChunks(planTarStages(files, runId), owner)) parts.push(chunk);
  return Buffer.concat(parts);
}

// The push script's T and M ops, run here as the current user through `sh -c` on the quoted
// command a host would get, minus `sudo -n --`, with the archive on stdin.
function install(files: TarFile[], runId: string, archive: Buffer): { status: number | null; stderr: string } {
  const command = quoteCommand(buildSudoArgv(tarOps(planTarStages(files, runId))).slice(3));
  const r = spawnSync('/bin/sh', ['-c', command], { input: archive, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

const EVIL = 'a b $(touch pwned) `x` \'q\' "d".conf';

describe('planTarStages', () => {
  it('one staging directory per target directory, in order; a big directory gets several', () => {
    const many = Array.from({ length: 1001 }, (_, i) => file(`/big/f${i}`, ''));
    const stages = planTarStages([file('/etc/a/x', ''), file('/etc/b/y', ''), file('/etc/a/z', ''), file('/top', ''), ...many], '0123456789ab');
    expect(stages.map((s) => `${s.stage} ${s.dir} ${s.files.length}`)).toEqual([
      '/etc/a/.isuops-0123456789ab /etc/a 2',
      '/etc/b/.isuops-0123456789ab /etc/b 1',
      '/.isuops-0123456789ab / 1',
      '/big/.isuops-0123456789ab /big 1000',
      '/big/.isuops-0123456789ab-1 /big 1',
    ]);
  });

  it('names its staging directories with 12 random hex digits', () => {
    const [a] = planTarStages([file('/d/x', '')]);
    const [b] = planTarStages([file('/d/x', '')]);
    expect(a.stage).toMatch(/^\/d\/\.isuops-[0-9a-f]{12}$/);
    expect(a.stage).not.toBe(b.stage);
  });

  it('member names are the absolute paths without their leading slash (tar runs with -C /)', () => {
    expect(memberName('/etc/x')).toBe('etc/x');
    expect(memberName('//etc/x')).toBe('etc/x');
  });
});

describe('tarChunks, read back by GNU tar', () => {
  it('lists the staging directory then each file with its mode, size, mtime and owner; long names too', async () => {
    const long = `${'n'.repeat(150)}.conf`;
    const files = [file(`/srv/app/${EVIL}`, 'hello', 0o640, 1600000000), file(`/srv/app/${long}`, 'x'.repeat(70_000), 0o755, 1500000000)];
    const archive = await archiveOf(files, 'aaaaaaaaaaaa', { uid: 1000, gid: 1001 });
    const listing = execFileSync('tar', ['-t', '-v', '--numeric-owner', '--full-time', '-f', '-'], { input: archive, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    // mode owner size date time name (the name may hold spaces)
    const rows = listing.trim().split('\n').map((l) => l.replace(/^(\S+) (\S+)\s+(\d+) (\S+ \S+) /, '$1 $2 $3 $4 '));
    expect(rows).toEqual([
      expect.stringMatching(/^drwx------ 1000\/1001 0 \S+ \S+ srv\/app\/\.isuops-aaaaaaaaaaaa\/$/),
      `-rw-r----- 1000/1001 5 2020-09-13 12:26:40 srv/app/.isuops-aaaaaaaaaaaa/${EVIL}`,
      `-rwxr-xr-x 1000/1001 70000 2017-07-14 02:40:00 srv/app/.isuops-aaaaaaaaaaaa/${long}`,
    ]);
  });

  it('comes in pieces of at least 64 KiB but the last (one small SSH packet per header made the host slow)', async () => {
    const files = Array.from({ length: 300 }, (_, i) => file(`/d/f${i}`, 'x'.repeat(1000)));
    const sizes: number[] = [];
    for await (const chunk of tarChunks(planTarStages(files, 'bbbbbbbbbbbb'), { uid: 0, gid: 0 })) sizes.push(chunk.length);
    expect(sizes.length).toBeGreaterThan(1);
    expect(sizes.slice(0, -1).every((n) => n >= 64 * 1024)).toBe(true);
  });
});

describe('the T and M ops of the push script', () => {
  it('install every file with its bytes, mode and mtime under its own name (any bytes), replacing what was there; no staging left', async () => {
    const dir = path.join(root, 'ok');
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    writeFileSync(path.join(dir, '.hidden'), 'old');
    const names = [EVIL, '.hidden', '..dots', '*', 'new\nline', '-n'];
    const files = [...names.map((n, i) => file(path.join(dir, n), `v${i}`, 0o600 + i, 1400000000 + i)), file(path.join(dir, 'sub', 'deep'), 'deep')];
    const r = install(files, 'cccccccccccc', await archiveOf(files, 'cccccccccccc'));
    expect(r).toEqual({ status: 0, stderr: '' });
    expect(readdirSync(dir).sort()).toEqual([...names, 'sub'].sort());
    for (const [i, n] of names.entries()) {
      const st = lstatSync(path.join(dir, n));
      expect([readFileSync(path.join(dir, n), 'utf8'), st.mode & 0o777, Math.floor(st.mtimeMs / 1000)]).toEqual([`v${i}`, 0o600 + i, 1400000000 + i]);
    }
    expect(readdirSync(path.join(dir, 'sub'))).toEqual(['deep']);
    expect(existsSync('pwned') || existsSync(path.join(dir, 'pwned'))).toBe(false);
  });

  it('a stream cut inside a file installs nothing and removes every staging directory; exit 1', async () => {
    const dir = path.join(root, 'cut');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'b'), 'old b');
    const files = [file(path.join(dir, 'a'), 'A'.repeat(5000)), file(path.join(dir, 'b'), 'B'.repeat(5000))];
    const archive = await archiveOf(files, 'dddddddddddd');
    // directory header, a's header and data (10 blocks), b's header, then half of b
    const r = install(files, 'dddddddddddd', archive.subarray(0, 512 * 13 + 2500));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^tar: /);
    expect(readdirSync(dir)).toEqual(['b']);
    expect(readFileSync(path.join(dir, 'b'), 'utf8')).toBe('old b');
  });

  it('a stream cut between files leaves each target old or whole new, never partial; no staging left', async () => {
    const dir = path.join(root, 'between');
    mkdirSync(dir);
    const files = [file(path.join(dir, 'a'), 'A'.repeat(5000)), file(path.join(dir, 'b'), 'B'.repeat(5000))];
    const archive = await archiveOf(files, 'eeeeeeeeeeee');
    install(files, 'eeeeeeeeeeee', archive.subarray(0, 512 * 12));
    for (const name of readdirSync(dir)) {
      expect(name).toMatch(/^[ab]$/);
      expect(readFileSync(path.join(dir, name), 'utf8')).toBe(name.toUpperCase().repeat(5000));
    }
  });

  it('Ctrl-C cuts the stream so that the host installs nothing of it, even where the cut falls between files', async () => {
    const dir = path.join(root, 'ctrl-c');
    mkdirSync(dir);
    // 60 KiB files: every 64 KiB piece of the archive ends where a file ends
    const files = Array.from({ length: 6 }, (_, i) => file(path.join(dir, `f${i}`), String(i).repeat(60 * 1024)));
    const abort = new AbortController();
    const parts: Buffer[] = [];
    for await (const chunk of cutOnAbort(tarChunks(planTarStages(files, '111111111111'), { uid: 0, gid: 0 }), abort.signal)) {
      parts.push(chunk);
      abort.abort();
    }
    expect(parts.length).toBe(2);
    expect(parts[1]).toEqual(Buffer.alloc(512, 0xff));
    const r = install(files, '111111111111', Buffer.concat(parts));
    expect(r.status).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('without tar on the host: one clear line, exit 1, nothing staged', async () => {
    const dir = path.join(root, 'no-tar');
    mkdirSync(dir);
    const files = [file(path.join(dir, 'a'), 'a')];
    const command = quoteCommand(buildSudoArgv(tarOps(planTarStages(files, '222222222222'))).slice(3));
    const r = spawnSync('/bin/sh', ['-c', command], { input: await archiveOf(files, '222222222222'), encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } });
    expect(r.status).toBe(1);
    // (the shell's own complaints about the other tools this PATH hides come after it)
    expect(r.stderr.split('\n')[0]).toBe('isuops: tar is not installed on this host (push --sudo sends many small files through it)');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a directory in the way of a file: that staging directory is removed, the host hears which directory', async () => {
    const dir = path.join(root, 'busy');
    mkdirSync(path.join(dir, 'x'), { recursive: true });
    writeFileSync(path.join(dir, 'x', 'keep'), 'k');
    const files = [file(path.join(dir, 'x'), 'file now'), file(path.join(dir, 'y'), 'y')];
    const r = install(files, 'ffffffffffff', await archiveOf(files, 'ffffffffffff'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`isuops: could not write files into ${dir}`);
    expect(readdirSync(dir).filter((n) => n.startsWith('.isuops-'))).toEqual([]);
    expect(readFileSync(path.join(dir, 'x', 'keep'), 'utf8')).toBe('k');
  });
});

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}

describe('archiveFor: one archive per run for every host that needs the same one', () => {
  it('packs the same stages and owner once per run (the very same chunks); another owner or no run packs anew', async () => {
    const data = Buffer.from('same bytes');
    const stages = planTarStages([{ target: '/etc/app/a.conf', data, mode: 0o644, mtime: 1600000000 }], 'aaaaaaaaaaaa');
    const run = makeTarRun();
    const first = await collect(archiveFor(stages, { uid: 0, gid: 0 }, run));
    const second = await collect(archiveFor(stages, { uid: 0, gid: 0 }, run));
    expect(second.length).toBe(first.length);
    second.forEach((c, i) => expect(c).toBe(first[i]));
    const other = await collect(archiveFor(stages, { uid: 1000, gid: 1000 }, run));
    expect(run.archives.size).toBe(2);
    expect(Buffer.concat(other).equals(Buffer.concat(first))).toBe(false);
    const alone = await collect(archiveFor(stages, { uid: 0, gid: 0 }));
    expect([alone[0] === first[0], Buffer.concat(alone).equals(Buffer.concat(first))]).toEqual([false, true]);
  });

  it('another file with the same name, size and time is another archive', async () => {
    const run = makeTarRun();
    const stagesOf = (text: string) => planTarStages([{ target: '/x/a', data: Buffer.from(text), mode: 0o644, mtime: 1 }], 'bbbbbbbbbbbb');
    await collect(archiveFor(stagesOf('one'), { uid: 0, gid: 0 }, run));
    await collect(archiveFor(stagesOf('two'), { uid: 0, gid: 0 }, run));
    expect(run.archives.size).toBe(2);
  });
});

/** A host session that runs each command here (minus `sudo -n --`) and records it. */
function localSession(commands: string[]): HostSession {
  return {
    host: { name: 'local' },
    lost: false,
    exec: async (command: string, attach: (p: RemoteProcess) => void) => {
      commands.push(command);
      const child = spawn('/bin/sh', ['-c', command.replace(/^sudo -n -- /, '')]);
      const proc = Object.assign(new EventEmitter(), {
        stderr: child.stderr,
        write: (c: Buffer) => child.stdin.write(c),
        end: () => child.stdin.end(),
        close: () => child.kill(),
      });
      child.stdin.on('error', () => undefined);
      child.stdin.on('drain', () => proc.emit('drain'));
      child.stdout.on('data', (c: Buffer) => proc.emit('data', c));
      child.on('exit', (code) => proc.emit('exit', code));
      child.on('close', () => proc.emit('close'));
      attach(proc as unknown as RemoteProcess);
      return proc as unknown as RemoteProcess;
    },
    sftp: () => Promise.reject(new Error('no sftp here')),
    onLost: () => undefined,
    close: () => undefined,
  } as unknown as HostSession;
}

describe('sendTarFiles: root ops, the stream and the directory times in one command', () => {
  const me = { uid: process.getuid!(), gid: process.getgid!() };
  it('runs the ops before the stream and the times after it in one root command', async () => {
    const dir = path.join(root, 'one-command');
    const files = Array.from({ length: 8 }, (_, i) => file(path.join(dir, `f${i}`), `v${i}`));
    const before: SudoOp[] = [['P', '-', root, '-', '-', '-'], ['D', '-', dir, '0750', '-', '-']];
    const after: SudoOp[] = [['P', '-', root, '-', '-', '-'], ['A', '-', dir, '-', '-', '1500000000']];
    const commands: string[] = [];
    const sent = await sendTarFiles(localSession(commands), files, me, undefined, { before, after, run: makeTarRun() });
    expect([commands.length, sent.files, readdirSync(dir).sort(), readFileSync(path.join(dir, 'f3'), 'utf8')]).toEqual([1, 8, files.map((f) => path.basename(f.target)).sort(), 'v3']);
    const st = lstatSync(dir);
    expect([(st.mode & 0o777).toString(8), Math.floor(st.mtimeMs / 1000)]).toEqual(['750', 1500000000]);
  });

  it('an op before the stream that fails stops the command there: nothing of the stream is installed, the host hears why', async () => {
    const dir = path.join(root, 'stopped');
    mkdirSync(path.join(dir, 'way'), { recursive: true });
    writeFileSync(path.join(dir, 'way', 'keep'), 'k');
    const files = Array.from({ length: 8 }, (_, i) => file(path.join(dir, `f${i}`), `v${i}`));
    const before: SudoOp[] = [['P', '-', root, '-', '-', '-'], ['R', '-', path.join(dir, 'way'), '-', '-', '-']];
    const commands: string[] = [];
    const err = await sendTarFiles(localSession(commands), files, me, undefined, { before, after: [] }).catch((e: unknown) => e);
    expect([commands.length, (err as Error).message]).toEqual([1, `a directory is in the way of ${dir}/way (empty it, or use --delete)`]);
    expect(readdirSync(dir)).toEqual(['way']);
  });
});

describe('describeTarError', () => {
  it.each([
    ['tar: etc/app/.isuops-0123456789ab/x.conf: Cannot open: Permission denied', 'permission denied: /etc/app/x.conf'],
    ['tar: etc/app/.isuops-0123456789ab-1/x.conf: Cannot write: No space left on device', '/etc/app/x.conf: no space left on device'],
    ['tar: etc/app/.isuops-0123456789ab: Cannot mkdir: Read-only file system', '/etc/app: read-only file system'],
    ['tar: tmp/x/.isuops-0123456789ab/f2: Wrote only 9216 of 10240 bytes', '/tmp/x/f2: wrote only 9216 of 10240 bytes (disk full?)'],
    ['tar: Unexpected EOF in archive', 'tar: Unexpected EOF in archive'],
    ['isuops: could not write files into /etc/app', 'could not write files into /etc/app'],
  ])('%s', (line, message) => {
    expect(describeTarError(line)).toBe(message);
  });
});
