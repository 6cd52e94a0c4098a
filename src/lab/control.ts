import { execa } from 'execa';
import { UsageError } from '../errors.js';
import { startBastionRelay } from './bastion.js';
import { isHostKeeper, isHostSshd, startSshd, waitForBanner, waitForListen } from './host.js';
import { setProxyRouteDown } from './latency.js';
import { isProcessAlive, signalProcess, waitForExit } from './proc.js';
import { readLabState, writeLabState } from './state.js';
import type { LabExecResult, LabHost, LabState } from './types.js';

/** Finds a host of the lab in dir, or throws UsageError. */
export function findLabHost(dir: string, name: string): { state: LabState; host: LabHost } {
  const state = readLabState(dir);
  if (!state) throw new UsageError(`no lab in ${dir}: run isuops lab up first`);
  const host = state.hosts.find((h) => h.name === name) ?? (state.bastion?.name === name ? state.bastion : undefined);
  if (!host) throw new UsageError(`no host ${name} in the lab in ${dir}`);
  return { state, host };
}

function updateHost(dir: string, name: string, patch: Partial<LabHost>): void {
  const state = readLabState(dir);
  if (!state) return;
  state.hosts = state.hosts.map((h) => (h.name === name ? { ...h, ...patch } : h));
  if (state.bastion?.name === name) state.bastion = { ...state.bastion, ...patch };
  writeLabState(dir, state);
}

/** Kills the host's sshd listener only (a dead host: new connections are refused; its sessions live on). */
export async function labStopHost(dir: string, name: string): Promise<void> {
  const { state, host } = findLabHost(dir, name);
  if (isHostSshd(dir, name, host.pid)) {
    signalProcess(host.pid, 'SIGCONT'); // a frozen listener cannot act on SIGTERM
    signalProcess(host.pid, 'SIGTERM');
    if ((await waitForExit([host.pid], 3000)).length > 0) {
      signalProcess(host.pid, 'SIGKILL');
      await waitForExit([host.pid], 3000);
    }
  }
  updateHost(dir, name, { pid: 0 });
  // behind the latency proxy: the proxy refuses too (not accept, then reset)
  const proxyPort = state.latency?.ports[name];
  if (proxyPort) await setProxyRouteDown(dir, host.address, proxyPort, true);
}

/** Starts the host's sshd again (after labStopHost) and waits for its banner. */
export async function labStartHost(dir: string, name: string): Promise<void> {
  const { state, host } = findLabHost(dir, name);
  if (isHostSshd(dir, name, host.pid)) return;
  if (!isHostKeeper(host)) throw new UsageError(`lab host ${name} is gone: run isuops lab up again`);
  const isBastion = state.netns !== undefined && state.bastion?.name === name;
  const pid = isBastion ? await startBastionRelay(dir, host, state.netns as string) : await startSshd(dir, name, host.keeperPid);
  // a bastion lab's fleet is in a namespace this process cannot connect to
  if (state.netns && !isBastion) await waitForListen(host.address, host.port, pid, 30_000);
  else await waitForBanner(host.address, host.port, pid, 30_000);
  updateHost(dir, name, { pid });
  const proxyPort = state.latency?.ports[name];
  if (proxyPort) await setProxyRouteDown(dir, host.address, proxyPort, false);
}

/** SIGSTOPs the listener: TCP connects still succeed (kernel backlog) but no banner ever comes. */
export function labFreezeHost(dir: string, name: string): void {
  const { host } = findLabHost(dir, name);
  if (isProcessAlive(host.pid)) signalProcess(host.pid, 'SIGSTOP');
}

/** SIGCONTs a frozen listener. */
export function labThawHost(dir: string, name: string): void {
  const { host } = findLabHost(dir, name);
  if (isProcessAlive(host.pid)) signalProcess(host.pid, 'SIGCONT');
}

/** Runs `sh -c shellCmd` as root inside the host's namespaces (UTS, mount, pid), without ssh. */
export async function labExecOnHost(dir: string, name: string, shellCmd: string, opts: { input?: string; timeoutMs?: number } = {}): Promise<LabExecResult> {
  const { host } = findLabHost(dir, name);
  if (!isHostKeeper(host)) throw new UsageError(`lab host ${name} is gone: run isuops lab up again`);
  const r = await execa('nsenter', ['-t', String(host.keeperPid), '-u', '-m', '-p', '-n', '--', 'sh', '-c', shellCmd], {
    reject: false,
    cwd: '/',
    input: opts.input ?? '',
    timeout: opts.timeoutMs ?? 30_000,
    stripFinalNewline: false,
  });
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? (r.signal ? 128 : 1) };
}
