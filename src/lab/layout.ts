import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';

/** The user every lab host logs in as. */
export const LAB_USER = 'isucon';
export const DEFAULT_BASE = '127.0.1';
export const MAX_HOSTS = 250;

/** Paths that each host sees as its own (bind mounts inside its mount namespace). */
export const PRIVATE_DIRS = ['/etc/systemd/system', '/var/log', '/home/isucon', '/tmp', '/run/systemd/journal'];

/** The address base of a new lab without --base: $ISUOPS_LAB_BASE, else 127.0.1. */
export function labDefaultBase(env: NodeJS.ProcessEnv = process.env): string {
  return env.ISUOPS_LAB_BASE || DEFAULT_BASE;
}

/** `--dir` else $ISUOPS_LAB_DIR else ~/.isuops/lab. */
export function labDefaultDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.ISUOPS_LAB_DIR || path.join(os.homedir(), '.isuops', 'lab');
}

/** isu01..isu99; three digits once the fleet has more than 99 hosts. */
export function makeHostName(index: number, count: number): string {
  return `isu${String(index).padStart(count > 99 ? 3 : 2, '0')}`;
}

/** Host K (1-based) of a base `127.0.X`: 127.0.X.K, rolling to 127.0.X+1 past 250. */
export function makeHostAddress(base: string, index: number): string {
  const [a, b, c] = parseBase(base);
  const third = c + Math.floor((index - 1) / 250);
  return `${a}.${b}.${third}.${((index - 1) % 250) + 1}`;
}

/** Accepts `127.X.Y` only: the lab never listens outside loopback. */
export function parseBase(base: string): [number, number, number] {
  const m = /^127\.(\d{1,3})\.(\d{1,3})$/.exec(base);
  if (!m || Number(m[1]) > 255 || Number(m[2]) > 254) {
    throw new UsageError(`bad lab address base "${base}": use three octets inside 127/8, e.g. 127.0.1`);
  }
  return [127, Number(m[1]), Number(m[2])];
}

/** Validates the N of `lab up N`. */
export function checkHostCount(count: number): number {
  if (!Number.isInteger(count) || count < 1 || count > MAX_HOSTS) {
    throw new UsageError(`lab up: host count must be a whole number from 1 to ${MAX_HOSTS}, got "${count}"`);
  }
  return count;
}

/** The files of a lab directory. */
export function labPaths(dir: string) {
  return {
    state: path.join(dir, 'state.json'),
    hostsTxt: path.join(dir, 'hosts.txt'),
    /** The same hosts as the heavy-.bashrc login user (`isuheavy@isu01`...). */
    heavyHostsTxt: path.join(dir, 'hosts-heavy.txt'),
    sshConfig: path.join(dir, 'ssh_config'),
    knownHosts: path.join(dir, 'known_hosts'),
    clientKey: path.join(dir, 'id_ed25519'),
    authorizedKeys: path.join(dir, 'authorized_keys'),
    hostsDir: path.join(dir, 'hosts'),
  };
}

/** The files of one host under LAB_DIR/hosts/<name>. */
export function hostPaths(dir: string, name: string) {
  const root = path.join(dir, 'hosts', name);
  return {
    root,
    sshdConfig: path.join(root, 'sshd_config'),
    hostKey: path.join(root, 'ssh_host_ed25519_key'),
    log: path.join(root, 'sshd.log'),
    pidFile: path.join(root, 'sshd.pid'),
    etcHosts: path.join(root, 'etc-hosts'),
    keeperScript: path.join(root, 'keeper.sh'),
    /** Where the host's private copy of a PRIVATE_DIRS entry lives. */
    privateDir: (p: string) => path.join(root, p),
  };
}
