import type { ResolvedHost } from '../ssh/types.js';
import type { Transport } from '../transport/types.js';

/**
 * Where a warm worker decides whether it may run this invocation, once the hosts are resolved and
 * before anything connects or shows (prepareFleet calls it). Outside a worker there is no gate.
 * A gate that declines never returns (the worker hands the run back and exits).
 */
export type WarmGate = (hosts: readonly ResolvedHost[], transport: Transport) => Promise<void>;

let gate: WarmGate | undefined;

export function setWarmGate(g: WarmGate | undefined): void {
  gate = g;
}

export async function passWarmGate(hosts: readonly ResolvedHost[], transport: Transport): Promise<void> {
  if (gate) await gate(hosts, transport);
}
