import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { debug } from '../core/debug.js';
import { execa } from 'execa';
import { PRIVATE_DIRS, hostPaths } from './layout.js';
import { isProcessAlive, readCmdline, readNamespaces } from './proc.js';
import { remoteScript } from '../remote/scripts.js';
import { findLabDirInside, keeperArgs, renderEtcHosts, renderSshdConfig } from './render.js';
import type { LabHost } from './types.js';
import { makeDirsSync } from '../fs/make-dirs.js';

export const SSHD = '/usr/sbin/sshd';

/** Creates the host's dirs, host key, sshd_config and /etc/hosts (keys are reused when present). */
export async function prepareHost(
  dir: string,
  host: Pick<LabHost, 'name' | 'address' | 'port'>,
  ids: { uid: number; gid: number },
  machineHosts: string,
): Promise<void> {
  const hp = hostPaths(dir, host.name);
  for (const p of PRIVATE_DIRS) {
    const src = hp.privateDir(p);
    makeDirsSync(src);
    const rel = findLabDirInside(p, dir);
    if (rel) makeDirsSync(path.join(src, rel));
  }
  fs.chmodSync(hp.privateDir('/tmp'), 0o1777);
  fs.chownSync(hp.privateDir('/home/isucon'), ids.uid, ids.gid);
  if (!fs.existsSync(hp.hostKey)) {
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `isuops-lab-${host.name}`, '-f', hp.hostKey]);
  }
  fs.writeFileSync(hp.sshdConfig, renderSshdConfig(dir, host));
  fs.writeFileSync(hp.etcHosts, renderEtcHosts(machineHosts, host));
  fs.writeFileSync(hp.keeperScript, `${remoteScript('lab-keeper')}\n`);
}

/**
 * Starts the process (keeper.sh, src/remote/lab-keeper.sh written by prepareHost, with its arguments) that owns the host's UTS + mount namespaces and waits until its hostname and
 * mounts are in place. Returns its pid and namespace ids.
 */
export async function startKeeper(dir: string, name: string, netnsPath?: string): Promise<{ pid: number; ns: string }> {
  // own pid namespace too: ps on a host shows that host only, and orphans are reaped by the keeper
  const args = ['--uts', '--mount', '--pid', '--fork', '--mount-proc', '--propagation', 'private', '--', 'sh', hostPaths(dir, name).keeperScript, ...keeperArgs(dir, name)];
  // a bastion lab's fleet lives in its own network namespace, unreachable but through the bastion
  const [command, argv] = netnsPath ? ['nsenter', [`--net=${netnsPath}`, '--', 'unshare', ...args]] : ['unshare', args];
  const child = spawn(command, argv, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: '/',
  });
  let out = '';
  let err = '';
  const ok = await new Promise<boolean>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve(true);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', () => resolve(false));
    child.on('error', (e) => {
      err += String(e);
      resolve(false);
    });
  });
  child.stdout.destroy();
  child.stderr.destroy();
  child.unref();
  // nsenter execs unshare (same pid), whose forked child is the keeper
  const pid = ok && child.pid ? await waitForChild(child.pid, 3000) : 0;
  if (!pid) throw new Error(`lab host ${name}: could not set up its namespaces: ${err.trim() || 'keeper exited'}`);
  return { pid, ns: readNamespaces(pid) };
}

/** Starts sshd -D inside the keeper's namespaces; returns the listener pid (nsenter's child). */
export async function startSshd(dir: string, name: string, keeperPid: number): Promise<number> {
  const hp = hostPaths(dir, name);
  // -n: into the keeper's network namespace too (the machine's own, but in a bastion lab)
  const child = spawn('nsenter', ['-t', String(keeperPid), '-u', '-m', '-p', '-n', '--', SSHD, '-D', '-f', hp.sshdConfig, '-E', hp.log], {
    detached: true,
    stdio: 'ignore',
    cwd: '/',
  });
  child.unref();
  const pid = child.pid ? await waitForChild(child.pid, 3000) : 0;
  if (!pid) throw new Error(`lab host ${name}: could not start sshd`);
  return pid;
}

/** The first child of pid (unshare --fork and nsenter -p fork the real process), or 0 on timeout. */
export async function waitForChild(pid: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const first = Number(readChildren(pid)[0] ?? 0);
    if (first) return first;
    if (Date.now() > deadline || !isProcessAlive(pid)) return 0;
    await new Promise((r) => setTimeout(r, 10));
  }
}

function readChildren(pid: number): string[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

/** True when pid is this host's sshd listener (not a recycled pid). */
export function isHostSshd(dir: string, name: string, pid: number): boolean {
  return isProcessAlive(pid) && readCmdline(pid).includes(hostPaths(dir, name).sshdConfig);
}

/** True when the keeper still holds the namespaces recorded for the host. */
export function isHostKeeper(host: Pick<LabHost, 'keeperPid' | 'ns'>): boolean {
  return isProcessAlive(host.keeperPid) && readNamespaces(host.keeperPid) === host.ns;
}

/** Resolves once the server at address:port sends an SSH banner; rejects if the pid dies or time runs out. */
export async function waitForBanner(address: string, port: number, pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await readBanner(address, port, Math.max(200, deadline - Date.now()))) return;
    if (!isProcessAlive(pid)) throw new Error(`sshd on ${address}:${port} exited before it accepted connections`);
    if (Date.now() > deadline) throw new Error(`sshd on ${address}:${port} sent no banner within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** One connect attempt: true when the first bytes are `SSH-`. */
export function readBanner(address: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: address, port });
    let got = '';
    const done = (ok: boolean) => {
      sock.destroy();
      clearTimeout(timer);
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.on('data', (d) => {
      got += d.toString('latin1');
      if (got.length >= 4) done(got.startsWith('SSH-'));
    });
    sock.on('error', (e) => {
      debug('lab banner %s:%d: %s', address, port, e.message);
      done(false);
    });
    sock.on('close', () => done(false));
  });
}

/** True when nothing holds address:port (so sshd can bind it). */
export function isPortFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host: address, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * For a host inside a network namespace, which this process cannot connect to: resolves once
 * address:port is in LISTEN state in pid's /proc/PID/net/tcp (that namespace's table).
 */
export async function waitForListen(address: string, port: number, pid: number, timeoutMs: number): Promise<void> {
  const want = `${formatProcNetAddress(address)}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let table = '';
    try {
      table = fs.readFileSync(`/proc/${pid}/net/tcp`, 'utf8');
    } catch {
      // gone: reported below
    }
    // columns: sl local_address rem_address st(0A = LISTEN)
    if (table.split('\n').some((line) => { const f = line.trim().split(/\s+/); return f[1] === want && f[3] === '0A'; })) return;
    if (!isProcessAlive(pid)) throw new Error(`sshd on ${address}:${port} exited before it accepted connections`);
    if (Date.now() > deadline) throw new Error(`sshd on ${address}:${port} was not listening within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** 127.0.1.3 as /proc/net/tcp writes it: the 32-bit address in host (little-endian) order, hex. */
export function formatProcNetAddress(address: string): string {
  return address.split('.').reverse().map((o) => Number(o).toString(16).toUpperCase().padStart(2, '0')).join('');
}
