import fs from 'node:fs';
import { execa } from 'execa';
import { UsageError } from '../errors.js';
import { LAB_USER, PRIVATE_DIRS, labPaths } from './layout.js';
import { SSHD } from './host.js';

const SUDOERS = '/etc/sudoers.d/isuops-lab';

/** Refuses early, with what to do, when the machine cannot host a lab. */
export function checkLabMachine(): void {
  if (process.platform !== 'linux') throw new UsageError('isuops lab needs Linux (namespaces and OpenSSH sshd)');
  if (process.getuid?.() !== 0) throw new UsageError('isuops lab needs root: run it with sudo');
  if (!fs.existsSync(SSHD)) {
    throw new UsageError(`${SSHD} not found: apt-get install openssh-server (or run scripts/ensure-sshd.sh)`);
  }
}

/** Creates the login user (passwordless sudo, account not locked so sshd lets it in). */
export async function ensureLabUser(): Promise<{ uid: number; gid: number }> {
  if ((await execa('id', ['-u', LAB_USER], { reject: false })).exitCode !== 0) {
    await execa('useradd', ['-m', '-d', `/home/${LAB_USER}`, '-s', '/bin/bash', LAB_USER]);
  }
  // sshd without PAM refuses accounts whose password field starts with '!' even for keys
  const shadow = fs.readFileSync('/etc/shadow', 'utf8').split('\n').find((l) => l.startsWith(`${LAB_USER}:`));
  if (shadow?.split(':')[1]?.startsWith('!')) await execa('usermod', ['-p', '*', LAB_USER]);
  const sudoers = `# written by isuops lab up\n${LAB_USER} ALL=(ALL:ALL) NOPASSWD: ALL\n`;
  if (readText(SUDOERS) !== sudoers) {
    fs.mkdirSync('/etc/sudoers.d', { recursive: true });
    fs.writeFileSync(`${SUDOERS}.tmp`, sudoers, { mode: 0o440 });
    fs.renameSync(`${SUDOERS}.tmp`, SUDOERS);
  }
  const uid = Number((await execa('id', ['-u', LAB_USER])).stdout);
  const gid = Number((await execa('id', ['-g', LAB_USER])).stdout);
  return { uid, gid };
}

/** Mount points and sshd's privilege separation dir on the machine itself. */
export function ensureMachineDirs(): void {
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  for (const p of PRIVATE_DIRS) fs.mkdirSync(p, { recursive: true });
}

/** The lab's client key pair and authorized_keys (kept across lab down / up). */
export async function ensureClientKey(dir: string): Promise<void> {
  const lp = labPaths(dir);
  fs.mkdirSync(lp.hostsDir, { recursive: true, mode: 0o755 });
  if (!fs.existsSync(lp.clientKey)) {
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'isuops-lab', '-f', lp.clientKey]);
  }
  const pub = fs.readFileSync(`${lp.clientKey}.pub`, 'utf8');
  if (readText(lp.authorizedKeys) !== pub) fs.writeFileSync(lp.authorizedKeys, pub, { mode: 0o600 });
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
