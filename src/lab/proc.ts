import fs from 'node:fs';

/** True when pid runs and is not a zombie (orphans may linger unreaped under some inits). */
export function isProcessAlive(pid: number): boolean {
  const state = readProcessState(pid);
  return state !== '' && state !== 'Z' && state !== 'X';
}

/** The state letter of /proc/PID/stat (R, S, T for stopped, Z...), or '' when there is no such process. */
export function readProcessState(pid: number): string {
  if (!pid) return '';
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return '';
  }
}

/** `mnt:[ino] uts:[ino]` of a process, or '' when it is gone. */
export function readNamespaces(pid: number): string {
  try {
    return `${fs.readlinkSync(`/proc/${pid}/ns/mnt`)} ${fs.readlinkSync(`/proc/${pid}/ns/uts`)}`;
  } catch {
    return '';
  }
}

/** The process's argv joined by spaces, or '' when it is gone. */
export function readCmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Every live pid on the machine. */
export function listPids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((p) => p !== process.pid);
}

/** Live pids that share both namespaces of `ns` (as read by readNamespaces). */
export function listPidsInNamespaces(ns: Set<string>): number[] {
  return listPids().filter((p) => ns.has(readNamespaces(p)) && isProcessAlive(p));
}

/** Sends a signal, ignoring processes that are already gone. */
export function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Polls until none of pids is alive, up to timeoutMs; returns the ones still alive. */
export async function waitForExit(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isProcessAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    alive = alive.filter(isProcessAlive);
  }
  return alive;
}
