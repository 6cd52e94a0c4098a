import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { execOnHost, labDir, labState, runIsuops } from './helpers.js';

// #14.3: a user who owns a directory inside the target swaps a directory for a symlink to a
// root-owned directory outside it while `push --delete --sudo` runs; root must never delete (or
// write) through that symlink.
const host = 'isu01';
const TARGET = '/srv/isuops-race';
const OUTSIDE = '/srv/isuops-race-outside';
const local = mkdtempSync(path.join(os.tmpdir(), 'isuops-race-'));
afterAll(async () => {
  rmSync(local, { recursive: true, force: true });
  await execOnHost(host, `pkill -f '[i]suops-racer'; rm -rf ${TARGET} ${OUTSIDE}`);
});

describe('push --delete --sudo against a racing user', () => {
  it('never removes or writes a root-owned file outside the target', async () => {
    mkdirSync(path.join(local, 'shared'), { recursive: true, mode: 0o755 });
    chmodSync(local, 0o755);
    writeFileSync(path.join(local, 'shared', 'keep'), 'kept\n');
    // The target is root's; `shared` inside it belongs to nobody (65534), who races in it.
    await execOnHost(host, `rm -rf ${TARGET} ${OUTSIDE} && mkdir -p ${TARGET}/shared ${OUTSIDE} && chown 65534:65534 ${TARGET}/shared && for n in victim keep; do echo root >${OUTSIDE}/$n; done`);
    const state = labState();
    const pid = state.hosts.find((h) => h.name === host)!.keeperPid;
    // The racer runs as nobody inside the host: d is a directory with a `victim` (which push
    // deletes, as the local side lacks it) or a symlink to the outside directory, in turn.
    const racer = execa('nsenter', ['-t', String(pid), '-u', '-m', '-p', '--', 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'sh', '-c',
      `cd ${TARGET}/shared || exit 1; while :; do rm -f d; mkdir d && : >d/victim && : >d/keep; mv d d.x && ln -s ${OUTSIDE} d; rm -f d; mv d.x d; done # isuops-racer`], { reject: false });
    try {
      const args = ['push', '-F', path.join(labDir(), 'ssh_config'), '-H', host, '--sudo', '--delete', `${local}/`, '--dest', TARGET];
      let failedHosts = 0;
      for (let i = 0; i < 40; i++) {
        // push makes `shared` root's (after its deletions): give it back to the racer each time.
        await execOnHost(host, `chown 65534:65534 ${TARGET}/shared`);
        const r = await runIsuops(args);
        if (r.exitCode !== 0) failedHosts++;
        const left = await execOnHost(host, `cat ${OUTSIDE}/victim ${OUTSIDE}/keep 2>&1; ls -A ${OUTSIDE}`);
        expect(left.stdout).toBe('root\nroot\nkeep\nvictim\n');
      }
      // The race really ran: the swap makes some runs refuse an op (a changed path), not all.
      expect(failedHosts).toBeLessThan(40);
    } finally {
      racer.kill('SIGKILL');
      await execOnHost(host, "pkill -f '[i]suops-racer'; true");
    }
  }, 300_000);
});
