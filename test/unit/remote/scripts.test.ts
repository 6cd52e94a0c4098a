import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWrappedCommand } from '../../../src/remote/command.js';
import { joinLines } from '../../../src/remote/one-line.js';
import { compactScript, remoteScript, type RemoteScriptName } from '../../../src/remote/scripts.js';

const REMOTE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/remote');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'isuops-remote-scripts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The shells every script must run under: Debian's /bin/sh, bash, and busybox's ash. */
const SHELLS: [string, string[]][] = [
  ['dash', ['/bin/dash']],
  ['bash', ['/bin/bash']],
  ['busybox ash', ['/bin/busybox', 'ash']],
];

// No SSH_CLIENT and a HOME of its own: bash reads no rc file here, whatever session runs the tests.
const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp, LC_ALL: 'C' };

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `SHELL -c <compacted script> arg0 args...`, as a host runs it. */
function run(shell: string[], name: RemoteScriptName, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}): Run {
  const r = spawnSync(shell[0], [...shell.slice(1), '-c', remoteScript(name), 'isuops', ...args], { env: { ...ENV, ...opts.env }, input: opts.input ?? '', cwd: opts.cwd, timeout: 20_000 });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

describe('every script in src/remote', () => {
  const files = readdirSync(REMOTE).filter((f) => f.endsWith('.sh'));
  it('is known by name and has its header (usage, output, exit codes, tools)', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const f of files) {
      const header = readFileSync(path.join(REMOTE, f), 'utf8').split('\n').filter((l) => l.startsWith('#')).join('\n');
      expect([f, /Usage:/.test(header), /Output:/.test(header), /Exit:/.test(header), /Needs:/.test(header)]).toEqual([f, true, true, true, true]);
      expect(remoteScript(f.slice(0, -3) as RemoteScriptName)).not.toBe('');
    }
  });
  it('passes shellcheck (POSIX sh)', () => {
    const r = spawnSync('shellcheck', ['-s', 'sh', ...files.map((f) => path.join(REMOTE, f))]);
    expect(r.error).toBeUndefined();
    expect(r.stdout.toString()).toBe('');
    expect(r.status).toBe(0);
  });
  it.each(SHELLS)('parses under %s (sh -n), compacted as sent', (_, shell) => {
    for (const f of files) {
      const compact = compactScript(readFileSync(path.join(REMOTE, f), 'utf8'));
      // ... and joined into the one line that a shell's `read` takes (how the exec wrapper goes).
      for (const text of [compact, joinLines(compact)]) {
        const r = spawnSync(shell[0], [...shell.slice(1), '-n', '-c', text]);
        expect([f, r.status, r.stderr.toString()]).toEqual([f, 0, '']);
      }
    }
  });
});

