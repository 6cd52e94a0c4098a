import type { ScannedTree } from '../../transport/sftp-scan.js';
import type { SourcePlan } from './plan.js';
import type { PushSource, RemoteEntry } from './types.js';

/**
 * What the hosts of one run share of their plans: a host whose remote tree (for the same source
 * and root) reads exactly as another's gets that host's entries and plan, instead of building
 * 1,000 entries and comparing them again (a fleet's hosts usually hold the same tree).
 */
export interface PlanShare {
  trees: Array<{ source: PushSource; root: string; tree: ScannedTree; remote: Map<string, RemoteEntry> }>;
  plans: WeakMap<Map<string, RemoteEntry>, SourcePlan>;
}

// Distinct trees kept per run: enough for a fleet in a few states, few to compare against.
const MAX_TREES = 8;

export function makePlanShare(): PlanShare {
  return { trees: [], plans: new WeakMap() };
}

/** The same entries, attributes and link targets, in the same (name) order. */
export function sameTree(a: ScannedTree, b: ScannedTree): boolean {
  if (a.rels.length !== b.rels.length || a.nums.length !== b.nums.length || a.targets.length !== b.targets.length) return false;
  for (let i = 0; i < a.rels.length; i++) if (a.rels[i] !== b.rels[i]) return false;
  for (let i = 0; i < a.nums.length; i++) if (a.nums[i] !== b.nums[i]) return false;
  for (let i = 0; i < a.targets.length; i++) if (a.targets[i][0] !== b.targets[i][0] || a.targets[i][1] !== b.targets[i][1]) return false;
  return true;
}

/** The entries another host of the run already has for this very tree, else `build()`'s (kept for the next host). */
export function sharedRemote(share: PlanShare | undefined, source: PushSource, root: string, tree: ScannedTree, build: () => Map<string, RemoteEntry>): Map<string, RemoteEntry> {
  if (!share) return build();
  const known = share.trees.find((t) => t.source === source && t.root === root && sameTree(t.tree, tree));
  if (known) return known.remote;
  const remote = build();
  if (share.trees.length < MAX_TREES) share.trees.push({ source, root, tree, remote });
  return remote;
}
