import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { labDir, labState } from './helpers.js';

/** A standalone sshd for tests that need a server the lab's hosts are not (other host keys, algorithms). */
export interface OwnSshd {
  address: string;
  port: number;
  dir: string;
  /** ssh_config text for it, under `Host NAME`, with the lab's key and a known_hosts of its own. */
  config(name: string, extra?: string[]): string;
  knownHosts: string;
  hostKeyPub: string;
  stop(): Promise<void>;
}

/**
 * Starts `/usr/sbin/sshd -D` on the lab's address block (.200 + n), with a fresh host key of
 * `keyType` and `extra` sshd_config lines; it takes the lab's authorized_keys, like the lab
 * (or the file `authorizedKeys`).
 */
export async function startOwnSshd(n: number, keyType: 'ed25519' | 'rsa', extra: string[] = [], authorizedKeys = path.join(labDir(), 'authorized_keys')): Promise<OwnSshd> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-own-sshd-'));
  const address = labState().hosts[0]!.address.replace(/\.\d+$/, `.${200 + n}`);
  const port = 20000 + Math.floor(Math.random() * 30000);
  const hostKey = path.join(dir, `host_${keyType}`);
  await execa('ssh-keygen', ['-q', '-t', keyType, '-N', '', '-f', hostKey]);
  const conf = path.join(dir, 'sshd_config');
  writeFileSync(conf, [
    `ListenAddress ${address}:${port}`, `HostKey ${hostKey}`, `PidFile ${path.join(dir, 'pid')}`,
    'UsePAM no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'AuthorizedKeysFile none',
    `AuthorizedKeysCommand /bin/cat ${authorizedKeys}`, 'AuthorizedKeysCommandUser root',
    'StrictModes no', 'LogLevel VERBOSE', ...extra, '',
  ].join('\n'));
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.resume();
  await waitForPort(address, port);
  const knownHosts = path.join(dir, 'known_hosts');
  return {
    address, port, dir, knownHosts, hostKeyPub: `${hostKey}.pub`,
    config: (name, more = []) => [
      `Host ${name}`, `  HostName ${address}`, `  Port ${port}`, '  User isucon',
      `  IdentityFile ${path.join(labDir(), 'id_ed25519')}`, '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${knownHosts}`, '  StrictHostKeyChecking accept-new', ...more.map((l) => `  ${l}`), '',
    ].join('\n'),
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(host: string, port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, host, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd on ${host}:${port} did not start`);
}
