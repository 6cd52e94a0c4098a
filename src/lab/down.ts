import fs from 'node:fs';
import path from 'node:path';
import { makeNetnsName, removeNetns } from './bastion.js';
import { stopLatencyProxy } from './latency.js';
import { listPids, listPidsInNamespaces, readCmdline, readNamespaces, signalProcess, waitForExit } from './proc.js';
import { readLabState, removeLabState } from './state.js';

/** What lab down did. */
export interface LabDownReport {
  /** Hosts that state.json listed. */
  hosts: number;
  /** Processes killed (keepers, sshd listeners, sessions and everything they started). */
  killed: number;
}

/**
 * Kills every process of the lab in dir and removes state.json. A host is its namespaces: every
 * process inside them (sshd, sessions, what sessions left running, nsenter'd helpers) is killed, and
 * with the last one the namespaces and their mounts go away. Namespaces are found from state.json
 * and, should it be stale or gone, from processes whose command line names the lab's hosts dir.
 */
export async function takeLabDown(dir: string): Promise<LabDownReport> {
  const state = readLabState(dir);
  const namespaces = new Set([...(state?.hosts ?? []), ...(state?.bastion ? [state.bastion] : [])].map((h) => h.ns).filter(Boolean));
  for (const ns of findStrayNamespaces(dir)) namespaces.add(ns);
  const killed = (await killNamespaces(namespaces, dir)) + (await stopLatencyProxy(dir));
  // a bastion lab's network namespace (named after dir, so found even without state.json)
  await removeNetns(state?.netns ?? makeNetnsName(dir));
  removeLabState(dir);
  return { hosts: state?.hosts.length ?? 0, killed };
}

/** Namespaces (other than ours) of processes whose command line names dir/hosts/. */
export function findStrayNamespaces(dir: string): Set<string> {
  const marker = `${path.resolve(dir)}/hosts/`;
  const own = readNamespaces(process.pid);
  const found = new Set<string>();
  for (const pid of listPids()) {
    if (!readCmdline(pid).includes(marker)) continue;
    const ns = readNamespaces(pid);
    if (ns && ns !== own) found.add(ns);
  }
  return found;
}

/**
 * SIGKILLs every process in the namespaces until none is left; returns how many were killed.
 * Only namespaces where a process of the lab in dir still runs (its command line names
 * dir/hosts/: every host's keeper does) are touched, and each is held open while it is emptied:
 * a namespace's id is free for the kernel to give to a new one once its last process is gone, so
 * a stale state.json, or a later round while another lab comes up, could otherwise name someone
 * else's processes. (Seen: \`lab down\` of one lab killed three sshd of a lab starting beside it.)
 */
export async function killNamespaces(namespaces: Set<string>, dir: string): Promise<number> {
  const own = readNamespaces(process.pid);
  namespaces.delete(own); // never the machine's own
  if (namespaces.size === 0) return 0;
  const { pinned, fds } = pinLabNamespaces(namespaces, dir);
  try {
    const killed = new Set<number>();
    // repeat: a shell that is being killed may have just forked
    for (let round = 0; round < 20 && pinned.size > 0; round++) {
      const pids = listPidsInNamespaces(pinned);
      if (pids.length === 0) break;
      for (const pid of pids) {
        signalProcess(pid, 'SIGKILL');
        killed.add(pid);
      }
      await waitForExit(pids, 2000);
    }
    return killed.size;
  } finally {
    for (const fd of fds) fs.closeSync(fd);
  }
}

/** Opens (pins) each of the namespaces that a process of the lab in dir is in now. */
function pinLabNamespaces(namespaces: Set<string>, dir: string): { pinned: Set<string>; fds: number[] } {
  const marker = `${path.resolve(dir)}/hosts/`;
  const pinned = new Set<string>();
  const fds: number[] = [];
  for (const pid of listPids()) {
    const ns = readNamespaces(pid);
    if (!namespaces.has(ns) || pinned.has(ns) || !readCmdline(pid).includes(marker)) continue;
    const opened: number[] = [];
    try {
      for (const kind of ['mnt', 'uts']) opened.push(fs.openSync(`/proc/${pid}/ns/${kind}`, 'r'));
    } catch {
      // gone meanwhile
    }
    fds.push(...opened);
    // the files opened are the namespaces named (not those of a process that took the pid since)
    if (opened.length === 2 && `mnt:[${fs.fstatSync(opened[0]).ino}] uts:[${fs.fstatSync(opened[1]).ino}]` === ns) pinned.add(ns);
  }
  return { pinned, fds };
}
