import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execOnHost, labArgs, labHosts, runIsuops } from './helpers.js';

// A dry run fails where the real run would, per host, with the same line and exit code.
const local = mkdtempSync(path.join(os.tmpdir(), 'isuops-dry-e2e-'));
// Each lab host has its own /tmp (sticky, root's): the directory below it is made per host.
const remote = `/tmp/isuops-dry-${randomBytes(4).toString('hex')}`;
afterAll(async () => {
  rmSync(local, { recursive: true, force: true });
  await Promise.all(labHosts().map((h) => execOnHost(h, `rm -rf ${remote}`)));
});

const T1 = new Date('2024-01-02T03:04:05Z');
const write = (p: string, body: string, mode = 0o644): string => {
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, body);
  chmodSync(p, mode);
  utimesSync(p, T1, T1);
  return p;
};
const errorLines = (stderr: string): string[] => stderr.split('\n').filter((l) => /^isuops: isu\d+: /.test(l)).sort();
/** Sets the remote side up on each host by its own shell line (as root, without ssh). */
const setUp = (byHost: Record<string, string>) => Promise.all(labHosts().map((h) => execOnHost(h, `rm -rf ${remote}; mkdir -p ${remote}; ${byHost[h] ?? byHost.default}`)));

async function dryThenReal(args: string[]) {
  const dry = await runIsuops(['push', ...labArgs(), '--dry-run', ...args]);
  // The dry run wrote nothing, not even where it could have.
  expect((await execOnHost('isu01', `ls -A ${remote} 2>/dev/null`)).stdout).toBe('');
  const real = await runIsuops(['push', ...labArgs(), ...args]);
  return { dry, real };
}

describe('push --dry-run predicts the real run', () => {
  it('a target directory the login user cannot write: those hosts fail the dry run with the real run\'s line and exit code', async () => {
    const file = write(path.join(local, 'a', 'app.conf'), 'port=80\n');
    // isu01 and isu02 give the directory to isucon; the others keep it root's.
    await setUp({ isu01: `chown isucon ${remote}`, isu02: `chown isucon ${remote}`, default: 'true' });
    const { dry, real } = await dryThenReal([file, '--dest', `${remote}/app.conf`]);
    const expected = ['isu03', 'isu04', 'isu05'].map((h) => `isuops: ${h}: permission denied: ${remote}/app.conf (try --sudo)`);
    expect(errorLines(dry.stderr)).toEqual(expected);
    expect(dry.exitCode).toBe(1);
    expect(dry.stderr).toContain('; dry run: 2 would change, 0 up to date, 3 failed, nothing written');
    expect(dry.stderr).toContain('isuops: failed hosts: isu03,isu04,isu05');
    expect(errorLines(real.stderr)).toEqual(expected);
    expect(real.exitCode).toBe(1);
  });

  it('missing parents under an unwritable directory, a non-empty directory in the way, a mode change on a file of root\'s', async () => {
    const tree = path.join(local, 'tree');
    write(path.join(tree, 'sub', 'x.conf'), 'x\n');
    write(path.join(tree, 'way'), 'a file\n');
    write(path.join(tree, 'mode.conf'), 'same\n', 0o600);
    await setUp({
      // isu01: everything isucon's, nothing in the way: goes through
      isu01: `chown isucon ${remote}`,
      // isu02: the root directory is root's: sub/ cannot be made
      isu02: 'true',
      // isu03: a non-empty directory where the file `way` goes
      isu03: `mkdir -p ${remote}/way && touch ${remote}/way/keep && chown -R isucon ${remote}`,
      // isu04: mode.conf exists, same size and time, root's, mode 644: only its mode differs
      isu04: `printf 'same\\n' > ${remote}/mode.conf && touch -d @${T1.getTime() / 1000} ${remote}/mode.conf && mkdir ${remote}/sub && chown isucon ${remote} ${remote}/sub`,
      // isu05: the target's parent is missing under a root directory
      isu05: `rmdir ${remote}`,
    });
    const args = [`${tree}/`, '--dest', remote];
    const { dry, real } = await dryThenReal(args);
    const expected = [
      `isuops: isu02: permission denied: ${remote}/sub (try --sudo)`,
      `isuops: isu03: a directory is in the way of ${remote}/way (empty it, or use --delete)`,
      `isuops: isu04: permission denied: ${remote}/mode.conf (try --sudo)`,
    ];
    expect(errorLines(dry.stderr)).toEqual(expected);
    expect(errorLines(real.stderr)).toEqual(expected);
    expect([dry.exitCode, real.exitCode]).toEqual([1, 1]);
  });

  it('--sudo: the same pushes pass the dry run where root can write, and a directory in the way still fails', async () => {
    write(path.join(local, 'b', 'app.conf'), 'port=81\n');
    await setUp({ isu03: `mkdir -p ${remote}/app.conf && touch ${remote}/app.conf/keep`, default: 'true' });
    const tree = path.join(local, 'b');
    const { dry, real } = await dryThenReal(['--sudo', `${tree}/`, '--dest', remote]);
    const expected = [`isuops: isu03: a directory is in the way of ${remote}/app.conf (empty it, or use --delete)`];
    expect(errorLines(dry.stderr)).toEqual(expected);
    expect(errorLines(real.stderr)).toEqual(expected);
    expect([dry.exitCode, real.exitCode]).toEqual([1, 1]);
    expect(dry.stderr).toContain('; dry run: 4 would change, 0 up to date, 1 failed, nothing written');
  });
});
