import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
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
  // lab up starts every stopped host again: no route is down (latency-routes.ts)
  const hadDown = fs.existsSync(`${lp.config}.down`);
  fs.rmSync(`${lp.config}.down`, { force: true });
  if (running.length === 1 && readText(lp.config) === config) {
    if (hadDown) {
      signalProcess(running[0]!, 'SIGHUP');
      for (const h of hosts) await waitForPort(h.address, ports[h.name]!, true, running[0]!);
    }
    return { rttMs, pid: running[0]!, ports };
  }
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

/** The file that lists the proxy's routes whose sshd is stopped (see latency-proxy.ts). */
function downFile(dir: string): string {
  return `${latencyPaths(path.resolve(dir)).config}.down`;
}

function readDown(dir: string): string[] {
  try {
    return JSON.parse(fs.readFileSync(downFile(dir), 'utf8')) as string[];
  } catch {
    return [];
  }
}

/**
 * Marks the proxy's route at address:port down (its sshd was stopped: the proxy stops listening
 * there, so a connection is refused as it would be by the host itself) or up again, and waits
 * until the port answers so.
 */
export async function setProxyRouteDown(dir: string, address: string, port: number, down: boolean): Promise<void> {
  const key = `${address}:${port}`;
  const routes = new Set(readDown(dir));
  if (down) routes.add(key);
  else routes.delete(key);
  fs.writeFileSync(downFile(dir), `${JSON.stringify([...routes])}\n`);
  const [pid] = findProxyPids(dir);
  if (!pid) return;
  signalProcess(pid, 'SIGHUP');
  await waitForPort(address, port, !down, pid);
}

/** Waits (3 s at most) until address:port accepts connections (`open`) or refuses them. */
async function waitForPort(address: string, port: number, open: boolean, pid: number): Promise<void> {
  const deadline = Date.now() + 3000;
  while ((await portOpen(address, port)) !== open) {
    if (Date.now() > deadline) throw new Error(`latency proxy (pid ${pid}): ${address}:${port} did not ${open ? 'start' : 'stop'} listening`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether address:port accepts a connection (false: refused). */
function portOpen(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: address, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
