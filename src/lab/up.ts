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
  waitForListen,
} from './host.js';
import { BASTION_NAME, ensureNetns, makeBastionAddress, makeNetnsName, netnsPath, startBastionRelay } from './bastion.js';
import { LAB_USER, checkHostCount, hostPaths, labDefaultBase, labPaths, makeHostAddress, makeHostName, parseBase } from './layout.js';
import { HEAVY_USER, ensureBashrcLog, ensureHeavyHome } from './heavy-user.js';
import { ensureLatencyProxy, stopLatencyProxy } from './latency.js';
import { checkLabMachine, ensureClientKey, ensureLabSudoers, ensureLabUser, ensureMachineDirs } from './machine.js';
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
  /** Address base `127.0.X`; defaults to the running lab's, else $ISUOPS_LAB_BASE, else 127.0.1. */
  base?: string;
  /** How many hosts are set up at once. */
  parallel?: number;
  /** Per host: how long sshd may take to send its banner. */
  readyTimeoutMs?: number;
  /**
   * A bastion lab: the fleet's sshds listen inside a network namespace of their own, and a bastion
   * on 127.0.X.254 is the only way in (ssh_config: `Host isu*` has `ProxyJump bastion`).
   * Default: what the running lab is, else false.
   */
  bastion?: boolean;
  /** lab up --latency: round-trip time the latency proxy adds (0: none); default: the running lab's. */
  latencyMs?: number;
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
  if (old && opts.bastion !== undefined && Boolean(old.netns) !== opts.bastion) {
    throw new UsageError(`the lab in ${dir} is ${old.netns ? '' : 'not '}a bastion lab: run isuops lab down first`);
  }
  const withBastion = opts.bastion ?? Boolean(old?.netns);
  const rttMs = opts.latencyMs ?? old?.latency?.rttMs ?? 0;
  if (rttMs > 0 && withBastion) throw new UsageError('lab up: --latency does not combine with --bastion (yet)');
  const base = opts.base ?? old?.base ?? labDefaultBase();
  parseBase(base);
  const total = Math.max(opts.count, old?.hosts.length ?? 0);
  checkHostCount(total);
  if (!old) await killNamespaces(findStrayNamespaces(dir), dir); // leftovers of a lab whose state.json was lost

  ensureMachineDirs();
  const ids = await ensureLabUser(LAB_USER);
  const heavyIds = await ensureLabUser(HEAVY_USER);
  ensureLabSudoers(LAB_USER);
  ensureLabSudoers(HEAVY_USER);
  ensureHeavyHome(heavyIds);
  const readyMs = opts.readyTimeoutMs ?? 30_000;
  await ensureClientKey(dir);
  const machineHosts = fs.readFileSync('/etc/hosts', 'utf8');

  const netns = withBastion ? makeNetnsName(dir) : undefined;
  // before any keeper: their mount namespaces copy /run/netns as it is then
  if (netns) await ensureNetns(netns);
  const nsPath = netns ? netnsPath(netns) : undefined;
  // inside the namespace nothing else listens, and this process cannot connect there to read a banner
  const waitReady = (address: string, port: number, pid: number): Promise<void> =>
    nsPath ? waitForListen(address, port, pid, readyMs) : waitForBanner(address, port, pid, readyMs);

  const report: LabUpReport = { state: { hosts: [], user: LAB_USER, base, ...(netns ? { netns } : {}) }, started: [], restarted: [], thawed: [], kept: [], asked: opts.count, durationMs: 0 };
  const hosts: (LabHost | undefined)[] = new Array(total);
  const limit = pLimit(opts.parallel ?? 16);

  // Old hosts that cannot be kept (renamed when the lab grows past 99, moved, or broken) go first,
  // all of them, before any new keeper starts: a namespace id freed now may be reused by a new one.
  const keep = new Map<string, LabHost>();
  const replaced: LabHost[] = [];
  for (const prev of old?.hosts ?? []) {
    const index = Number(/(\d+)$/.exec(prev.name)?.[1]);
    const fits = index >= 1 && index <= total && makeHostName(index, total) === prev.name && makeHostAddress(base, index) === prev.address;
    if (fits && isHostKeeper(prev)) keep.set(prev.name, prev);
    else replaced.push(prev);
  }
  if (replaced.length > 0) await killNamespaces(new Set(replaced.map((h) => h.ns)), dir);

  const bringHost = async (index: number): Promise<void> => {
    const name = makeHostName(index, total);
    const address = makeHostAddress(base, index);
    ensureBashrcLog(dir, name, heavyIds);
    const prev = keep.get(name);
    if (prev) {
      if (isHostSshd(dir, name, prev.pid)) {
        hosts[index - 1] = prev;
        if (readProcessState(prev.pid) === 'T') {
          signalProcess(prev.pid, 'SIGCONT'); // frozen by labFreezeHost
          report.thawed.push(name);
        } else {
          report.kept.push(name);
        }
        await waitReady(address, prev.port, prev.pid);
        return;
      }
      const pid = await startSshd(dir, name, prev.keeperPid);
      await waitReady(address, prev.port, pid);
      hosts[index - 1] = { ...prev, pid };
      report.restarted.push(name);
      return;
    }
    const port = nsPath || (await isPortFree(address, 22)) ? 22 : 2222;
    if (port !== 22 && !(await isPortFree(address, port))) {
      throw new Error(`lab host ${name}: ports 22 and 2222 on ${address} are both taken`);
    }
    await prepareHost(dir, { name, address, port }, ids, machineHosts);
    const keeper = await startKeeper(dir, name, nsPath);
    const pid = await startSshd(dir, name, keeper.pid);
    await waitReady(address, port, pid);
    hosts[index - 1] = { name, address, port, pid, root: hostPaths(dir, name).root, keeperPid: keeper.pid, ns: keeper.ns };
    report.started.push(name);
  };

  const indexes = Array.from({ length: total }, (_, i) => i + 1);
  const results = await Promise.allSettled(indexes.map((i) => limit(() => bringHost(i))));
  if (netns) {
    const bastion = await Promise.allSettled([bringBastion(dir, base, netns, old?.bastion, ids, machineHosts, readyMs, report)]);
    results.push(...bastion);
  }
  // record whatever came up, even on failure, so lab down can find it
  report.state.hosts = hosts.filter((h): h is LabHost => h !== undefined);
  const proxy = await Promise.allSettled([
    rttMs > 0 ? ensureLatencyProxy(dir, report.state.hosts, rttMs, old?.latency) : stopLatencyProxy(dir).then(() => undefined),
  ]);
  if (proxy[0].status === 'fulfilled' && proxy[0].value) report.state.latency = proxy[0].value;
  if (proxy[0].status === 'rejected') results.push(proxy[0]);
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
  const all = state.bastion ? [state.bastion, ...state.hosts] : state.hosts;
  // behind the latency proxy, clients connect to its port; known_hosts has the direct port too
  const viaProxy = (h: LabHost): LabHost => ({ ...h, port: state.latency?.ports[h.name] ?? h.port });
  const known = all.flatMap((h) => {
    const key = fs.readFileSync(`${hostPaths(dir, h.name).hostKey}.pub`, 'utf8');
    const proxied = viaProxy(h);
    return proxied.port === h.port ? [renderKnownHostsLine(h, key)] : [renderKnownHostsLine(proxied, key), renderKnownHostsLine(h, key)];
  });
  fs.writeFileSync(lp.hostsTxt, renderHostsTxt(state.hosts));
  fs.writeFileSync(lp.heavyHostsTxt, renderHostsTxt(state.hosts, HEAVY_USER));
  fs.writeFileSync(lp.sshConfig, renderSshConfig(dir, state.hosts.map(viaProxy), state.user, state.bastion));
  fs.writeFileSync(lp.knownHosts, known.length ? `${known.join('\n')}\n` : '');
}

