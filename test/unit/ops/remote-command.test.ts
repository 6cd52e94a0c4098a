import { execFileSync, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildKillCommand, buildWrappedCommand, parseMarker } from '../../../src/ops/remote-command.js';

const marker = '@isuops:abc123:pgid:';

// The wrapped text is what sshd hands to the login shell: run it through a real `sh -c` here.
// Like an ssh channel, stdin stays open until the command has exited (unless `closeStdin`).
function runWrapped(command: string, opts: { stdin?: string; closeStdin?: boolean; closeStdinOn?: string } = {}) {
  const text = buildWrappedCommand(command, { sudo: false, stdin: opts.stdin !== undefined, marker });
  return new Promise<{ stdout: string; stderr: string; status: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    const child = spawn('/bin/sh', ['-c', text], { env: { ...process.env, SHELL: '/bin/bash' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (opts.closeStdinOn !== undefined && stdout.includes(opts.closeStdinOn)) child.stdin.end();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
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
    [false, /^\/bin\/sh -c /],
    [true, /^sudo -n -- \/bin\/sh -c /],
  ])('sudo=%s', (sudo, pattern) => {
    expect(buildWrappedCommand('id', { sudo, stdin: false, marker })).toMatch(pattern);
    expect(buildKillCommand(1234, { sudo })).toMatch(pattern);
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
