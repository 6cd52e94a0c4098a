import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildKillCommand, buildWrappedCommand, parseMarker } from '../../../src/remote/command.js';

const marker = '@isuops:abc123:pgid:';

// The wrapped command as sshd runs it: the request through a login shell (bash) in a session of
// its own (sshd calls setsid; `detached` does here). Like an ssh channel, stdin stays open until
// the command has exited (unless `closeStdin`).
function runWrapped(command: string, opts: { stdin?: string; closeStdin?: boolean; closeStdinOn?: string; shell?: string[]; signals?: boolean; killGroupOn?: string } = {}) {
  const w = buildWrappedCommand(command, { sudo: false, stdin: opts.stdin !== undefined, marker, signals: opts.signals });
  return new Promise<{ stdout: string; stderr: string; status: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    const shell = opts.shell ?? ['/bin/bash'];
    const child = spawn(shell[0], [...shell.slice(1), '-c', w], { detached: true, env: { PATH: process.env.PATH, HOME: '/nonexistent', SHELL: shell[0] } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (opts.closeStdinOn !== undefined && stdout.includes(opts.closeStdinOn)) child.stdin.end();
      // what sshd does with a "signal" channel request: killpg() of the session's group
      if (opts.killGroupOn !== undefined && stdout.includes(opts.killGroupOn)) process.kill(-child.pid!, 'SIGTERM');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // a shell gone before its stdin's end reaches it (EPIPE) is no failure: its exit is checked
    child.stdin.on('error', () => {});
    if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
    else if (opts.closeStdin) child.stdin.end();
    child.on('exit', (status, signal) => {
      child.stdin.end();
      child.on('close', () => resolve({ stdout, stderr, status, signal }));
    });
  });
}

describe('buildWrappedCommand reaches the login shell unchanged', () => {
  it.each([
    ['echo hello', 'hello\n'],
    [`echo "it's" '$HOME' "a  b"`, `it's $HOME a  b\n`],
    ['printf "%s\\n" "$((1+2))"', '3\n'],
    ['echo é日本; echo second', 'é日本\nsecond\n'],
    ['for i in 1 2; do\n  echo line$i\ndone', 'line1\nline2\n'],
    ['echo `echo sub` $(echo sub2)', 'sub sub2\n'],
    ['[[ 1 == 1 ]] && echo bash', 'bash\n'],
  ])('%j', async (command, expected) => {
    expect((await runWrapped(command)).stdout).toBe(expected);
  });

  it.each([
    ['exit 3', 3],
    ['true', 0],
    ['false', 1],
  ])('%s exits %i', async (command, status) => {
    expect((await runWrapped(command)).status).toBe(status);
  });

  // A shell cannot re-raise a signal it inherited as ignored (a test runner may ignore TERM);
  // then 128+15 is the exit status. Under sshd, TERM is not ignored and the signal is reported.
  const diedOfTerm = (r: { status: number | null; signal: string | null }) => r.signal === 'SIGTERM' || r.status === 143;

  it('re-raises a death by signal', async () => {
    expect(diedOfTerm(await runWrapped('kill -TERM $$'))).toBe(true);
  });

  it('gives the command stdin with -I', async () => {
    expect((await runWrapped('tr a-z A-Z', { stdin: 'abc\n' })).stdout).toBe('ABC\n');
  });

  it('gives the command /dev/null as stdin without -I', async () => {
    expect((await runWrapped('cat; echo done')).stdout).toBe('done\n');
  });

  it('announces the process group on stderr', async () => {
    const { stderr } = await runWrapped('true');
    expect(stderr).toMatch(/^@isuops:abc123:pgid:\d+\n$/);
  });

  it('stops the whole process group when stdin closes (channel gone), even if TERM is ignored', async () => {
    const started = Date.now();
    // perl ignores TERM itself, whatever the shell and the test runner do with signals; stdin
    // closes once both have said so (closing it earlier would race their start).
    const ignoring = `perl -e '$| = 1; $SIG{TERM} = "IGNORE"; print "ready\\n"; sleep 30; # isuops-wrapper-test'`;
    const result = await runWrapped(`${ignoring} & ${ignoring}; echo not reached`, { closeStdinOn: 'ready\nready\n' });
    expect(result.stdout).toBe('ready\nready\n');
    // The shell dies of TERM; the perls, which ignore it, of the KILL that follows 2 s later.
    expect([result.signal, result.status]).toSatisfy(([sig, status]: [string | null, number | null]) => sig === 'SIGTERM' || sig === 'SIGKILL' || status === 143 || status === 137);
    // (The wrapper's KILL helper carries the same text in its argv for a moment after the KILL.)
    const left = async (): Promise<boolean> => {
      for (let i = 0; i < 20 && execFileSync('ps', ['-eo', 'args']).toString().includes('isuops-wrapper-test'); i++) await new Promise((r) => setTimeout(r, 50));
      return execFileSync('ps', ['-eo', 'args']).toString().includes('isuops-wrapper-test');
    };
    expect(await left()).toBe(false);
    expect(Date.now() - started).toBeLessThan(8000);
  }, 15_000);

  it.each([
    [false, /^\/bin\/sh -c /, /^isuops_start\(\) \{[^\n]*;isuops_start @isuops:abc123:pgid: watch;id$/],
    [true, /^sudo -n -- \/bin\/sh -c /, /^exec sudo -n -- \/bin\/sh -c 'isuops_start\(\) \{[^\n]*;isuops_start @isuops:abc123:pgid: watch;exec "\$\{SHELL:-\/bin\/sh\}" -c "\$1"' isuops-sudo id$/],
  ])('sudo=%s: the wrapper and the command are all in the request, on one line', (sudo, kill, request) => {
    expect(buildWrappedCommand('id', { sudo, stdin: false, marker })).toMatch(request);
    expect(buildKillCommand(1234, { sudo })).toMatch(kill);
  });
});

describe('signal mode (kept connections whose sshd takes signal requests): nothing watches stdin', () => {
  it('announces the group, gives the command /dev/null as stdin, and keeps its status', async () => {
    const r = await runWrapped('cat; echo done; exit 3', { signals: true });
    expect([r.stdout, r.stderr, r.status]).toEqual(['done\n', expect.stringMatching(/^@isuops:abc123:pgid:\d+\n$/), 3]);
  });

  it('the channel\'s stdin closing stops nothing (the client sends signals instead)', async () => {
    expect((await runWrapped('sleep 0.5; echo survived', { signals: true, closeStdin: true })).stdout).toBe('survived\n');
  });

  it('a TERM to the session\'s group (sshd\'s killpg) stops the command and what it started', async () => {
    const r = await runWrapped('sleep 30 & echo ready; sleep 31', { signals: true, killGroupOn: 'ready\n' });
    expect([r.stdout, r.signal ?? r.status]).toEqual(['ready\n', 'SIGTERM']);
  });

  it.each([
    ['dash', ['/bin/dash']],
    ['bash', ['/bin/bash']],
    ['busybox ash', ['/bin/busybox', 'ash']],
  ])('%s: no fork but the command\'s own', async (_, shell) => {
    const r = await runWrapped('cat /proc/$$/task/$$/children; jobs', { shell, signals: true });
    expect([r.status, r.stdout.trim().split(/\s+/).length]).toEqual([0, 1]);
  });

  it('the request names the mode', () => {
    expect(buildWrappedCommand('id', { sudo: false, stdin: false, marker, signals: true })).toMatch(/^isuops_signal\(\) \{[^\n]*;isuops_signal @isuops:abc123:pgid:;id$/);
    // -I keeps the channel's stdin for the command, whatever the transport
    expect(buildWrappedCommand('id', { sudo: false, stdin: true, marker, signals: true })).toMatch(/;isuops_start @isuops:abc123:pgid: stdin;id$/);
  });
});

describe('the command runs as `bash -c CMD` runs it (the oracle: what sshd runs for `ssh HOST CMD`)', () => {
  // The oracle in the same conditions: a session of its own, the same environment, stdin open.
  function oracle(command: string) {
    return new Promise<{ stdout: string; stderr: string; status: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      const child = spawn('/bin/bash', ['-c', command], { detached: true, env: { PATH: process.env.PATH, HOME: '/nonexistent', SHELL: '/bin/bash' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdin.on('error', () => {});
      child.on('exit', (status, signal) => {
        child.stdin.end();
        child.on('close', () => resolve({ stdout, stderr, status, signal }));
      });
    });
  }
  it.each([
    ['exit 3'],
    ['kill -TERM $$'],
    ['true | sh -c "kill -TERM \\$\\$"'],
    ['sh -c "kill -TERM \\$\\$"; echo after'],
    ['if'],
    ['echo ok; if'],
    ['isuops-no-such-command-x'],
    ['echo one\nisuops-no-such-command-y\necho $LINENO'],
  ])('%j: same status, signal, stdout and stderr', async (command) => {
    const [got, want] = await Promise.all([runWrapped(command), oracle(command)]);
    expect({ ...got, stderr: got.stderr.replace(/^@isuops:abc123:pgid:\d+\n/, '') }).toEqual(want);
  });
  it('execs the last simple command: it runs in the shell\'s own process, the group leader', async () => {
    const r = await runWrapped('sh -c \'echo $$\'');
    expect(r.stderr).toBe(`${marker}${r.stdout}`);
  });
});

describe.each([
  ['dash', ['/bin/dash'], 1],
  ['bash', ['/bin/bash'], 2],
  ['busybox ash', ['/bin/busybox', 'ash'], 1],
])('as the login shell: %s', (_, shell, children) => {
  // A shell with disown forks the watcher once (it stays the shell's child, out of its job
  // table); the others fork twice, so that it is nobody's child there.
  it(`the watcher costs ${children === 2 ? 'one fork: it is the shell\'s disowned child' : 'two forks: it is no child of the shell'}`, async () => {
    const r = await runWrapped('cat /proc/$$/task/$$/children; jobs', { shell });
    expect([r.status, r.stdout.trim().split(/\s+/).length]).toEqual([0, children]);
  });
  it('runs the command in the shell itself: what it defined before is there', async () => {
    const r = await runWrapped('g() { echo "$v"; }; v=kept; g; echo "$$"', { shell });
    expect([r.status, r.stdout]).toEqual([0, `kept\n${r.stderr.slice(marker.length)}`]);
  });
  it('a `wait` in the command does not wait for the stdin watcher', async () => {
    const started = Date.now();
    const r = await runWrapped('sleep 0.1 & wait; echo waited', { shell });
    expect([r.status, r.stdout]).toEqual([0, 'waited\n']);
    expect(Date.now() - started).toBeLessThan(3000);
  });
  it('keeps the exit status, a newline in the command, and -I stdin', async () => {
    expect((await runWrapped('echo a\necho b; exit 5', { shell })).status).toBe(5);
    expect((await runWrapped('echo a\necho b', { shell })).stdout).toBe('a\nb\n');
    expect((await runWrapped('cat; echo end', { shell, stdin: 'in\n' })).stdout).toBe('in\nend\n');
  });
  it('the group is the one the shell leads: its pid', async () => {
    const r = await runWrapped('echo $$', { shell });
    expect(r.stderr).toBe(`${marker}${r.stdout}`);
  });
});

describe('under bash as sshd starts it (SSH_CLIENT set: Debian bash reads ~/.bashrc)', () => {
  it('reads ~/.bashrc once, as `bash -c CMD` does, and its function is there for the command', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'isuops-rc-'));
    const log = path.join(home, 'reads');
    writeFileSync(path.join(home, '.bashrc'), `echo read >>${log}\nrcfn() { echo rcfn-ok; }\n`);
    const env = { PATH: process.env.PATH, HOME: home, SHELL: '/bin/bash', SSH_CLIENT: '127.0.0.1 1 22' };
    const oracle = spawnSync('/bin/bash', ['-c', 'rcfn'], { env, input: '' });
    const oracleReads = readFileSync(log, 'utf8');
    rmSync(log);
    const w = buildWrappedCommand('rcfn', { sudo: false, stdin: false, marker });
    const child = spawn('/bin/bash', ['-c', w], { detached: true, env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => child.on('exit', r));
    child.stdin.end();
    expect([oracle.stdout.toString(), oracleReads]).toEqual(['rcfn-ok\n', 'read\n']);
    expect([out, readFileSync(log, 'utf8')]).toEqual(['rcfn-ok\n', 'read\n']);
    rmSync(home, { recursive: true, force: true });
  });
});

describe('parseMarker', () => {
  it.each([
    [`${marker}1234`, 1234],
    [`${marker}1`, undefined],
    [`${marker}x`, undefined],
    ['@isuops:other:pgid:1234', undefined],
    ['1234', undefined],
    [`${marker}1234 trailing junk that is long`, undefined],
  ])('%j -> %s', (line, pgid) => {
    expect(parseMarker(Buffer.from(line), marker)).toBe(pgid);
  });
});
