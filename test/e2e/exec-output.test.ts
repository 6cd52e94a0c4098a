import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ISUOPS_BIN, labArgs, labDir, labHosts, runIsuops, runSsh } from './helpers.js';

const lines = (text: string) => text.split('\n').filter((l) => l !== '');
// The lab's ssh config alone, for tests that pick hosts with -H.
const cfg = () => ['-F', path.join(labDir(), 'ssh_config')];

describe('exec output', () => {
  it('prints every host hostname behind its name, exit 0, summary on stderr', async () => {
    const r = await runIsuops(['exec', ...labArgs(), 'hostname']);
    expect(r.exitCode).toBe(0);
    expect(lines(r.stdout).sort()).toEqual(labHosts().map((h) => `${h}: ${h}`));
    expect(r.stderr).toMatch(/isuops: 5 hosts: 5 ok, 0 failed, 0 unreachable, 0 timed out/);
  });

  it.each([
    ['isu[01-03]', ['isu01', 'isu02', 'isu03']],
    ['isu{02..04}', ['isu02', 'isu03', 'isu04']],
    ['isu01,isu05 isu03', ['isu01', 'isu03', 'isu05']],
  ])('-H %s with -F', async (list, expected) => {
    const r = await runIsuops(['exec', '-F', path.join(labDir(), 'ssh_config'), '-H', list, 'hostname']);
    expect(r.exitCode).toBe(0);
    expect(lines(r.stdout).sort()).toEqual(expected.map((h) => `${h}: ${h}`));
  });

  it('hosts file with groups, several hosts per line, user@host:port, -g and -x', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-hosts-'));
    const file = path.join(dir, 'hosts.txt');
    writeFileSync(file, '# fleet\n[web]\nisu01 isu02  # two\n[db]\nisucon@isu03:22\nisu04\nisu01\n');
    const r = await runIsuops(['exec', '-F', path.join(labDir(), 'ssh_config'), '-f', file, '-x', 'isu02', 'hostname']);
    expect(r.exitCode).toBe(0);
    expect(lines(r.stdout).sort()).toEqual(['isu01: isu01', 'isu04: isu04', 'isucon@isu03:22: isu03']);
    const g = await runIsuops(['exec', '-F', path.join(labDir(), 'ssh_config'), '-f', file, '-g', 'db', 'hostname']);
    expect(lines(g.stdout).sort()).toEqual(['isu01: isu01', 'isu04: isu04', 'isucon@isu03:22: isu03']);
  });

  it('a bad hosts line exits 2 with FILE:LINE and runs nothing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-hosts-'));
    const file = path.join(dir, 'hosts.txt');
    writeFileSync(file, 'isu01\nisu02:99999\n');
    const r = await runIsuops(['exec', '-F', path.join(labDir(), 'ssh_config'), '-f', file, 'touch /tmp/should-not-exist']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^isuops: ${file}:2: .*port`));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('stdout to stdout, stderr to stderr, a last line without newline is kept', async () => {
    const r = await runIsuops(['exec', ...cfg(), '-H', 'isu01', '-q', 'echo out; echo err >&2; printf "no newline"']);
    expect(r.stdout).toBe('isu01: out\nisu01: no newline\n');
    expect(r.stderr).toBe('isu01: err\n');
  });

  it('the command text reaches the login shell unchanged: quotes, $, newlines, non-ASCII', async () => {
    const command = `printf '%s\\n' "it's" '$HOME' "a  b" "é日本"\nfor i in 1 2; do echo "line $i"; done\necho "$((6*7))" \`echo sub\``;
    const r = await runIsuops(['exec', '-F', path.join(labDir(), 'ssh_config'), '-H', 'isu02', '-q', command]);
    expect(r.stdout).toBe(['it\'s', '$HOME', 'a  b', 'é日本', 'line 1', 'line 2', '42 sub'].map((l) => `isu02: ${l}\n`).join(''));
  });

  it('bytes that are not UTF-8 pass through unchanged', async () => {
    const r = await execa('node', [ISUOPS_BIN, 'exec', ...cfg(), '-H', 'isu01', '-q', "printf 'a\\377\\376b\\n'"], { encoding: 'buffer', reject: false, stripFinalNewline: false });
    expect(Buffer.from(r.stdout as Uint8Array).equals(Buffer.from([...Buffer.from('isu01: a'), 0xff, 0xfe, ...Buffer.from('b\n')]))).toBe(true);
  });

  it('10 MB per host: every line whole, exactly once, behind the right host', async () => {
    const perHost = 100_000;
    // 100,000 lines of ~105 bytes per host, written as fast as the host can.
    const r = await execa('node', [ISUOPS_BIN, 'exec', ...labArgs(), '-q', `yes "$(hostname)-$(printf '%0100d' 0)" | head -n ${perHost}`], { reject: false, maxBuffer: 200e6 });
    expect(r.exitCode).toBe(0);
    const counts = new Map<string, number>();
    let bad = 0;
    for (const line of String(r.stdout).split('\n')) {
      if (line === '') continue;
      const m = /^(isu\d\d): (isu\d\d)-0{100}$/.exec(line);
      if (!m || m[1] !== m[2]) bad++;
      else counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
    }
    expect(bad).toBe(0);
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(labHosts().map((h) => [h, perHost])));
  });

  it('a stalled reader holds the hosts back instead of filling memory', async () => {
    // 5 hosts x 20 MB into a pipe nobody reads for a while: without back-pressure isuops would
    // buffer it all (about 380 MB resident here); with it, the ssh window stops the hosts.
    const child = spawn('node', [ISUOPS_BIN, 'exec', ...labArgs(), '-q', `yes "$(hostname)-$(printf '%0100d' 0)" | head -n 200000`], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise((r) => setTimeout(r, 4000));
    const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) / 1024;
    let count = 0;
    child.stdout.on('data', (d: Buffer) => {
      for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) count++;
    });
    const r = { exitCode: await new Promise<number | null>((resolve) => child.on('close', resolve)) };
    expect(r.exitCode).toBe(0);
    expect(count).toBe(1_000_000);
    expect(rss).toBeLessThan(200);
  });

  it('-b folds hosts with identical output', async () => {
    const r = await runIsuops(['exec', ...labArgs(), '-b', '-q', 'echo same; [ "$(hostname)" = isu03 ] && echo different; true']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      ['---------------', 'isu[01-02,04-05] (4)', '---------------', 'same', '---------------', 'isu03 (1)', '---------------', 'same', 'different', ''].join('\n'),
    );
  });

  it('dshbak -c folds the streamed output', async () => {
    const r = await runIsuops(['exec', ...labArgs(), '-q', 'echo same']);
    const folded = execFileSync('dshbak', ['-c'], { input: r.stdout }).toString();
    expect(folded).toMatch(/^-+\nisu\[01-05\]\n-+\nsame\n$/);
  });

  it('--json: one object per host with the documented fields', async () => {
    const r = await runIsuops(['exec', ...labArgs(), '--json', '-q', 'hostname; echo e >&2; [ "$(hostname)" != isu04 ]']);
    expect(r.exitCode).toBe(1);
    const objects = lines(r.stdout).map((l) => JSON.parse(l));
    expect(objects.map((o) => o.host).sort()).toEqual(labHosts());
    for (const o of objects) {
      expect(Object.keys(o)).toEqual(['host', 'ok', 'status', 'exitCode', 'signal', 'timedOut', 'error', 'stdout', 'stderr', 'durationMs']);
      expect(o.stdout).toBe(`${o.host}\n`);
      expect(o.stderr).toBe('e\n');
      expect(o.ok).toBe(o.host !== 'isu04');
      expect(o.exitCode).toBe(o.host === 'isu04' ? 1 : 0);
    }
  });

  it('--out-dir writes <host>.out and <host>.err', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-out-'));
    const r = await runIsuops(['exec', ...labArgs(), '--out-dir', dir, '-q', 'hostname; echo oops >&2']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
    for (const h of labHosts()) {
      expect(readFileSync(path.join(dir, `${h}.out`), 'utf8')).toBe(`${h}\n`);
      expect(readFileSync(path.join(dir, `${h}.err`), 'utf8')).toBe('oops\n');
    }
  });

  it.each([
    [{}, [], false],
    [{ FORCE_COLOR: '1' }, [], true],
    [{}, ['--color', 'always'], true],
    [{ FORCE_COLOR: '1', NO_COLOR: '1' }, ['--color', 'never'], false],
  ])('colour env %j flags %j -> %s', async (env, flags, coloured) => {
    const r = await runIsuops(['exec', ...cfg(), '-H', 'isu01', '-q', ...flags, 'echo x'], { env });
    expect(r.stdout.includes('\u001b[')).toBe(coloured);
  });

  it('-I sends local stdin to every host', async () => {
    const r = await runIsuops(['exec', ...labArgs(), '-I', '-q', 'tr a-z A-Z'], { input: 'hello\n' });
    expect(lines(r.stdout).sort()).toEqual(labHosts().map((h) => `${h}: HELLO`));
  });

  it('--sudo runs through sudo -n', async () => {
    const r = await runIsuops(['exec', ...labArgs(), '--sudo', '-q', 'id -un; whoami >&2']);
    expect(r.exitCode).toBe(0);
    expect(lines(r.stdout).sort()).toEqual(labHosts().map((h) => `${h}: root`));
    const plain = await runIsuops(['exec', ...cfg(), '-H', 'isu01', '-q', 'id -un']);
    expect(plain.stdout).toBe('isu01: isucon\n');
  });

  it('-p limits how many hosts are worked on at once', async () => {
    const r = await runIsuops(['exec', ...labArgs(), '-p', '2', '-q', 'date +%s.%N; sleep 0.4; date +%s.%N']);
    const spans = new Map<string, number[]>();
    for (const line of lines(r.stdout)) {
      const [host, t] = line.split(': ');
      spans.set(host, [...(spans.get(host) ?? []), Number(t)]);
    }
    expect(spans.size).toBe(5);
    // At any host's start time, at most 2 hosts (itself included) are inside their command.
    for (const [start] of spans.values()) {
      const inside = [...spans.values()].filter(([s, e]) => s <= start && start < e).length;
      expect(inside).toBeLessThanOrEqual(2);
    }
  });
});

// `ssh HOST CMD` is the oracle: the login shell parses CMD as `bash -c CMD` and execs its last
// simple command, so line numbers, job reports and deaths by signal are the shell's own.
describe('the remote command runs as under ssh', () => {
  it.each([
    ['if', 2],
    ['echo one\nnosuch-isuops-cmd', 127],
    ['true | sh -c "kill -TERM \\$\\$"', 143],
    ['sh -c "kill -SEGV \\$\\$"', 'SIGSEGV'],
  ])('%j: the same stdout, stderr and exit as ssh', async (command, exit) => {
    const [r, ssh] = await Promise.all([runIsuops(['exec', '--json', ...cfg(), '-H', 'isu01', command]), runSsh('isu01', command)]);
    const host = JSON.parse(r.stdout) as { exitCode: number | null; signal: string | null; stdout: string; stderr: string };
    // ssh exits 255 for a death by signal and does not say which; isuops reports it
    expect(typeof exit === 'number' ? [host.exitCode, ssh.exitCode] : [host.signal, ssh.exitCode]).toEqual([exit, typeof exit === 'number' ? exit : 255]);
    expect([host.stdout, host.stderr]).toEqual([ssh.stdout, ssh.stderr]);
  });
});