describe.each(SHELLS)('under %s', (_, shell) => {
  // The wrapper as the login shell gets it: all in the request, nothing first on stdin;
  // `detached` gives the shell a session of its own, as sshd does.
  const wrapped = (command: string, stdin = false): string[] => ['-c', buildWrappedCommand(command, { sudo: false, stdin, marker: '@m:' })];
  it('exec-wrapper runs the command in the shell itself, names its group, keeps its status', async () => {
    const args = wrapped('echo "$$" a; exit 3', true);
    const child = spawn(shell[0], [...shell.slice(1), ...args], { env: ENV, detached: true });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // the shell may be gone before the end of its stdin reaches it (EPIPE): that is no failure
    child.stdin.on('error', () => {});
    child.stdin.end();
    const status = await new Promise((resolve) => child.on('close', resolve));
    expect([status, out, err]).toEqual([3, `${child.pid} a\n`, `@m:${child.pid}\n`]);
  });

  it('exec-wrapper in a shell that leads no session of its own says so and runs nothing (125)', () => {
    const args = wrapped(`touch ${tmp}/ran`);
    // perl puts the shell in a new process group inside the test runner's session.
    const r = spawnSync('perl', ['-e', 'setpgrp(0, 0); exec @ARGV', shell[0], ...shell.slice(1), ...args], { env: ENV, input: '' });
    expect([r.status, r.stderr.toString(), readdirSync(tmp).includes('ran')]).toEqual([125, 'isuops: this shell is not in a process group of its own session (sshd makes one): the command could not be stopped, so it is not run\n', false]);
  });

  it('exec-signal (kept connections) names the group it leads, gives the command /dev/null, keeps its status', async () => {
    const child = spawn(shell[0], [...shell.slice(1), '-c', buildWrappedCommand('echo "$$" a; cat; exit 3', { sudo: false, stdin: false, signals: true, marker: '@m:' })], { env: ENV, detached: true });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdin.on('error', () => {});
    child.stdin.write('not for the command\n');
    const status = await new Promise((resolve) => child.on('close', resolve));
    expect([status, out, err]).toEqual([3, `${child.pid} a\n`, `@m:${child.pid}\n`]);
  });

  it('exec-signal in a shell that leads no session of its own says so and runs nothing (125)', () => {
    const args = ['-c', buildWrappedCommand(`touch ${tmp}/ran-signal`, { sudo: false, stdin: false, signals: true, marker: '@m:' })];
    // perl puts the shell in a new process group inside the test runner's session: a signal
    // request (killpg of the session's group) would miss it
    const r = spawnSync('perl', ['-e', 'setpgrp(0, 0); exec @ARGV', shell[0], ...shell.slice(1), ...args], { env: ENV, input: '' });
    expect([r.status, r.stderr.toString(), readdirSync(tmp).includes('ran-signal')]).toEqual([125, 'isuops: this shell is not in a process group of its own session (sshd makes one): the command could not be stopped, so it is not run\n', false]);
  });

  it('stop-group TERMs a group and KILLs what ignores it', async () => {
    const child = spawn('setsid', ['perl', '-e', '$SIG{TERM} = "IGNORE"; $| = 1; print "ready\\n"; sleep 30']);
    await new Promise((resolve) => child.stdout.once('data', resolve));
    const started = Date.now();
    const r = run(shell, 'stop-group', [String(child.pid), 'TERM']);
    const exit = await new Promise<string | null>((resolve) => (child.exitCode !== null || child.signalCode ? resolve(child.signalCode) : child.once('exit', (_c, s) => resolve(s))));
    expect([r.status, exit]).toEqual([0, 'SIGKILL']);
    expect(Date.now() - started).toBeGreaterThan(1500);
  });

  it('tail-file announces where it starts and follows from there', async () => {
    const file = path.join(tmp, `tail-${shell.join('-').replace(/\W/g, '')}.log`);
    writeFileSync(file, 'one\ntwo\nthree\n');
    const child = spawn(shell[0], [...shell.slice(1), '-c', remoteScript('tail-file'), 'isuops-tail', file, '2', '@t:', '', '', '4194304'], { env: ENV });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    for (let i = 0; i < 100 && out !== 'two\nthree\n'; i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    expect([out, err]).toEqual(['two\nthree\n', `@t:start:${statSync(file).ino}:4\n`]);
  });

  it('tail-journal passes its arguments to journalctl, or says it is missing (127)', () => {
    const bin = path.join(tmp, `journal-${shell.join('-').replace(/\W/g, '')}`);
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, 'journalctl'), '#!/bin/sh\nprintf "[%s]" "$@"\n');
    chmodSync(path.join(bin, 'journalctl'), 0o755);
    expect(run(shell, 'tail-journal', ['--unit=a b', '--lines=3'], { env: { PATH: `${bin}:/usr/bin:/bin` } }).stdout).toBe('[--unit=a b][--lines=3]');
    const missing = run(shell, 'tail-journal', ['--unit=x'], { env: { PATH: '/nonexistent' } });
    expect([missing.status, missing.stderr]).toEqual([127, 'journalctl: command not found (no systemd journal on this host)\n']);
  });

  it('push-install runs ops; an unknown op or a partial op fails loudly before any op runs', () => {
    const dir = path.join(tmp, `install-${shell.join('-').replace(/\W/g, '')}`);
    const r = run(shell, 'push-install', ['D', '-', dir, '0750', '-', '-']);
    expect([r.status, r.stderr, (statSync(dir).mode & 0o777).toString(8)]).toEqual([0, '', '750']);
    const unknown = run(shell, 'push-install', ['D', '-', `${dir}/a`, '-', '-', '-', 'Z', '-', `${dir}/b`, '-', '-', '-']);
    expect([unknown.status, unknown.stderr, readdirSync(dir)]).toEqual([2, 'isuops: the root script got an unknown op "Z"\n', []]);
    const partial = run(shell, 'push-install', ['D', '-', `${dir}/a`, '-', '-', '-', 'X', '-', dir]);
    expect([partial.status, partial.stderr, readdirSync(dir)]).toEqual([2, 'isuops: the root script got a partial op (9 words: ops are six words each)\n', []]);
  });

  it('push-install: S stops the script after a failed op (exit 1), else it goes on; D makes a new directory with its mode by mkdir alone (no rm, no chmod)', () => {
    const dir = path.join(tmp, `install-s-${shell.join('-').replace(/\W/g, '')}`);
    mkdirSync(path.join(dir, 'full'), { recursive: true });
    writeFileSync(path.join(dir, 'full', 'keep'), 'k');
    const stop = run(shell, 'push-install', ['R', '-', `${dir}/full`, '-', '-', '-', 'S', '-', '-', '-', '-', '-', 'D', '-', `${dir}/after`, '-', '-', '-']);
    expect([stop.status, readdirSync(dir).sort()]).toEqual([1, ['full']]);
    // shims that log each rm and chmod the script runs
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    for (const tool of ['rm', 'chmod']) {
      writeFileSync(path.join(bin, tool), `#!/bin/sh\necho ${tool} >> '${dir}/log'\nPATH=/usr/bin:/bin exec ${tool} "$@"\n`);
      chmodSync(path.join(bin, tool), 0o755);
    }
    const ops = ['D', '-', `${dir}/new`, '02750', '-', '-', 'S', '-', '-', '-', '-', '-', 'D', '-', `${dir}/other`, '0700', '-', '-'];
    const go = run(shell, 'push-install', ops, { env: { PATH: `${bin}:/usr/bin:/bin` } });
    const mode = (p: string): string => (statSync(p).mode & 0o7777).toString(8);
    expect([go.status, go.stderr, mode(`${dir}/new`), mode(`${dir}/other`), readdirSync(dir).includes('log')]).toEqual([0, '', '2750', '700', false]);
  });

  it('push-owner resolves names and numbers, and says which is unknown', () => {
    const me = [execFileSync('id', ['-u']).toString().trim(), execFileSync('id', ['-g']).toString().trim()];
    expect(run(shell, 'push-owner', ['', '']).stdout).toBe(`-\n-\n${me[0]}\n${me[1]}\n`);
    expect(run(shell, 'push-owner', ['root', '0']).stdout).toBe(`0\n0\n${me[0]}\n${me[1]}\n`);
    const group = run(shell, 'push-owner', ['', 'no-such-group-isuops']);
    expect([group.status, group.stderr]).toEqual([4, 'no such group: no-such-group-isuops\n']);
    expect(run(shell, 'push-owner', ['no-such-user-isuops', '']).status).toBe(3);
  });

  it('pull-scan prints NUL-ended records; a name is never parsed', () => {
    const dir = path.join(tmp, `scan-${shell.join('-').replace(/\W/g, '')}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, '$(touch pwned) x'), 'ab');
    const r = run(shell, 'pull-scan', [`${dir}/*`, `${dir}/missing`], { cwd: dir });
    expect(r.stdout.split('\0').map((rec) => rec.replace(/^(\S+ \S+) \S+/, '$1 T'))).toEqual([`f 2 T 644 ${dir}/$(touch pwned) x`, `M 0 T 0 ${dir}/missing`, '']);
    expect(readdirSync(dir)).toEqual(['$(touch pwned) x']);
  });

  it('lab-keeper sets the name, mounts in order, says ready', async () => {
    const bin = path.join(tmp, `keeper-${shell.join('-').replace(/\W/g, '')}`);
    mkdirSync(bin, { recursive: true });
    const log = path.join(bin, 'log');
    for (const tool of ['hostname', 'mount']) {
      writeFileSync(path.join(bin, tool), `#!/bin/sh\necho ${tool} "$@" >>${log}\n`);
      chmodSync(path.join(bin, tool), 0o755);
    }
    const child = spawn(shell[0], [...shell.slice(1), '-c', remoteScript('lab-keeper'), 'keeper', 'isu01', '/lab/etc hosts', 'bind', '/lab', '/lab/x', 'rbind', '/a b', '/tmp'], { env: { ...ENV, PATH: `${bin}:/usr/bin:/bin` } });
    const said = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
    child.kill('SIGKILL');
    expect([said, readFileSync(log, 'utf8')]).toEqual(['ready\n', 'hostname isu01\nmount --bind /lab /lab/x\nmount --rbind /a b /tmp\nmount --bind /lab/etc hosts /etc/hosts\n']);
  });
});

describe('exec-signal reads /proc/$$/stat by fields', () => {
  it('a login shell whose file name has a space is refused (125), as documented, not misread', () => {
    const runAs = (name: string, file: string) => {
      const shell = path.join(tmp, name);
      writeFileSync(shell, readFileSync('/bin/dash'));
      chmodSync(shell, 0o755);
      const r = spawnSync('setsid', [shell, '-c', buildWrappedCommand(`touch ${tmp}/${file}`, { sudo: false, stdin: false, signals: true, marker: '@m:' })], { env: ENV, input: '' });
      return [r.status, readdirSync(tmp).includes(file)];
    };
    expect(runAs('mysh', 'ran-plain')).toEqual([0, true]);
    expect(runAs('my sh', 'ran-spaced')).toEqual([125, false]);
  });
});
