import { isHostKeeper, isHostSshd } from './host.js';
import { readProcessState } from './proc.js';
import { readLabState } from './state.js';
import type { LabHost } from './types.js';

/** How a lab host is doing: up, down (no listener or no namespaces), frozen (listener stopped). */
export type LabHostStatus = 'up' | 'down' | 'frozen';

/** One host and its status. */
export interface LabHostReport {
  host: LabHost;
  status: LabHostStatus;
}

/** The status of every host of the lab in dir; null when there is no lab there. */
export function readLabStatus(dir: string): LabHostReport[] | null {
  const state = readLabState(dir);
  if (!state) return null;
  const all = state.bastion ? [state.bastion, ...state.hosts] : state.hosts;
  return all.map((host) => ({ host, status: findHostStatus(dir, host) }));
}

function findHostStatus(dir: string, host: LabHost): LabHostStatus {
  if (!isHostKeeper(host) || !isHostSshd(dir, host.name, host.pid)) return 'down';
  return readProcessState(host.pid) === 'T' ? 'frozen' : 'up';
}
