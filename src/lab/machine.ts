import fs from 'node:fs';
import { execa } from 'execa';
import { UsageError } from '../errors.js';
import { LAB_USER, PRIVATE_DIRS, labPaths } from './layout.js';
import { SSHD } from './host.js';
import { makeDirsSync } from '../fs/make-dirs.js';

const SUDOERS = '/etc/sudoers.d/isuops-lab';

/** Refuses early, with what to do, when the machine cannot host a lab. */
export function checkLabMachine(): void {
  if (process.platform !== 'linux') throw new UsageError('isuops lab needs Linux (namespaces and OpenSSH sshd)');
  if (process.getuid?.() !== 0) throw new UsageError('isuops lab needs root: run it with sudo');
  if (!fs.existsSync(SSHD)) {
    throw new UsageError(`${SSHD} not found: apt-get install openssh-server (or run scripts/ensure-sshd.sh)`);
  }
}

/**
 * Creates a login user of the lab (passwordless sudo, account not locked so sshd lets it in).
 * Two lab ups at once may both try: a useradd that lost the race (user exists, /etc/passwd locked)
 * is fine once the user is there.
 */
export async function ensureLabUser(user: string = LAB_USER): Promise<{ uid: number; gid: number }> {
  for (let attempt = 0; (await execa('id', ['-u', user], { reject: false })).exitCode !== 0; attempt++) {
    const r = await execa('useradd', ['-m', '-d', `/home/${user}`, '-s', '/bin/bash', user], { reject: false });
    if (r.exitCode !== 0 && attempt >= 20) throw new Error(`useradd ${user}: ${r.stderr.trim()}`);
    if (r.exitCode !== 0) await new Promise((res) => setTimeout(res, 100));
  }
  // sshd without PAM refuses accounts whose password field starts with '!' even for keys
  const shadow = fs.readFileSync('/etc/shadow', 'utf8').split('\n').find((l) => l.startsWith(`${user}:`));
  if (shadow?.split(':')[1]?.startsWith('!')) await execa('usermod', ['-p', '*', user], { reject: false });
  const uid = Number((await execa('id', ['-u', user])).stdout);
  const gid = Number((await execa('id', ['-g', user])).stdout);
  return { uid, gid };
}

/**
 * Passwordless sudo for a lab login user: /etc/sudoers.d/isuops-lab for isucon, isuops-lab-<user>
 * for the others (a file each: a lab up of another version rewrites only its own).
 */
export function ensureLabSudoers(user: string): void {
  const file = user === LAB_USER ? SUDOERS : `${SUDOERS}-${user}`;
  const sudoers = `# written by isuops lab up\n${user} ALL=(ALL:ALL) NOPASSWD: ALL\n`;
  if (readText(file) !== sudoers) {
    makeDirsSync('/etc/sudoers.d');
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, sudoers, { mode: 0o440 });
    fs.renameSync(tmp, file);
  }
}

/** Mount points and sshd's privilege separation dir on the machine itself. */
export function ensureMachineDirs(): void {
  makeDirsSync('/run/sshd', 0o755);
  for (const p of PRIVATE_DIRS) makeDirsSync(p);
}

/** The lab's client key pair and authorized_keys (kept across lab down / up). */
export async function ensureClientKey(dir: string): Promise<void> {
  const lp = labPaths(dir);
  makeDirsSync(lp.hostsDir, 0o755);
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
