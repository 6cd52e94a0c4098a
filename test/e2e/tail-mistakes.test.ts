import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { execOnHost, ISUOPS_BIN, labDir, runIsuops } from './helpers.js';

const only = (list: string) => ['-F', path.join(labDir(), 'ssh_config'), '-H', list];
const unit = `isuops-nosuch-${randomBytes(3).toString('hex')}`;
const secret = `/var/log/isuops-secret-${randomBytes(3).toString('hex')}.log`;
afterAll(async () => {
  await execOnHost('isu02', `rm -f /etc/systemd/system/${unit}.service`);
  await execOnHost('isu03', `rm -f ${secret}`);
  await execOnHost('isu05', 'umount /usr/bin/journalctl 2>/dev/null; true');
});

/** Runs tail until `until` holds on its stderr (or 15 s), then Ctrl-C; returns its output and exit code. */
async function tailUntil(args: string[], until: (stderr: string) => boolean, whileRunning?: () => Promise<unknown>) {
  const child = execa('node', [ISUOPS_BIN, 'tail', ...args], { reject: false, buffer: false, stdin: 'ignore' });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 15_000;
  while (!until(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await whileRunning?.();
  child.kill('SIGINT');
  const r = await child;
  return { stderr, exitCode: r.exitCode };
}

describe('tail: mistakes are said once, with what to do', () => {
  it('a typo of a preset is refused before connecting, with the nearest preset', async () => {
    const r = await runIsuops(['tail', ...only('isu01'), 'nginxx']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('isuops: "nginxx" is no preset (did you mean nginx?); for a systemd unit of that name write nginxx.service\n');
  });

  it('a unit with no unit file and no entries is named per host; a host with its unit file says nothing', async () => {
    await execOnHost('isu02', `printf '[Service]\\nExecStart=/bin/true\\n' > /etc/systemd/system/${unit}.service`);
    const notice = (h: string) => `isuops: ${h}: ${unit}: no unit file for ${unit}.service and no journal entries on this host: following it anyway (a typo?)`;
    const r = await tailUntil([...only('isu01,isu02'), unit], (err) => err.includes(notice('isu01')));
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toContain(notice('isu01'));
    expect(r.stderr).not.toContain(notice('isu02'));
  });

  it('a file the login user cannot read: one line with the --sudo hint, not one per write', async () => {
    await execOnHost('isu03', `echo a > ${secret}; chmod 600 ${secret}`);
    const hint = `isuops: isu03: ${secret}: cannot open '${secret}' for reading: Permission denied (try --sudo); said once, tail keeps trying`;
    const r = await tailUntil([...only('isu03'), secret], (err) => err.includes(hint), async () => {
      for (let i = 0; i < 3; i++) {
        await execOnHost('isu03', `echo more >> ${secret}`);
        await new Promise((r) => setTimeout(r, 1200));
      }
    });
    expect(r.exitCode).toBe(130);
    expect(r.stderr.split('\n').filter((l) => l.includes('Permission denied'))).toEqual([hint]);
  });

  it('a host without journalctl gets one line, not two', async () => {
    await execOnHost('isu05', 'mount --bind /dev/null /usr/bin/journalctl');
    const r = await runIsuops(['tail', ...only('isu05'), 'isu-go']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l.includes('journalctl'))).toEqual([
      'isuops: isu05: isu-go: journalctl: command not found (no systemd journal on this host)',
    ]);
  });
});
