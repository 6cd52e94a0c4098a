import type { JumpHop } from '../ssh/jump-route.js';
import type { ResolvedHost } from '../ssh/types.js';

/**
 * Where a warm worker decides whether it may run this invocation, once the hosts are resolved and
 * before anything connects or shows (prepareFleet calls it). Outside a worker there is no gate.
 * A gate that declines never returns (the worker hands the run back and exits).
 */
export type WarmGate = (hosts: readonly ResolvedHost[], route: (host: ResolvedHost) => JumpHop | undefined) => Promise<void>;

let gate: WarmGate | undefined;

export function setWarmGate(g: WarmGate | undefined): void {
  gate = g;
}

export async function passWarmGate(hosts: readonly ResolvedHost[], route: (host: ResolvedHost) => JumpHop | undefined): Promise<void> {
  if (gate) await gate(hosts, route);
}
