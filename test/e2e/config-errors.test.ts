import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { ISUOPS_BIN, labArgs, runIsuops } from './helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-cfgerr-'));
chmodSync(dir, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const lines = (text: string) => text.split('\n').filter((l) => l !== '' && l !== '(run with --help for usage)');

describe('bad ssh config input: one line per problem, exit 2, nothing run', () => {
  it('-o Bogus=1: the line ssh prints', async () => {
    const r = await runIsuops(['exec', '-H', 'a', '-o', 'Bogus=1', 'true']);
    const ssh = await execa('ssh', ['-G', '-o', 'Bogus=1', 'a'], { reject: false });
    expect(ssh.exitCode).toBe(255);
    expect(lines(r.stderr)).toEqual([`isuops: ${ssh.stderr.replace(/\r/g, '').trim()}`]);
    expect(r.exitCode).toBe(2);
  });

  it('a config with several bad lines: each, with its line number, then the count', async () => {
    const file = path.join(dir, 'broken');
    writeFileSync(file, 'Host a\n  Bogus 1\n  Port x\nFoo bar\n');
    const r = await runIsuops(['exec', '-F', file, '-H', 'a', 'true']);
    expect(lines(r.stderr)).toEqual([
      `isuops: ${file}: line 2: Bad configuration option: bogus`,
      `isuops: ${file} line 3: bad port 'x' (give a number from 1 to 65535)`,
      `isuops: ${file}: line 4: Bad configuration option: foo`,
      `isuops: ${file}: terminating, 3 bad configuration options`,
    ]);
    expect(r.exitCode).toBe(2);
  });

  it('-F DIR', async () => {
    const r = await runIsuops(['exec', '-F', dir, '-H', 'a', 'true']);
    expect(lines(r.stderr)).toEqual([`isuops: ssh config ${dir}: is a directory, not a file`]);
    expect(r.exitCode).toBe(2);
  });

  it('an ssh config and a hosts file the user cannot read', async () => {
    const config = path.join(dir, 'secret-config');
    const hosts = path.join(dir, 'secret-hosts');
    writeFileSync(config, 'Host a\n');
    writeFileSync(hosts, 'a\n');
    chmodSync(config, 0o600);
    chmodSync(hosts, 0o600);
    const as = (args: string[]) => execa('su', ['nobody', '-s', '/bin/sh', '-c', `node ${ISUOPS_BIN} ${args.join(' ')}`], { reject: false });
    const c = await as(['hosts', '-F', config, '-H', 'a']);
    expect(lines(c.stderr)).toEqual([`isuops: ssh config ${config}: permission denied`]);
    expect(c.exitCode).toBe(2);
    const h = await as(['hosts', '-F', '/dev/null', '-f', hosts]);
    expect(lines(h.stderr)).toEqual([`isuops: cannot read hosts file ${hosts}: permission denied`]);
    expect(h.exitCode).toBe(2);
  });

  it('a keyword isuops does not implement, applying to a host: exit 2 naming where it was set', async () => {
    const file = path.join(dir, 'checkhostip');
    writeFileSync(file, 'Host *\n  CheckHostIP yes\n');
    const r = await runIsuops(['exec', '-F', file, '-H', 'a', 'true']);
    expect(lines(r.stderr)).toEqual([`isuops: ${file} line 2: CheckHostIP yes: isuops does not implement CheckHostIP (set CheckHostIP no)`]);
    expect(r.exitCode).toBe(2);
  });
});

describe('-i with a file that is not there', () => {
  it('warns like ssh and logs in with the other keys', async () => {
    const r = await runIsuops(['exec', '-F', labArgs()[1]!, '-H', 'isu01', '-i', '/no/such/key', 'hostname']);
    expect(r.stdout).toBe('isu01: isu01\n');
    expect(r.stderr).toContain('isuops: warning: identity file /no/such/key not accessible: no such file or directory\n');
    expect(r.exitCode).toBe(0);
  });

  it('-l with an empty user is refused', async () => {
    const r = await runIsuops(['exec', '-F', labArgs()[1]!, '-H', 'isu01', '-l', '', 'hostname']);
    expect(lines(r.stderr)).toEqual([`error: option '-l, --user <user>' argument '' is invalid. invalid user name (it is empty)`]);
    expect(r.exitCode).toBe(2);
  });
});
