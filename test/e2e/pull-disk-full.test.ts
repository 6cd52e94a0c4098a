import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execOnHost, labDir, runIsuops } from './helpers.js';

// A 3 MiB tmpfs mounted as --to: the local disk fills up during the pull.
const tag = randomBytes(4).toString('hex');
const remote = `/var/log/isuops-full-${tag}`;
const to = mkdtempSync(path.join(os.tmpdir(), 'isuops-pull-full-'));
const sha = (buf: Buffer): string => createHash('sha256').update(buf).digest('hex');
const tempsIn = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((n) => /(^|\/)\..+\.isuops-[0-9a-f]{6}$/.test(n)) : []);
const pull = (args: string[]) => runIsuops(['pull', '-F', path.join(labDir(), 'ssh_config'), '-H', 'isu01', '--to', to, ...args], { timeoutMs: 30_000 });
const copyOf = (p: string): string => path.join(to, 'isu01', p);

beforeAll(async () => {
  await execa('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', to]);
});
afterAll(async () => {
  await execa('umount', [to], { reject: false });
  rmSync(to, { recursive: true, force: true });
  await execOnHost('isu01', `rm -rf ${remote}`);
});

/** Puts "old\n" (mtime 2024-01-01) at the local copy of `p`: what was there before the pull. */
function plantOld(p: string): void {
  mkdirSync(path.dirname(copyOf(p)), { recursive: true });
  writeFileSync(copyOf(p), 'old\n');
  utimesSync(copyOf(p), new Date('2024-01-01'), new Date('2024-01-01'));
}

describe('pull into a full local disk', () => {
  it('small files (SFTP): the host fails with "no space left on device" naming the path; no truncated copy, no temp, the old copy kept', async () => {
    const names = ['a', 'b', 'c', 'd'].map((n) => `${remote}/small/${n}.log`);
    await execOnHost('isu01', `mkdir -p ${remote}/small && for f in ${names.join(' ')}; do head -c 900000 /dev/urandom > $f; done`);
    const want = new Map(await Promise.all(names.map(async (n) => [n, (await execOnHost('isu01', `sha256sum ${n}`)).stdout.split(' ')[0]] as const)));
    plantOld(names[3]);
    const r = await pull([`${remote}/small`]);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`isuops: isu01: no space left on device: ${to}/isu01${remote}/small/[a-d]\\.log \\(pulling ${remote}/small/[a-d]\\.log\\)\\n`));
    const summary = /(\d+) files? \([^)]*\) received/.exec(r.stderr);
    expect(summary, r.stderr).not.toBeNull();
    const counted = Number(summary?.[1]);
    let complete = 0;
    for (const n of names) {
      if (!existsSync(copyOf(n))) continue;
      const data = readFileSync(copyOf(n));
      // Every copy is whole, or (the planted one) as it was.
      if (n === names[3] && data.toString() === 'old\n') continue;
      expect(sha(data), n).toBe(want.get(n));
      complete += 1;
    }
    expect([complete, tempsIn(to)]).toEqual([counted, []]);
    expect(complete).toBeLessThan(4);
  });

  it('a large file (cat stream): the host fails at once, the old copy kept, no temp; the run ends', async () => {
    rmSync(path.join(to, 'isu01'), { recursive: true, force: true });
    const big = `${remote}/big.bin`;
    await execOnHost('isu01', `mkdir -p ${remote} && head -c 8000000 /dev/urandom > ${big}`);
    plantOld(big);
    for (const flags of [[], ['--gzip']]) {
      const r = await pull([big, ...flags]);
      expect([r.exitCode, r.stderr], flags.join(' ')).toEqual([1, expect.stringContaining(`isuops: isu01: no space left on device: ${copyOf(big)} (pulling ${big})\n`)]);
      expect(r.stderr).toContain('0 files (0 B) received');
      expect([readFileSync(copyOf(big), 'utf8'), tempsIn(to)]).toEqual(['old\n', []]);
    }
  });
});
