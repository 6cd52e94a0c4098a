import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { execOnHost, ISUOPS_BIN, labDir } from './helpers.js';

// SIGHUP (the terminal was closed) ends a run as Ctrl-C and SIGTERM do: exit 130, nothing left behind.
const local = mkdtempSync(path.join(os.tmpdir(), 'isuops-hangup-'));
const remote = `/var/log/isuops-hangup-${randomBytes(4).toString('hex')}`;
afterAll(async () => {
  rmSync(local, { recursive: true, force: true });
  await execOnHost('isu01', `rm -rf ${remote} ${local}`);
});
const cfg = (): string[] => ['-F', path.join(labDir(), 'ssh_config'), '-H', 'isu01'];
const onHost = (p: string): string => path.join(labDir(), 'hosts', 'isu01', p);
const tempsIn = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((n) => /(^|\/)\..+\.isuops-[0-9a-zA-Z]{6}$/.test(n)) : []);

async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(5);
  }
  return check();
}
const running = async (needle: string): Promise<boolean> => (await execOnHost('isu01', `ps -eo args | grep -F -- '${needle}' | grep -v grep || true`)).stdout.trim() !== '';

describe.each(['SIGHUP'] as const)('%s (SIGTERM already did)', (sig) => {
  it('exec -I: the remote command is stopped, the summary comes, exit 130', async () => {
    const needle = `sleep 31${sig.length}9`;
    const child = execa('node', [ISUOPS_BIN, 'exec', ...cfg(), '-I', `cat >/dev/null; ${needle}`], { reject: false, input: 'data\n' });
    expect(await until(() => running(needle), 10_000)).toBe(true);
    child.kill(sig);
    const r = await child;
    expect([r.exitCode, r.signal], r.stderr).toEqual([130, undefined]);
    expect(r.stderr).toContain('1 interrupted');
    expect(await until(async () => !(await running(needle)), 5000)).toBe(true);
  });

  it('pull: no local temporary left', async () => {
    const blob = `${remote}/blob-${sig}.bin`;
    await execOnHost('isu01', `mkdir -p ${remote} && head -c 128M /dev/urandom > ${blob}`);
    const to = path.join(local, `pull-${sig}`);
    const dir = path.join(to, 'isu01', remote);
    const child = execa('node', [ISUOPS_BIN, 'pull', ...cfg(), '--to', to, blob], { reject: false });
    expect(await until(() => tempsIn(dir).some((n) => statSync(path.join(dir, n)).size > 1024 * 1024), 20_000)).toBe(true);
    child.kill(sig);
    const r = await child;
    expect([r.exitCode, r.signal, tempsIn(dir)], r.stderr).toEqual([130, undefined, []]);
  });

  it('push: no remote temporary left', async () => {
    const src = path.join(local, `push-${sig}.bin`);
    writeFileSync(src, randomBytes(96 * 1024 * 1024));
    const child = execa('node', [ISUOPS_BIN, 'push', ...cfg(), src], { reject: false });
    const dir = onHost(local);
    expect(await until(() => tempsIn(dir).some((n) => statSync(path.join(dir, n)).size > 1024 * 1024), 20_000)).toBe(true);
    child.kill(sig);
    const r = await child;
    expect([r.exitCode, r.signal], r.stderr).toEqual([130, undefined]);
    // The push in flight ends (old or whole new), then the temp is gone.
    expect(tempsIn(dir)).toEqual([]);
  });
});
