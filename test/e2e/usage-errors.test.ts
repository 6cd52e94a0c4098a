import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { execOnHost, ISUOPS_BIN, labArgs, labDir, labHosts, runIsuops } from './helpers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isuops-usage-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const marker = path.join(tmp, 'ran');

// Each of these is refused before connecting: exit 2, one line saying why, no stack, nothing run
// (`true` stands for a command that would leave a marker in isu01's own /tmp).
const refused: Array<[string, string[], RegExp]> = [
  ['--json with -b', ['exec', '--json', '-b', ...labArgs(), 'true'], /^error: option '--json' cannot be used with option '-b, --gather'$/m],
  ['--json with --out-dir', ['exec', '--json', '--out-dir', tmp, ...labArgs(), 'true'], /^error: option '--json' cannot be used with option '--out-dir <dir>'$/m],
  ['push --json with -b', ['push', '-b', '--json', ...labArgs(), '/etc/hostname'], /^error: option '--json' cannot be used with option '-b, --gather'$/m],
  ['-t past Node\'s timer limit', ['exec', '-t', '9999999999', ...labArgs(), 'true'], /argument '9999999999' is invalid\. must be at most 2147483 seconds \(about 24\.8 days\)$/m],
  ['--connect-timeout past it', ['exec', '--connect-timeout', '2147484', ...labArgs(), 'true'], /must be at most 2147483 seconds/],
  ['an empty command', ['exec', ...labArgs(), ''], /^isuops: empty command: give the command to run, e\.g\. isuops exec hostname$/m],
  ['a blank command', ['exec', ...labArgs(), ' ', ' '], /^isuops: empty command/m],
  ['push --then with an empty command', ['push', '--then', '', ...labArgs(), '/etc/hostname'], /^isuops: --then with an empty command/m],
  ['tail --since for files only', ['tail', '--since', 'today', ...labArgs(), 'nginx', '/var/log/syslog'], /^isuops: --since applies to systemd units only \(journalctl --since\); for files use -n N$/m],
  ['tail -p', ['tail', '-p', '4', ...labArgs(), 'nginx'], /^isuops: -p does not apply to tail: every host is followed at once$/m],
  ['hosts -p', ['hosts', '-p', '3', ...labArgs()], /^isuops: -p does not apply to hosts: it connects to no host$/m],
  ['help of a command that does not exist', ['help', 'nosuch'], /^isuops: unknown command 'nosuch' \(commands: exec, push, pull, tail, [a-z, ]+\)$/m],
];

describe('usage errors: exit 2, one clear line, nothing run', () => {
  it.each(refused)('%s', async (_name, args, line) => {
    const r = await runIsuops(args.map((a) => (a === 'true' ? `touch ${marker}` : a)));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(line);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    expect((await execOnHost('isu01', `test -e ${marker}`)).exitCode).not.toBe(0);
  });

  it('help NAME of a real command still prints its help', async () => {
    const r = await runIsuops(['help', 'exec']);
    expect([r.exitCode, r.stdout.split('\n')[0]]).toEqual([0, 'Usage: isuops exec [options] <cmd...>']);
  });
});

describe('what can be honoured together is done', () => {
  it('-b with --out-dir: the folded blocks on stdout and every host\'s files', async () => {
    const dir = path.join(tmp, 'out');
    const r = await runIsuops(['exec', '-b', '--out-dir', dir, ...labArgs(), 'echo same; echo err >&2']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('---------------\nisu[01-05] (5)\n---------------\nsame\n');
    expect(fs.readFileSync(path.join(dir, 'isu03.out'), 'utf8')).toBe('same\n');
    expect(fs.readFileSync(path.join(dir, 'isu03.err'), 'utf8')).toBe('err\n');
  });

  it('one host, one file: singular in the summary', async () => {
    const one = ['-F', path.join(labDir(), 'ssh_config'), '-H', 'isu01'];
    const r = await runIsuops(['exec', ...one, 'true']);
    expect(r.stderr).toMatch(/^isuops: 1 host: 1 ok, 0 failed, 0 unreachable, 0 timed out in /m);
    const file = path.join(tmp, `one-${process.pid}.txt`);
    fs.writeFileSync(file, 'x\n');
    const p = await runIsuops(['push', ...one, file]);
    expect(p.stderr).toMatch(/; push: 1 changed, 0 up to date, 0 failed, 1 file \(2 B\) sent in /);
  });
});

describe('lab as another user than root', () => {
  it.each(['status', 'down'])('lab %s says root is needed (every host is not down), and leaves the lab alone', async (sub) => {
    const r = await execa('node', [ISUOPS_BIN, 'lab', sub, '--dir', labDir()], { reject: false, uid: 65534, gid: 65534, env: { HOME: '/nonexistent', XDG_CACHE_HOME: '/nonexistent' } });
    expect([r.exitCode, r.stderr]).toEqual([2, `isuops: lab ${sub} needs root (the lab's processes are root's): run it with sudo`]);
    expect(r.stdout).toBe('');
    expect(fs.existsSync(path.join(labDir(), 'state.json'))).toBe(true);
    expect(labHosts()).toHaveLength(5);
  });
});