/**
 * The bastion of a bastion lab: a host of its own (UTS, mount, pid namespaces) on the machine's
 * network, whose listener runs `sshd -i` inside the fleet's namespace for each connection.
 */
async function bringBastion(
  dir: string,
  base: string,
  netns: string,
  prev: LabHost | undefined,
  ids: { uid: number; gid: number },
  machineHosts: string,
  readyMs: number,
  report: LabUpReport,
): Promise<void> {
  const name = BASTION_NAME;
  const address = makeBastionAddress(base);
  if (prev && prev.address === address && isHostKeeper(prev)) {
    if (isHostSshd(dir, name, prev.pid)) {
      report.state.bastion = prev;
      report.kept.push(name);
    } else {
      report.state.bastion = { ...prev, pid: await startBastionRelay(dir, prev, netns) };
      report.restarted.push(name);
    }
    await waitForBanner(address, prev.port, report.state.bastion.pid, readyMs);
    return;
  }
  if (prev) await killNamespaces(new Set([prev.ns]), dir);
  const port = (await isPortFree(address, 22)) ? 22 : 2222;
  if (port !== 22 && !(await isPortFree(address, port))) throw new Error(`lab ${name}: ports 22 and 2222 on ${address} are both taken`);
  await prepareHost(dir, { name, address, port }, ids, machineHosts);
  const keeper = await startKeeper(dir, name);
  const host: LabHost = { name, address, port, pid: 0, root: hostPaths(dir, name).root, keeperPid: keeper.pid, ns: keeper.ns };
  host.pid = await startBastionRelay(dir, host, netns);
  report.state.bastion = host;
  await waitForBanner(address, port, host.pid, readyMs);
  report.started.push(name);
}
