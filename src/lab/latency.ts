import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { isPortFree } from './host.js';
import { renderLatencyProxyScript } from './latency-proxy.js';
import { isProcessAlive, listPids, readCmdline, signalProcess, waitForExit } from './proc.js';
import type { LabHost, LabLatency } from './types.js';

/** The proxy's port on each host's address (sshd keeps 22), or the next free one up to +9. */
export const PROXY_PORT = 2022;

/** `20ms`, `20` (ms), `0.02s`, `0` (none) -> milliseconds of round-trip time. */
export function parseLatency(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * (m[2] === 's' ? 1000 : 1) : NaN;
  if (!Number.isFinite(ms) || ms > 10_000) {
    throw new UsageError(`bad --latency "${text}": give a round-trip time such as 20ms, 0.05s or 0 (none), at most 10s`);
  }
  return ms;
}

/** The proxy's files in the lab dir. */
export function latencyPaths(dir: string) {
  return {
    script: path.join(dir, 'latency-proxy.cjs'),
    config: path.join(dir, 'latency-proxy.json'),
    log: path.join(dir, 'latency-proxy.log'),
  };
}

/** The config the proxy reads: each host's address:proxyPort in front of its sshd, RTT/2 each way. */
export function renderProxyConfig(hosts: Pick<LabHost, 'name' | 'address' | 'port'>[], rttMs: number, ports: Record<string, number>): string {
  const routes = hosts.map((h) => ({ listen: { host: h.address, port: ports[h.name] }, target: { host: h.address, port: h.port } }));
  return `${JSON.stringify({ delayMs: rttMs / 2, routes }, null, 1)}\n`;
}

/** Pids of this lab's proxy (found by command line, so a stale state.json does not matter). */
export function findProxyPids(dir: string): number[] {
  const script = latencyPaths(path.resolve(dir)).script;
  return listPids().filter((p) => readCmdline(p).includes(script) && isProcessAlive(p));
}

/** Stops this lab's proxy; returns how many processes were stopped. */
export async function stopLatencyProxy(dir: string): Promise<number> {
  const pids = findProxyPids(dir);
  for (const pid of pids) signalProcess(pid, 'SIGTERM');
  for (const pid of await waitForExit(pids, 2000)) signalProcess(pid, 'SIGKILL');
  await waitForExit(pids, 2000);
  return pids.length;
}

/**
 * Makes the lab's proxy run with the given RTT in front of every host: keeps a running one whose
 * config is the same, else (re)starts it. Ports are kept from `prev`, else PROXY_PORT or the next
 * free one. Returns what state.json records.
 */
export async function ensureLatencyProxy(dir: string, hosts: LabHost[], rttMs: number, prev?: LabLatency): Promise<LabLatency> {
  const lp = latencyPaths(path.resolve(dir));
  const ports: Record<string, number> = {};
  const running = findProxyPids(dir);
  for (const h of hosts) {
    const kept = prev?.ports[h.name];
    // a port the running proxy holds is ours; any other must be free
    if (kept && running.length > 0) ports[h.name] = kept;
    else ports[h.name] = await findFreePort(h.address, kept ?? PROXY_PORT);
  }
  const config = renderProxyConfig(hosts, rttMs, ports);
  if (running.length === 1 && readText(lp.config) === config) return { rttMs, pid: running[0]!, ports };
  await stopLatencyProxy(dir);
  fs.writeFileSync(lp.script, renderLatencyProxyScript());
  fs.writeFileSync(lp.config, config);
  return { rttMs, pid: await startProxy(lp), ports };
}

async function findFreePort(address: string, from: number): Promise<number> {
  for (let port = from; port < from + 10; port++) if (await isPortFree(address, port)) return port;
  throw new Error(`latency proxy: ports ${from}-${from + 9} on ${address} are all taken`);
}

/** Starts `node latency-proxy.cjs latency-proxy.json` detached and waits for its `ready` line. */
function startProxy(lp: ReturnType<typeof latencyPaths>): Promise<number> {
  const log = fs.openSync(lp.log, 'a');
  const child = spawn(process.execPath, [lp.script, lp.config], { detached: true, stdio: ['ignore', 'pipe', log], cwd: '/' });
  fs.closeSync(log);
  return new Promise((resolve, reject) => {
    let out = '';
    let settled = false;
    const timer = setTimeout(() => fail('no ready line within 10 s'), 10_000);
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`latency proxy did not start: ${why} (see ${lp.log})`));
    };
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('\n') || settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout!.destroy();
      child.unref();
      resolve(child.pid!);
    });
    child.on('exit', (code) => fail(`exited with ${code}: ${readText(lp.log)?.trim().split('\n').pop() ?? ''}`));
    child.on('error', (e) => fail(e.message));
  });
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** What the proxy counted for one host since it started. */
export interface LatencyHostStats {
  connections: number;
  /** Round trips clients waited for: server replies after the client last sent. */
  turns: number;
  bytesUp: number;
  bytesDown: number;
}

/** Asks the lab's proxy for its counters (SIGUSR2, then it writes them); host name -> counters. */
export async function readLatencyStats(dir: string, timeoutMs = 3000): Promise<Record<string, LatencyHostStats>> {
  const lp = latencyPaths(path.resolve(dir));
  const [pid] = findProxyPids(dir);
  if (!pid) throw new Error(`no latency proxy runs for the lab in ${dir}`);
  const config = JSON.parse(fs.readFileSync(lp.config, 'utf8')) as { routes: { listen: { host: string; port: number } }[] };
  const sent = Date.now();
  signalProcess(pid, 'SIGUSR2');
  for (const deadline = sent + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 10))) {
    let stats: { at: number; routes: LatencyHostStats[] } | undefined;
    try {
      stats = JSON.parse(fs.readFileSync(`${lp.config}.stats`, 'utf8'));
    } catch {
      continue;
    }
    if (!stats || stats.at < sent) continue;
    const state = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')) as { hosts: LabHost[] };
    const byAddress = new Map(state.hosts.map((h) => [h.address, h.name]));
    return Object.fromEntries(config.routes.map((r, i) => [byAddress.get(r.listen.host) ?? r.listen.host, stats!.routes[i]!]));
  }
  throw new Error(`the latency proxy (pid ${pid}) wrote no counters within ${timeoutMs} ms`);
}
