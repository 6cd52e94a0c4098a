import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectConnections, labArgs, labDir, labHosts, runIsuops } from './helpers.js';

/** How many connections each lab host's sshd has accepted so far (from its own log). */
function accepted(): Map<string, number> {
  return new Map(labHosts().map((h) => [h, (readFileSync(path.join(labDir(), 'hosts', h, 'sshd.log'), 'utf8').match(/^Accepted publickey/gm) ?? []).length]));
}

describe('pool', () => {
  it('one connection per host carries every channel of a run (push: sftp, checksum, sudo script, --then)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-pool-'));
    const file = path.join(dir, 'pool-test.conf');
    writeFileSync(file, `one connection ${Date.now()}\n`);
    const before = accepted();
    const r = await runIsuops(['push', ...labArgs(), '-c', '--sudo', '--dest', '/etc/systemd/system/', '--then', 'echo then; echo again', file]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('then');
    const after = accepted();
    for (const h of labHosts()) expectConnections(after.get(h)! - before.get(h)!, 1);
  });

  it('more hosts than -p: every host still done, each with one connection', async () => {
    const before = accepted();
    const r = await runIsuops(['exec', ...labArgs(), '-p', '1', 'hostname']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(5);
    const after = accepted();
    for (const h of labHosts()) expectConnections(after.get(h)! - before.get(h)!, 1);
  });
});
