import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execOnHost, labArgs, labDir, labHosts, runIsuops } from './helpers.js';

// Sources live in a fresh local dir under /tmp; each lab host has its own /tmp, so the same
// absolute path on a host starts empty. Remote files are read through LAB/hosts/<name>/<path>.
const local = mkdtempSync(path.join(os.tmpdir(), 'isuops-push-e2e-'));
const unit = `isuops-e2e-${randomBytes(4).toString('hex')}.service`;
afterAll(async () => {
  rmSync(local, { recursive: true, force: true });
  await Promise.all(labHosts().map((h) => execOnHost(h, `rm -rf ${local} /etc/systemd/system/${unit}`)));
});

const T1 = new Date('2024-01-02T03:04:05Z');
const T2 = new Date('2024-05-06T07:08:09Z');
const onHost = (host: string, p: string): string => path.join(labDir(), 'hosts', host, p);
const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');
const sorted = (text: string): string[] => lines(text).sort();
const forAll = (line: string): string[] => labHosts().map((h) => `${h}: ${line}`);
const write = (p: string, body: string | Buffer, mode = 0o644, time = T1): string => {
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, body);
  chmodSync(p, mode);
  utimesSync(p, time, time);
  return p;
};
const push = (args: string[]) => runIsuops(['push', ...labArgs(), ...args]);
// One host only (-H with the lab's ssh config).
const pushTo = (host: string, args: string[]) => runIsuops(['push', '-F', path.join(labDir(), 'ssh_config'), '-H', host, ...args]);

