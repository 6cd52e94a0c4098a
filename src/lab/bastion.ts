import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { SSHD, waitForChild } from './host.js';
import { hostPaths, parseBase } from './layout.js';
import { readProcessState } from './proc.js';
import type { LabHost } from './types.js';

/** The bastion's name in ssh_config, known_hosts and state.json. */
export const BASTION_NAME = 'bastion';

/**
 * The network namespace of a bastion lab's fleet (`isuops-lab-<hash of dir>`): its sshds listen on
 * their 127.0.X.K there, which the machine's own loopback does not reach.
 */
export function makeNetnsName(dir: string): string {
  return `isuops-lab-${createHash('sha1').update(path.resolve(dir)).digest('hex').slice(0, 8)}`;
}

/** Where `ip netns add` pins the namespace; nsenter --net= takes it. */
export function netnsPath(netns: string): string {
  return `/run/netns/${netns}`;
}

/** The bastion's address: 127.0.X.254, outside the fleet's 127.0.X.1-250, on the machine's loopback. */
export function makeBastionAddress(base: string): string {
  const [a, b, c] = parseBase(base);
  return `${a}.${b}.${c}.254`;
}

/** Creates the namespace with its loopback up (127/8 is local there too); keeps one that exists. */
export async function ensureNetns(netns: string): Promise<void> {
  if (!fs.existsSync(netnsPath(netns))) await execa('ip', ['netns', 'add', netns]);
  await execa('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
}

/** Deletes the namespace (once its processes are gone); no-op when there is none. */
export async function removeNetns(netns: string): Promise<boolean> {
  if (!fs.existsSync(netnsPath(netns))) return false;
  await execa('ip', ['netns', 'del', netns], { reject: false });
  return true;
}

/**
 * The bastion's listener: accepts on the machine's loopback and hands each connection's socket to
 * `sshd -i` (inetd mode, like Debian's ssh.socket) started inside the fleet's namespace, so the
 * bastion is the one host that both the client and the fleet can reach.
 */
export const RELAY_SCRIPT = [
  "const net = require('net'); const { spawn } = require('child_process');",
  'const [address, port, netns, sshd, config, log] = process.argv.slice(1);',
  // paused: the socket's bytes are sshd's to read, never ours
  'const server = net.createServer({ pauseOnConnect: true }, (sock) => {',
  "  const child = spawn('nsenter', ['--net=' + netns, '--', sshd, '-i', '-f', config, '-E', log], { stdio: [sock, sock, 'ignore'] });",
  "  child.on('error', () => {});",
  '  sock.destroy();',
  '});',
  "server.on('error', (e) => { console.error(e.message); process.exit(1); });",
  'server.listen({ host: address, port: Number(port) });',
].join('\n');

/** Starts the relay inside the bastion's keeper namespaces (so lab down finds it); returns its pid. */
export async function startBastionRelay(dir: string, host: Pick<LabHost, 'name' | 'address' | 'port' | 'keeperPid'>, netns: string): Promise<number> {
  const hp = hostPaths(dir, host.name);
  const args = [
    '-t', String(host.keeperPid), '-u', '-m', '-p', '--',
    process.execPath, '-e', RELAY_SCRIPT, host.address, String(host.port), netnsPath(netns), SSHD, hp.sshdConfig, hp.log,
  ];
  const child = spawn('nsenter', args, { detached: true, stdio: 'ignore', cwd: '/' });
  child.unref();
  const pid = child.pid ? await waitForChild(child.pid, 3000) : 0;
  if (!pid || readProcessState(pid) === '') throw new Error(`lab ${host.name}: could not start its listener`);
  return pid;
}
