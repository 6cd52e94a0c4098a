import path from 'node:path';
import { makeNetnsName, removeNetns } from './bastion.js';
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
  const killed = await killNamespaces(namespaces);
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

/** SIGKILLs every process in the namespaces until none is left; returns how many were killed. */
export async function killNamespaces(namespaces: Set<string>): Promise<number> {
  const own = readNamespaces(process.pid);
  namespaces.delete(own); // never the machine's own
  if (namespaces.size === 0) return 0;
  const killed = new Set<number>();
  // repeat: a shell that is being killed may have just forked
  for (let round = 0; round < 20; round++) {
    const pids = listPidsInNamespaces(namespaces);
    if (pids.length === 0) break;
    for (const pid of pids) {
      signalProcess(pid, 'SIGKILL');
      killed.add(pid);
    }
    await waitForExit(pids, 2000);
  }
  return killed.size;
}