describe('push', () => {
  const conf = path.join(local, 'etc', 'app.conf');

  it('--dry-run itemizes a new file on every host and writes nothing', async () => {
    write(conf, 'port=80\n');
    const r = await push([conf, '--dry-run']);
    expect(r.exitCode).toBe(0);
    expect(sorted(r.stdout)).toEqual([...forAll(`cd+++++++++ ${local}/`), ...forAll(`cd+++++++++ ${local}/etc/`), ...forAll(`>f+++++++++ ${conf}`)].sort());
    expect(r.stderr).toMatch(/dry run: 5 would change, 0 up to date, 0 failed, nothing written/);
    for (const h of labHosts()) expect(existsSync(onHost(h, local))).toBe(false);
  });

  it('writes the same bytes, mode and mtime to the same path everywhere; a second run is up to date', async () => {
    write(conf, 'port=80\n', 0o640);
    const r = await push([conf]);
    expect(r.exitCode).toBe(0);
    expect(sorted(r.stdout)).toContain(`isu01: >f+++++++++ ${conf}`);
    expect(r.stderr).toMatch(/push: 5 changed, 0 up to date, 0 failed, 5 files \(40 B\) sent/);
    for (const h of labHosts()) {
      const st = lstatSync(onHost(h, conf));
      expect([readFileSync(onHost(h, conf), 'utf8'), (st.mode & 0o7777).toString(8), st.mtimeMs, st.uid]).toEqual(['port=80\n', '640', T1.getTime(), lstatSync(onHost(h, '/home/isucon')).uid]);
      expect(readdirSync(path.dirname(onHost(h, conf)))).toEqual(['app.conf']);
    }
    const again = await push([conf]);
    expect([again.exitCode, again.stdout]).toEqual([0, '']);
    expect(again.stderr).toMatch(/push: 0 changed, 5 up to date, 0 failed, 0 files \(0 B\) sent/);
  });

  it('itemizes changed size+time and a mode-only change like rsync -i', async () => {
    write(conf, 'port=8080\n', 0o640, T2);
    const r = await push([conf]);
    expect([r.exitCode, sorted(r.stdout)]).toEqual([0, forAll(`>f.st...... ${conf}`)]);
    chmodSync(conf, 0o600);
    const m = await push([conf]);
    expect([m.exitCode, sorted(m.stdout)]).toEqual([0, forAll(`.f...p..... ${conf}`)]);
    expect((lstatSync(onHost('isu05', conf)).mode & 0o777).toString(8)).toBe('600');
  });

  it('repairs drift on one host only, and --diff folds hosts with the same diff', async () => {
    const ino = lstatSync(onHost('isu01', conf)).ino;
    writeFileSync(onHost('isu03', conf), 'port=9999\n');
    const diff = await push([conf, '--diff', '-n']);
    expect(diff.exitCode).toBe(0);
    expect(lines(diff.stdout)).toEqual([`isu03: >f..t...... ${conf}`, '---------------', 'isu03 (1)', '---------------', `--- ${conf}\tremote`, `+++ ${conf}\tlocal`, '@@ -1,1 +1,1 @@', '-port=9999', '+port=8080']);
    writeFileSync(onHost('isu02', conf), 'port=1\n');
    writeFileSync(onHost('isu04', conf), 'port=1\n');
    const folded = await push([conf, '--diff', '-n']);
    expect(folded.stdout).toContain('isu[02,04] (2)\n');
    expect(folded.stdout).toContain('isu03 (1)\n');
    const r = await push([conf]);
    expect([r.exitCode, sorted(r.stdout)]).toEqual([0, [`isu02: >f.st...... ${conf}`, `isu03: >f..t...... ${conf}`, `isu04: >f.st...... ${conf}`]]);
    expect(r.stderr).toMatch(/push: 3 changed, 2 up to date/);
    for (const h of labHosts()) expect(readFileSync(onHost(h, conf), 'utf8')).toBe('port=8080\n');
    // isu01 had nothing to repair: its file was never rewritten.
    expect(lstatSync(onHost('isu01', conf)).ino).toBe(ino);
  });

  it('pushes directories recursively with symlinks kept, --delete shown in dry-run first', async () => {
    const tree = path.join(local, 'tree');
    write(path.join(tree, 'a.txt'), 'a\n');
    write(path.join(tree, 'sub', 'b.txt'), 'b\n', 0o600);
    symlinkSync('a.txt', path.join(tree, 'link'));
    for (const d of [path.join(tree, 'sub'), tree]) utimesSync(d, T1, T1);
    const r = await pushTo('isu01', [tree]);
    expect([r.exitCode, lines(r.stdout)]).toEqual([0, [`cd+++++++++ ${tree}/`, `>f+++++++++ ${tree}/a.txt`, `cL+++++++++ ${tree}/link -> a.txt`, `cd+++++++++ ${tree}/sub/`, `>f+++++++++ ${tree}/sub/b.txt`].map((l) => `isu01: ${l}`)]);
    expect(readlinkSync(onHost('isu01', `${tree}/link`))).toBe('a.txt');
    expect(lstatSync(onHost('isu01', `${tree}/sub`)).mtimeMs).toBe(T1.getTime());
    await execOnHost('isu01', `cd ${tree} && su isucon -c 'echo x > sub/extra && mkdir olddir && echo x > olddir/f'`);
    const dry = await pushTo('isu01', [tree, '--delete', '-n']);
    // Writing into the remote directories changed their mtimes too: rsync reports that as well.
    expect(lines(dry.stdout)).toEqual([`*deleting   ${tree}/sub/extra`, `*deleting   ${tree}/olddir/f`, `*deleting   ${tree}/olddir/`, `.d..t...... ${tree}/`, `.d..t...... ${tree}/sub/`].map((l) => `isu01: ${l}`));
    expect(existsSync(onHost('isu01', `${tree}/olddir/f`))).toBe(true);
    const del = await pushTo('isu01', [tree, '--delete']);
    expect(del.exitCode).toBe(0);
    expect(readdirSync(onHost('isu01', tree)).sort()).toEqual(['a.txt', 'link', 'sub']);
    expect((await pushTo('isu01', [tree, '--delete'])).stdout).toBe('');
  });

  it('treats paths as data (plain, -c and --sudo), never as shell', async () => {
    const marker = `/tmp/pwned-${randomBytes(3).toString('hex')}`;
    const evil = write(path.join(local, 'evil', `a b $(touch ${marker}) \`touch ${marker}\` 'q'.conf`), 'evil\n');
    const r = await push([evil]);
    expect([r.exitCode, sorted(r.stdout).filter((l) => l.includes('>f'))]).toEqual([0, forAll(`>f+++++++++ ${evil}`)]);
    writeFileSync(evil, 'EVIL\n');
    utimesSync(evil, T1, T1);
    const c = await push([evil, '-c', '--sudo', '--then', 'true']);
    expect([c.exitCode, sorted(c.stdout)]).toEqual([0, forAll(`>fc........ ${evil}`)]);
    for (const h of labHosts()) {
      expect(readFileSync(onHost(h, evil), 'utf8')).toBe('EVIL\n');
      expect((await execOnHost(h, `test -e ${marker} && echo yes || echo no`)).stdout.trim()).toBe('no');
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('a target that is not writable fails that host alone with "permission denied" and the path (exit 1)', async () => {
    const locked = write(path.join(local, 'locked', 'f.conf'), 'x\n');
    await execOnHost('isu04', `mkdir -p ${path.dirname(locked)} && chown root:root ${path.dirname(locked)} && chmod 755 ${path.dirname(locked)}`);
    const r = await push([locked]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`isuops: isu04: permission denied: ${locked}`);
    expect(r.stderr).toMatch(/push: 4 changed, 0 up to date, 1 failed/);
    expect(existsSync(onHost('isu03', locked))).toBe(true);
    expect(readdirSync(onHost('isu04', path.dirname(locked)))).toEqual([]);
  });

  it('a remote directory that cannot be read fails that host with "permission denied" and its path, found by the remote scan (exit 1)', async () => {
    const tree = path.join(local, 'scan-denied');
    write(path.join(tree, 'sub', 'f.conf'), 'x\n');
    write(path.join(tree, 'top.conf'), 'y\n');
    // isu02: sub/ exists there, root's and unreadable: the walk cannot list it
    await execOnHost('isu02', `mkdir -p ${tree}/sub && chown isucon ${tree} && chown root:root ${tree}/sub && chmod 700 ${tree}/sub`);
    const r = await push([`${tree}/`, '--dest', tree]);
    expect(r.exitCode).toBe(1);
    expect(lines(r.stderr).filter((l) => l.startsWith('isuops: isu02:'))).toEqual([`isuops: isu02: permission denied: ${tree}/sub (try --sudo)`]);
    expect(r.stderr).toMatch(/push: 4 changed, 0 up to date, 1 failed/);
    expect(readFileSync(onHost('isu03', path.join(tree, 'sub', 'f.conf')), 'utf8')).toBe('x\n');
  });

  it('--sudo writes root-owned files atomically; --then runs only where something changed; its failure fails the host', async () => {
    const svc = write(path.join(local, 'units', unit), '[Unit]\nDescription=e2e\n');
    const target = `/etc/systemd/system/${unit}`;
    const denied = await push([svc, '--dest', '/etc/systemd/system/']);
    expect(denied.exitCode).toBe(1);
    expect(lines(denied.stderr).filter((l) => l.includes(`permission denied: ${target}`))).toHaveLength(5);
    const r = await push([svc, '--dest', '/etc/systemd/system/', '--sudo', '--then', 'echo reloaded-$(id -u)']);
    expect(r.exitCode).toBe(0);
    expect(sorted(r.stdout)).toEqual([...forAll(`>f+++++++++ ${target}`), ...forAll('reloaded-0')].sort());
    for (const h of labHosts()) {
      const st = lstatSync(onHost(h, target));
      expect([readFileSync(onHost(h, target), 'utf8'), st.uid, st.gid, (st.mode & 0o777).toString(8), st.mtimeMs]).toEqual(['[Unit]\nDescription=e2e\n', 0, 0, '644', T1.getTime()]);
      expect(readdirSync(onHost(h, '/etc/systemd/system')).filter((n) => n.includes('isuops-'))).toEqual([unit]);
    }
    await execOnHost('isu02', `echo drift > ${target}`);
    const then = await push([svc, '--dest', '/etc/systemd/system/', '--sudo', '--then', 'echo reloaded']);
    expect([then.exitCode, sorted(then.stdout)]).toEqual([0, [`isu02: >f.st...... ${target}`, 'isu02: reloaded']]);
    await execOnHost('isu05', `echo drift > ${target}`);
    const fails = await push([svc, '--dest', '/etc/systemd/system/', '--sudo', '--then', 'exit 3']);
    expect(fails.exitCode).toBe(1);
    expect(fails.stderr).toContain('isuops: isu05: --then failed: exit code 3; ');
  });

  it('--sudo pushes a directory of many files as root: each file whole and atomic, names as data, modes and times kept; --chown', async () => {
    const marker = `pwned-${randomBytes(3).toString('hex')}`;
    const tree = path.join(local, 'sudo-tree');
    const names = ['a.conf', `b $(touch ${marker}) \`touch ${marker}\` 'q'.conf`, '.hidden', '*', '-n', ...Array.from({ length: 40 }, (_, i) => `f${i}`)];
    for (const [i, n] of names.entries()) write(path.join(tree, 'etc', n), `file ${i}\n`, i % 2 ? 0o600 : 0o644);
    write(path.join(tree, 'etc', 'suid'), 'suid\n', 0o4755);
    utimesSync(path.join(tree, 'etc'), T2, T2);
    utimesSync(tree, T2, T2);
    const dest = `/etc/systemd/system/e2e-tree-${randomBytes(3).toString('hex')}`;
    const r = await push([`${tree}/`, '--dest', dest, '--sudo']);
    expect(r.exitCode, r.stderr).toBe(0);
    for (const h of labHosts()) {
      const dir = onHost(h, `${dest}/etc`);
      expect(readdirSync(dir).sort()).toEqual([...names, 'suid'].sort());
      for (const [i, n] of names.entries()) {
        const st = lstatSync(path.join(dir, n));
        expect([readFileSync(path.join(dir, n), 'utf8'), st.uid, (st.mode & 0o7777).toString(8), st.mtimeMs]).toEqual([`file ${i}\n`, 0, i % 2 ? '600' : '644', T1.getTime()]);
      }
      expect((lstatSync(path.join(dir, 'suid')).mode & 0o7777).toString(8)).toBe('4755');
      expect(lstatSync(dir).mtimeMs).toBe(T2.getTime());
      expect((await execOnHost(h, `ls -A / /root /home/isucon /tmp | grep -c ${marker} || true`)).stdout.trim()).toBe('0');
    }
    expect((await push([`${tree}/`, '--dest', dest, '--sudo'])).stdout).toBe('');
    writeFileSync(path.join(tree, 'etc', 'a.conf'), 'changed\n');
    const own = await push([`${tree}/`, '--dest', dest, '--sudo', '--chown', 'isucon:isucon', '-c']);
    expect(own.exitCode, own.stderr).toBe(0);
    for (const h of labHosts()) {
      const dir = onHost(h, `${dest}/etc`);
      expect(readFileSync(path.join(dir, 'a.conf'), 'utf8')).toBe('changed\n');
      expect(readdirSync(dir).map((n) => lstatSync(path.join(dir, n)).uid).every((uid) => uid === lstatSync(onHost(h, '/home/isucon')).uid)).toBe(true);
      expect((lstatSync(path.join(dir, 'suid')).mode & 0o7777).toString(8)).toBe('4755');
    }
  });

  it('a non-empty directory in the way of a file stays (with or without --sudo) and fails that host; --delete replaces it', async () => {
    const tree = path.join(local, 'way');
    write(path.join(tree, 'conf.d'), 'now a file\n');
    for (const [flags, dest] of [
      [[], path.join(local, 'way-dest')],
      [['--sudo'], `/etc/systemd/system/e2e-way-${randomBytes(3).toString('hex')}`],
    ] as const) {
      const h = labHosts()[0];
      await execOnHost(h, `mkdir -p ${dest}/conf.d && echo keep > ${dest}/conf.d/keep && chown -R isucon ${dest}`);
      const r = await pushTo(h, [`${tree}/`, '--dest', dest, ...flags]);
      expect(r.exitCode, r.stderr).toBe(1);
      expect(r.stderr).toContain(`a directory is in the way of ${dest}/conf.d (empty it, or use --delete)`);
      expect(readFileSync(onHost(h, `${dest}/conf.d/keep`), 'utf8')).toBe('keep\n');
      const d = await pushTo(h, [`${tree}/`, '--dest', dest, '--delete', ...flags]);
      expect(d.exitCode, d.stderr).toBe(0);
      expect(readFileSync(onHost(h, `${dest}/conf.d`), 'utf8')).toBe('now a file\n');
      await execOnHost(h, `rm -rf ${dest}`);
    }
  });

  it('a missing local path exits 2 naming it, before connecting', async () => {
    const r = await runIsuops(['push', '-H', 'nowhere.invalid', path.join(local, 'etc', 'app.conf'), path.join(local, 'nope.conf')]);
    expect([r.exitCode, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toContain(`push: ${path.join(local, 'nope.conf')}: no such file or directory`);
  });

  it('--json reports changes, files and bytes per host', async () => {
    const j = write(path.join(local, 'json', 'j.txt'), 'json\n');
    const r = await pushTo('isu02', [j, '--json']);
    const obj = JSON.parse(lines(r.stdout)[0]);
    expect([r.exitCode, obj.host, obj.ok, obj.changed, obj.filesSent, obj.bytesSent, obj.changes.at(-1)]).toEqual([0, 'isu02', true, true, 1, 5, { code: '>f+++++++++', path: j }]);
  });
});
