import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { labDir, labState, runIsuops } from './helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-khw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const lab = () => path.join(labDir(), 'ssh_config');
const accept = (file: string) => ['-o', 'StrictHostKeyChecking=accept-new', '-o', `UserKnownHostsFile=${file}`];

describe('accept-new writes known_hosts as ssh does', () => {
  it('HashKnownHosts yes writes |1| lines that ssh-keygen -F finds and ssh accepts', async () => {
    const file = path.join(dir, 'hashed');
    const r = await runIsuops(['exec', '-F', lab(), '-H', 'isu01,isu02', ...accept(file), '-o', 'HashKnownHosts=yes', 'true']);
    expect(r.exitCode, r.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n').filter((l) => l !== '').every((l) => l.startsWith('|1|'))).toBe(true);
    for (const host of labState().hosts.slice(0, 2)) {
      const found = await execa('ssh-keygen', ['-F', host.address, '-f', file], { reject: false });
      expect(found.exitCode).toBe(0);
      expect(found.stdout).toContain(`Host ${host.address} found: line`);
      const ssh = await execa('ssh', ['-F', lab(), '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${file}`, host.name, 'true'], { reject: false, stdin: 'ignore' });
      expect(ssh.exitCode, ssh.stderr).toBe(0);
    }
  });

  it('a known_hosts that cannot be written: ssh\'s warning, and the run goes on', async () => {
    const file = path.join(dir, 'a-directory');
    mkdirSync(file);
    const ssh = await execa('ssh', ['-F', lab(), ...accept(file), 'isu01', 'true'], { reject: false, stdin: 'ignore' });
    expect(ssh.exitCode).toBe(0);
    expect(ssh.stderr).toContain(`Failed to add the host to the list of known hosts (${file}).`);
    const r = await runIsuops(['exec', '-F', lab(), '-H', 'isu01', ...accept(file), 'hostname']);
    expect(r.stdout).toBe('isu01: isu01\n');
    expect(r.stderr).toContain(`isuops: isu01: warning: Failed to add the host to the list of known hosts (${file}): it is a directory\n`);
    expect(r.exitCode).toBe(0);
  });

  it('a known_hosts under /proc: the warning, and isuops ends right after its summary (no spinning mkdir)', async () => {
    const file = '/proc/self/isuops-nope/known_hosts';
    const started = Date.now();
    const r = await runIsuops(['exec', '-F', lab(), '-H', 'isu01', ...accept(file), 'hostname'], { timeoutMs: 15_000 });
    expect(r.signal).toBeUndefined();
    expect(r.stderr).toContain(`isuops: isu01: warning: Failed to add the host to the list of known hosts (${file}): no such file or directory\n`);
    expect(r.exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it('pull --to and --out-dir under /proc fail at once instead of spinning', async () => {
    const pull = await runIsuops(['pull', '-F', lab(), '-H', 'isu01', '/etc/hostname', '--to', '/proc/self/isuops-nope/pulled'], { timeoutMs: 15_000 });
    expect(pull.signal).toBeUndefined();
    expect(pull.exitCode).not.toBe(0);
    const out = await runIsuops(['exec', '-F', lab(), '-H', 'isu01', '--out-dir', '/proc/self/isuops-nope/out', 'true'], { timeoutMs: 15_000 });
    expect(out.signal).toBeUndefined();
    expect(out.stderr).toBe('isuops: --out-dir /proc/self/isuops-nope/out: cannot create it: no such file or directory\n');
    expect(out.exitCode).toBe(2);
  });

  it('XDG_CACHE_HOME under /proc: the V8 cache is skipped, the run ends', async () => {
    const r = await runIsuops(['--version'], { env: { XDG_CACHE_HOME: '/proc/self/isuops-nope' }, timeoutMs: 10_000 });
    expect(r.signal).toBeUndefined();
    expect(r.exitCode).toBe(0);
  });
});
