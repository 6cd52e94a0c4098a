import fs from 'node:fs';
import pLimit from 'p-limit';
import { UsageError } from '../errors.js';
import { killNamespaces, findStrayNamespaces } from './down.js';
import {
  isHostKeeper,
  isHostSshd,
  isPortFree,
  prepareHost,
  startKeeper,
  startSshd,
  waitForBanner,
} from './host.js';
import { DEFAULT_BASE, LAB_USER, checkHostCount, hostPaths, labPaths, makeHostAddress, makeHostName, parseBase } from './layout.js';
import { checkLabMachine, ensureClientKey, ensureLabUser, ensureMachineDirs } from './machine.js';
import { renderHostsTxt, renderKnownHostsLine, renderSshConfig } from './render.js';
import { readProcessState, signalProcess } from './proc.js';
import { readLabState, writeLabState } from './state.js';
import type { LabHost, LabState } from './types.js';

/** What lab up did, host by host. */
export interface LabUpReport {
  state: LabState;
  /** Hosts created from nothing. */
  started: string[];
  /** Hosts whose namespaces lived but whose sshd was down: sshd started again. */
  restarted: string[];
  /** Hosts whose sshd was frozen (SIGSTOP): continued. */
  thawed: string[];
  /** Hosts that were already up and were left alone. */
  kept: string[];
  /** How many hosts were asked for (the lab may hold more: lab up never shrinks it). */
  asked: number;
  durationMs: number;
}

/** Options of bringLabUp. */
export interface LabUpOptions {
  dir: string;
  count: number;
  /** Address base `127.0.X`; defaults to the running lab's, else 127.0.1. */
  base?: string;
  /** How many hosts are set up at once. */
  parallel?: number;
  /** Per host: how long sshd may take to send its banner. */
  readyTimeoutMs?: number;
}

/**
 * Makes sure hosts 1..max(count, hosts already in the lab) run, each with sshd accepting
 * connections, then (re)writes hosts.txt, ssh_config, known_hosts and state.json.
 */
export async function bringLabUp(opts: LabUpOptions): Promise<LabUpReport> {
  const t0 = Date.now();
  checkLabMachine();
  checkHostCount(opts.count);
  const { dir } = opts;
  const old = readLabState(dir);
  if (old && opts.base && old.base !== opts.base) {
    throw new UsageError(`the lab in ${dir} uses addresses ${old.base}.x, not ${opts.base}.x: run isuops lab down first`);
  }
  const base = opts.base ?? old?.base ?? DEFAULT_BASE;
  parseBase(base);
  const total = Math.max(opts.count, old?.hosts.length ?? 0);
  checkHostCount(total);
  if (!old) await killNamespaces(findStrayNamespaces(dir)); // leftovers of a lab whose state.json was lost

  ensureMachineDirs();
  const ids = await ensureLabUser();
  await ensureClientKey(dir);
  const machineHosts = fs.readFileSync('/etc/hosts', 'utf8');

  const report: LabUpReport = { state: { hosts: [], user: LAB_USER, base }, started: [], restarted: [], thawed: [], kept: [], asked: opts.count, durationMs: 0 };
  const hosts: (LabHost | undefined)[] = new Array(total);
  const limit = pLimit(opts.parallel ?? 16);
  const readyMs = opts.readyTimeoutMs ?? 30_000;

  const bringHost = async (index: number): Promise<void> => {
    const name = makeHostName(index, total);
    const address = makeHostAddress(base, index);
    const prev = old?.hosts[index - 1];
    if (prev && prev.name === name && prev.address === address && isHostKeeper(prev)) {
      if (isHostSshd(dir, name, prev.pid)) {
        hosts[index - 1] = prev;
        if (readProcessState(prev.pid) === 'T') {
          signalProcess(prev.pid, 'SIGCONT'); // frozen by labFreezeHost
          report.thawed.push(name);
        } else {
          report.kept.push(name);
        }
        await waitForBanner(address, prev.port, prev.pid, readyMs);
        return;
      }
      const pid = await startSshd(dir, name, prev.keeperPid);
      await waitForBanner(address, prev.port, pid, readyMs);
      hosts[index - 1] = { ...prev, pid };
      report.restarted.push(name);
      return;
    }
    if (prev) await killNamespaces(new Set([prev.ns]));
    const port = (await isPortFree(address, 22)) ? 22 : 2222;
    if (port !== 22 && !(await isPortFree(address, port))) {
      throw new Error(`lab host ${name}: ports 22 and 2222 on ${address} are both taken`);
    }
    await prepareHost(dir, { name, address, port }, ids, machineHosts);
    const keeper = await startKeeper(dir, name);
    const pid = await startSshd(dir, name, keeper.pid);
    await waitForBanner(address, port, pid, readyMs);
    hosts[index - 1] = { name, address, port, pid, root: hostPaths(dir, name).root, keeperPid: keeper.pid, ns: keeper.ns };
    report.started.push(name);
  };

  const indexes = Array.from({ length: total }, (_, i) => i + 1);
  const results = await Promise.allSettled(indexes.map((i) => limit(() => bringHost(i))));
  // record whatever came up, even on failure, so lab down can find it
  report.state.hosts = hosts.filter((h): h is LabHost => h !== undefined);
  writeLabState(dir, report.state);
  writeClientFiles(dir, report.state);
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0) {
    throw new Error(`${failed.length} lab host(s) failed to start; first: ${String(failed[0]!.reason?.message ?? failed[0]!.reason)}`);
  }
  report.durationMs = Date.now() - t0;
  return report;
}

/** hosts.txt, ssh_config and known_hosts for the hosts in state. */
export function writeClientFiles(dir: string, state: LabState): void {
  const lp = labPaths(dir);
  const known = state.hosts.map((h) => renderKnownHostsLine(h, fs.readFileSync(`${hostPaths(dir, h.name).hostKey}.pub`, 'utf8')));
  fs.writeFileSync(lp.hostsTxt, renderHostsTxt(state.hosts));
  fs.writeFileSync(lp.sshConfig, renderSshConfig(dir, state.hosts, state.user));
  fs.writeFileSync(lp.knownHosts, known.length ? `${known.join('\n')}\n` : '');
}
