import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { execOnHost, ISUOPS_BIN, labDir } from './helpers.js';

const log = `/var/log/isuops-tail-reader-${randomBytes(4).toString('hex')}.log`;
afterAll(async () => {
  await execOnHost('isu01', `rm -f ${log}`);
});
const cfg = (): string[] => ['-F', path.join(labDir(), 'ssh_config'), '-H', 'isu01'];
const followers = async (): Promise<string> => (await execOnHost('isu01', `ps -eo args | grep -F -- 'tail -F' | grep -F -- '${log}' | grep -v grep || true`)).stdout.trim();

describe('tail and its reader', () => {
  it('`| grep -m1`: ends once grep has its line (exit 130, the remote tail stopped), not at the next line', async () => {
    await execOnHost('isu01', `echo before > ${log}`);
    const run = execa('bash', ['-c', 'node "$0" tail "$@" | grep -m1 hit; echo "status ${PIPESTATUS[*]}"', ISUOPS_BIN, ...cfg(), '-n', '0', log], { reject: false, timeout: 30_000, stripFinalNewline: false });
    let errors = '';
    run.stderr!.on('data', (d: Buffer) => (errors += d.toString()));
    while ((await followers()) === '') await sleep(50);
    await execOnHost('isu01', `echo hit >> ${log}`);
    const started = Date.now();
    const r = await run;
    // GNU tail checks its output about once a second.
    expect(Date.now() - started, errors).toBeLessThan(5000);
    expect(String(r.stdout)).toBe('isu01: hit\nstatus 130 0\n');
    let left = await followers();
    for (let i = 0; i < 30 && left !== ''; i++) left = (await sleep(100), await followers());
    expect(left).toBe('');
  });

  it('-n history shows a last line longer than the 4 MiB window (its end, in 1 MiB pieces)', async () => {
    await execOnHost('isu01', `{ echo first; head -c 6000000 /dev/zero | tr '\\0' y; echo; } > ${log}`);
    const child = execa('node', [ISUOPS_BIN, 'tail', ...cfg(), '-n', '1', log], { reject: false });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString('latin1')));
    const deadline = Date.now() + 20_000;
    while (out.split('\n').length < 5 && Date.now() < deadline) await sleep(50);
    child.kill('SIGINT');
    await child;
    const got = out.split('\n').filter((l) => l !== '');
    // The 4 MiB window (the line's end and its newline): 1 MiB pieces, each but the last ending in a backslash.
    const piece = 'isu01: '.length + 1024 * 1024;
    expect(got.map((l) => l.length)).toEqual([piece + 1, piece + 1, piece + 1, piece - 1]);
    expect(got.every((l) => /^isu01: y+\\?$/.test(l))).toBe(true);
  });
});
