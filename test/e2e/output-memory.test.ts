import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { ISUOPS_BIN, labDir } from './helpers.js';

// isuops's peak RSS (GNU time's %M, KiB) while one lab host prints a lot; stdout goes to a file.
const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-memory-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MIB = 1024 * 1024;
// ssh on the same output stays at ~9 MB; Node's own floor is ~50 MB.
const RSS_LIMIT_KIB = 300 * 1024;

async function measure(args: string[], remoteCmd: string): Promise<{ rssKiB: number; out: string; stderr: string; exitCode: number | undefined }> {
  const out = path.join(dir, `out-${args.join('')}`);
  const rss = path.join(dir, 'rss');
  const argv = ['/usr/bin/time', '-f', '%M', '-o', rss, 'node', ISUOPS_BIN, 'exec', '-F', path.join(labDir(), 'ssh_config'), '-H', 'isu01', ...args, remoteCmd];
  const r = await execa('sh', ['-c', '"$@" > "$0"', out, ...argv], { reject: false, timeout: 90_000 });
  return { rssKiB: Number(readFileSync(rss, 'utf8').trim().split('\n').pop()), out, stderr: String(r.stderr), exitCode: r.exitCode };
}

/** The first and last `n` bytes of a file and its size, without reading it whole. */
function ends(file: string, n = 200): { head: string; tail: string; size: number } {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(Math.min(n, size));
  const tail = Buffer.alloc(Math.min(n, size));
  readSync(fd, head, 0, head.length, 0);
  readSync(fd, tail, 0, tail.length, size - tail.length);
  closeSync(fd);
  return { head: head.toString('latin1'), tail: tail.toString('latin1'), size };
}

describe('memory stays bounded whatever a host prints', () => {
  it('1 GB without a newline streams out in 1 MiB pieces, each cut marked with a backslash; peak RSS stays small', async () => {
    const bytes = 1000 * 1000 * 1000;
    const r = await measure([], `head -c ${bytes} /dev/zero`);
    expect([r.exitCode, r.stderr]).toEqual([0, expect.stringContaining('1 ok')]);
    const pieces = Math.ceil(bytes / MIB);
    const { head, tail, size } = ends(r.out);
    // Every piece is `isu01: ` + its bytes + newline; all but the last end in `\`.
    expect(size).toBe(bytes + pieces * 'isu01: \n'.length + (pieces - 1));
    expect(head).toBe(`isu01: ${'\0'.repeat(193)}`);
    expect(tail).toBe(`${'\0'.repeat(199)}\n`);
    const firstLine = Buffer.alloc(MIB + 10);
    const fd = openSync(r.out, 'r');
    readSync(fd, firstLine, 0, firstLine.length, 0);
    closeSync(fd);
    expect(firstLine.subarray(MIB + 7, MIB + 10).toString()).toBe('\\\ni');
    expect(r.rssKiB).toBeLessThan(RSS_LIMIT_KIB);
    console.log(`stream: peak RSS ${r.rssKiB} KiB for ${bytes} bytes without a newline`);
  });

  it.each([['-b'], ['--json']])('%s with more than 512 MiB from one host: the output is whole, the summary comes, peak RSS stays small', async (flag) => {
    // 4 KiB lines, 560 MB: past V8's longest string (~512 MiB), which crashed the whole run before.
    const bytes = 560 * 1000 * 1000;
    const line = 4096;
    const r = await measure([flag], `yes "$(head -c ${line - 1} /dev/zero | tr '\\0' a)" | head -c ${bytes}`);
    expect([r.exitCode, r.stderr]).toEqual([0, expect.stringContaining('isuops: 1 host: 1 ok')]);
    const { head, tail, size } = ends(r.out);
    // The last line (cut by head -c, 3072 bytes) gets its newline from isuops.
    if (flag === '-b') {
      const header = `${'-'.repeat(15)}\nisu01 (1)\n${'-'.repeat(15)}\n`;
      expect([head, tail, size]).toEqual([header + 'a'.repeat(200 - header.length), `${'a'.repeat(199)}\n`, header.length + bytes + 1]);
    } else {
      const prefix = '{"host":"isu01","ok":true,"status":"ok","exitCode":0,"signal":null,"timedOut":false,"error":null,"stdout":"';
      expect(head).toBe(prefix + 'a'.repeat(200 - prefix.length));
      expect(tail).toMatch(/a\\n","stderr":"","durationMs":\d+}\n$/);
      expect(size).toBeGreaterThan(bytes + Math.floor(bytes / line));
    }
    expect(r.rssKiB).toBeLessThan(RSS_LIMIT_KIB);
    console.log(`${flag}: peak RSS ${r.rssKiB} KiB for ${bytes} bytes`);
  });
});
