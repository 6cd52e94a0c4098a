import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildKillCommand, buildWrappedCommand, parseMarker } from '../../../src/ops/remote-command.js';

const marker = '@isuops:abc123:pgid:';

// The wrapped text is what sshd hands to the login shell: run it through a real `sh -c` here.
// Like an ssh channel, stdin stays open until the command has exited (unless `closeStdin`).
function runWrapped(command: string, opts: { stdin?: string; closeStdin?: boolean } = {}) {
  const text = buildWrappedCommand(command, { sudo: false, stdin: opts.stdin !== undefined, marker });
  return new Promise<{ stdout: string; stderr: string; status: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    const child = spawn('/bin/sh', ['-c', text], { env: { ...process.env, SHELL: '/bin/bash' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
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
    const result = await runWrapped("trap '' TERM; sleep 30 & sleep 30; echo not reached", { closeStdin: true });
    expect(result.stdout).toBe('');
    expect(result.signal === 'SIGKILL' || result.status === 137).toBe(true);
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
