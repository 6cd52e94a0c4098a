import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { execOnHost, KEPT, labDir, runIsuops } from './helpers.js';

// The lab's sshd runs SFTP as internal-sftp: each session is one `sshd: USER@internal-sftp` process on the host.
const HOST = 'isu01';
const sftpSessions = async (): Promise<string[]> =>
  (await execOnHost(HOST, "pgrep -u isucon -f '^sshd: isucon@internal-sftp' || true")).stdout.split('\n').filter(Boolean).sort();

function source(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isuops-kept-sftp-'));
  fs.writeFileSync(path.join(dir, 'a.txt'), 'a\n');
  fs.writeFileSync(path.join(dir, 'b.txt'), 'b\n');
  return dir;
}

describe('push: the SFTP session a kept connection keeps between runs', () => {
  it('a re-push goes on the session the run before left open, and reads the files as they are now', async () => {
    const src = source();
    const dest = `/home/isucon/kept-sftp-${process.pid}-${Date.now()}`;
    const push = ['push', '-q', '-F', path.join(labDir(), 'ssh_config'), '-H', HOST, '--dest', dest, `${src}/`];
    expect((await runIsuops(push)).exitCode).toBe(0);
    const before = await sftpSessions();
    // changed on the host between the runs (not through isuops' SFTP session)
    const changed = await execOnHost(HOST, `su isucon -s /bin/sh -c 'printf changed > ${dest}/a.txt && touch -d @1000000000 ${dest}/a.txt'`);
    expect(changed.exitCode, changed.stderr).toBe(0);
    const again = await runIsuops(push);
    expect([again.exitCode, again.stderr]).toEqual([0, '']);
    expect(again.stdout).toBe(`${HOST}: >f.st...... ${dest}/a.txt\n`);
    expect((await execOnHost(HOST, `cat ${dest}/a.txt`)).stdout).toBe('a\n');
    if (KEPT) {
      // the same session process on the host served both runs, and is kept for the next
      expect(before.length).toBeGreaterThan(0);
      expect(await sftpSessions()).toEqual(before);
      const st = JSON.parse((await runIsuops(['daemon', 'status', '--json'])).stdout) as { connections: Array<{ sftp: number }> };
      expect(st.connections.some((c) => c.sftp === 1)).toBe(true);
    }
    fs.rmSync(src, { recursive: true, force: true });
  });

  it('a kept session the host ended (its sftp process killed) is replaced: the next push works and reads the host', async () => {
    const src = source();
    const dest = `/home/isucon/kept-sftp-gone-${process.pid}-${Date.now()}`;
    const push = ['push', '-q', '-F', path.join(labDir(), 'ssh_config'), '-H', HOST, '--dest', dest, `${src}/`];
    expect((await runIsuops(push)).exitCode).toBe(0);
    const before = await sftpSessions();
    await execOnHost(HOST, `pkill -u isucon -f '^sshd: isucon@internal-sftp'; rm ${dest}/b.txt; touch -d @1000000000 ${dest}`);
    const again = await runIsuops(push);
    expect([again.exitCode, again.stdout, again.stderr]).toEqual([0, `${HOST}: .d..t...... ${dest}/\n${HOST}: >f+++++++++ ${dest}/b.txt\n`, '']);
    if (KEPT) {
      const after = await sftpSessions();
      expect(after.length).toBeGreaterThan(0);
      expect(after.filter((p) => before.includes(p))).toEqual([]);
    }
    fs.rmSync(src, { recursive: true, force: true });
  });
});
