import path from 'node:path';
import { PRIVATE_DIRS, hostPaths, labPaths } from './layout.js';
import type { LabHost } from './types.js';

/** sshd_config of one host: its own address, key, pid file; keys from the lab's authorized_keys. */
export function renderSshdConfig(dir: string, host: Pick<LabHost, 'name' | 'address' | 'port'>): string {
  const hp = hostPaths(dir, host.name);
  return [
    `# isuops lab host ${host.name}: written by isuops lab up`,
    `ListenAddress ${host.address}:${host.port}`,
    `HostKey ${hp.hostKey}`,
    `PidFile ${hp.pidFile}`,
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin prohibit-password',
    // sshd reads AuthorizedKeysFile as the login user, who cannot enter /root; a command runs as root
    'AuthorizedKeysFile none',
    `AuthorizedKeysCommand /bin/cat ${labPaths(dir).authorizedKeys}`,
    'AuthorizedKeysCommandUser root',
    'StrictModes no',
    'MaxSessions 10',
    'MaxStartups 300:30:600',
    'LoginGraceTime 30',
    'UseDNS no',
    'PrintMotd no',
    'LogLevel INFO',
    'Subsystem sftp internal-sftp',
    '',
  ].join('\n');
}

/**
 * ssh_config for OpenSSH and isuops: one Host block per host, then the shared settings. With a
 * bastion, the fleet is reached through it (`ProxyJump bastion`) and it shares the settings.
 */
export function renderSshConfig(dir: string, hosts: LabHost[], user: string, bastion?: Pick<LabHost, 'name' | 'address' | 'port'>): string {
  const lp = labPaths(dir);
  const blocks = [...(bastion ? [bastion] : []), ...hosts].map((h) => `Host ${h.name}\n  HostName ${h.address}\n  Port ${h.port}\n`);
  return [
    '# isuops lab: written by isuops lab up',
    ...blocks,
    ...(bastion ? ['Host isu*', `  ProxyJump ${bastion.name}`, `Host isu* ${bastion.name}`] : ['Host isu*']),
    `  User ${user}`,
    `  IdentityFile ${lp.clientKey}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${lp.knownHosts}`,
    '  StrictHostKeyChecking yes',
    '  ConnectTimeout 5',
    '',
  ].join('\n');
}

/** One known_hosts line: `name,addr` on port 22, `[name]:port,[addr]:port` elsewhere. */
export function renderKnownHostsLine(host: Pick<LabHost, 'name' | 'address' | 'port'>, publicKey: string): string {
  const [type, blob] = publicKey.trim().split(/\s+/);
  const names = host.port === 22 ? [host.name, host.address] : [host.name, host.address].map((n) => `[${n}]:${host.port}`);
  return `${names.join(',')} ${type} ${blob}`;
}

/** hosts.txt: a `[lab]` group, one name a line; with a user, `[heavy]` and `user@name` lines. */
export function renderHostsTxt(hosts: Pick<LabHost, 'name'>[], user?: string): string {
  return [user ? '[heavy]' : '[lab]', ...hosts.map((h) => (user ? `${user}@${h.name}` : h.name)), ''].join('\n');
}

/** The host's /etc/hosts: the machine's own plus its name, so sudo and friends resolve it. */
export function renderEtcHosts(machineHosts: string, host: Pick<LabHost, 'name' | 'address'>): string {
  const base = machineHosts.endsWith('\n') || machineHosts === '' ? machineHosts : `${machineHosts}\n`;
  return `${base}${host.address}\t${host.name}\n`;
}

/** The lab dir relative to a private dir p when it lies beneath it (`/tmp/lab` under `/tmp`), else null. */
export function findLabDirInside(p: string, dir: string): string | null {
  const rel = path.relative(p, dir);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : null;
}

/**
 * The keeper's arguments (src/remote/lab-keeper.sh): the hostname, the host's /etc/hosts, then
 * `HOW SRC DST` per private dir. When the lab dir sits under a private dir (e.g. /tmp/lab), it is
 * bound back inside the host's copy first, so the sshd started later still finds its config.
 */
export function keeperArgs(dir: string, name: string): string[] {
  const hp = hostPaths(dir, name);
  const args = [name, hp.etcHosts];
  for (const p of PRIVATE_DIRS) {
    const src = hp.privateDir(p);
    const rel = findLabDirInside(p, dir);
    if (rel) args.push('bind', dir, path.join(src, rel), 'rbind', src, p);
    else args.push('bind', src, p);
  }
  return args;
}
