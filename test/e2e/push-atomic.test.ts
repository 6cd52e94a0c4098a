import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { execOnHost, ISUOPS_BIN, labDir, runIsuops } from './helpers.js';

const local = mkdtempSync(path.join(os.tmpdir(), 'isuops-push-atomic-'));
afterAll(async () => {
  rmSync(local, { recursive: true, force: true });
  await execOnHost('isu01', `rm -rf ${local}`);
});
const HOST = 'isu01';
const onHost = (p: string): string => path.join(labDir(), 'hosts', HOST, p);
const cfg = (): string[] => ['-F', path.join(labDir(), 'ssh_config'), '-H', HOST];
const sha = (buf: Buffer): string => createHash('sha256').update(buf).digest('hex');

describe('push atomicity', () => {
  it('kill -9 during a 64 MB transfer leaves the old file at the target, never a partial one', async () => {
    const target = path.join(local, 'blob.bin');
    const big = randomBytes(64 * 1024 * 1024);
    const temps = (): string[] => readdirSync(path.dirname(onHost(target))).filter((n) => n.startsWith('.blob.bin.isuops-'));
    let killedMidway = false;
    // The transfer takes about a second here; a try that finishes before the kill is retried.
    for (let attempt = 0; attempt < 5 && !killedMidway; attempt++) {
      writeFileSync(target, 'old\n');
      utimesSync(target, new Date('2024-01-01'), new Date('2024-01-01'));
      expect((await runIsuops(['push', ...cfg(), target])).exitCode).toBe(0);
      writeFileSync(target, big);
      const child = execa('node', [ISUOPS_BIN, 'push', ...cfg(), target], { reject: false });
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && child.exitCode === null) {
        const partial = temps().map((n) => statSync(path.join(path.dirname(onHost(target)), n)).size).find((s) => s >= 8 * 1024 * 1024);
        if (partial !== undefined) {
          child.kill('SIGKILL');
          killedMidway = true;
          break;
        }
        await sleep(2);
      }
      await child;
      if (!killedMidway) for (const n of temps()) rmSync(path.join(path.dirname(onHost(target)), n));
    }
    expect(killedMidway).toBe(true);
    // The target is still the whole old file; the partial data only ever sat under a temp name.
    expect(readFileSync(onHost(target), 'utf8')).toBe('old\n');
    const stale = temps();
    expect(stale.length).toBeLessThanOrEqual(1);
    // The next push completes: the whole new file, by content.
    const again = await runIsuops(['push', ...cfg(), target]);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toBe(`${HOST}: >f.st...... ${target}\n`);
    expect(sha(readFileSync(onHost(target)))).toBe(sha(big));
    // A killed push cannot clean up: its temp stays beside the target under its hidden name.
    expect(temps()).toEqual(stale);
    expect(existsSync(onHost(target))).toBe(true);
  });

  it.each([
    ['streamed (4 MiB)', 4 * 1024 * 1024],
    ['sent from the shared copy (768 KiB)', 768 * 1024],
  ])('a failed write (disk full) removes its temporary file and fails the host: %s', async (_name, size) => {
    // A 512 KiB tmpfs inside the host's own mount namespace: the upload runs out of space.
    const small = path.join(local, 'small');
    await execOnHost(HOST, `mkdir -p ${small} && mount -t tmpfs -o size=512k tmpfs ${small} && chown isucon ${small} ${local}`);
    try {
      const target = path.join(small, 'big.bin');
      writeFileSync(path.join(local, 'small-src'), randomBytes(size));
      const r = await runIsuops(['push', ...cfg(), path.join(local, 'small-src'), '--dest', target]);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain(`isuops: ${HOST}: ${target}`);
      expect((await execOnHost(HOST, `ls -A ${small}`)).stdout).toBe('');
    } finally {
      await execOnHost(HOST, `umount ${small}`);
    }
  });
});
