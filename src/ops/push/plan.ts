import { itemize, type ItemDecision } from './itemize.js';
import type { ChmodFn } from './parse-chmod.js';
import { remotePathOf } from './remote-target.js';
import type { EntryType, LocalEntry, RemoteEntry, WantedOwner } from './types.js';

/** One local entry with its remote counterpart and what itemize decided. */
export interface PlanItem {
  local: LocalEntry;
  remote?: RemoteEntry;
  path: string;
  wantMode: number;
  decision: ItemDecision;
}

/** A remote path the local tree lacks (removed with --delete). */
export interface PlanDeletion {
  path: string;
  type: EntryType | 'other';
}

/** Everything one source needs on one host. */
export interface SourcePlan {
  root: string;
  /** Parent directories of the root that are missing, outermost first. */
  missingParents: string[];
  deletions: PlanDeletion[];
  items: PlanItem[];
}

export interface PlanOptions {
  chmod?: ChmodFn;
  checksum: boolean;
  /** -c verdicts: local path of an equal-size file -> same content on this host. */
  sameContent: Map<string, boolean>;
  owner?: WantedOwner;
  delete: boolean;
}

/** The mode a local entry should have remotely (after --chmod). */
export function wantModeOf(entry: LocalEntry, chmod?: ChmodFn): number {
  return chmod ? chmod(entry.mode, entry.type === 'dir') : entry.mode;
}

/**
 * Builds the plan of one source on one host. Deletions are listed deepest first (the order
 * they are carried out in); remote entries below a path whose type changes go too, but only
 * with --delete (without it a non-empty remote directory in the way fails that host).
 */
export function planSource(root: string, local: readonly LocalEntry[], remote: Map<string, RemoteEntry>, missingParents: string[], opts: PlanOptions): SourcePlan {
  const localRels = new Set(local.map((e) => e.rel));
  const items: PlanItem[] = local.map((entry) => {
    const wantMode = wantModeOf(entry, opts.chmod);
    const r = remote.get(entry.rel);
    return {
      local: entry,
      remote: r,
      path: remotePathOf(root, entry.rel),
      wantMode,
      decision: itemize({ local: entry, remote: r, wantMode, checksum: opts.checksum, sameContent: opts.sameContent.get(entry.localPath), owner: opts.owner }),
    };
  });
  const deletions: PlanDeletion[] = [];
  if (opts.delete) {
    const rels = [...remote.keys()].filter((rel) => rel !== '' && !localRels.has(rel));
    // Reverse bytewise order puts a directory's contents before the directory itself.
    rels.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    for (const rel of rels) deletions.push({ path: remotePathOf(root, rel), type: remote.get(rel)!.type });
  }
  return { root, missingParents, deletions, items };
}
