import path from 'node:path';
import type { SourcePlan } from '../plan.js';
import { inTheWay } from '../push-error.js';

/**
 * One thing the real run needs from a host, with the message it fails with when it is not so:
 * - `writable`: a directory the login user can create and remove entries in (mkdir, temp + rename, unlink);
 * - `owned`: an entry whose mode or times the login user sets (only its owner may);
 * - `replaceable`: an existing entry renamed over inside a sticky directory (owner only);
 * - `empty`: a remote directory in the way of a file, removed only when empty;
 * - `sudo`: `sudo -n` works (the message is then sudo's own, from the host).
 */
export interface Check {
  kind: 'writable' | 'owned' | 'replaceable' | 'empty' | 'sudo';
  path: string;
  message: string;
}

const denied = (p: string): string => `permission denied: ${p} (try --sudo)`;

/**
 * What a dry run checks so that it fails where the real run would, with the same message: the
 * real run's steps in its order (parents, deletions, entries, attributes, directory times).
 * With `sudo`, root writes: only sudo itself and directories in the way can stop it.
 */
export function listChecks(plans: readonly SourcePlan[], opts: { sudo: boolean; delete: boolean }): Check[] {
  const checks: Check[] = [];
  const seen = new Set<string>();
  const add = (kind: Check['kind'], p: string, message: string): void => {
    const key = `${kind}\0${p}`;
    if (seen.has(key)) return;
    seen.add(key);
    checks.push({ kind, path: p, message });
  };
  if (opts.sudo) {
    add('sudo', '', '');
    for (const plan of plans) {
      for (const item of plan.items) {
        if (!opts.delete && item.decision.replace && item.remote?.type === 'dir' && item.local.type !== 'dir') add('empty', item.path, inTheWay(item.path));
      }
    }
    return checks;
  }
  // Directories this run creates are the login user's: nothing to check inside them.
  const created = new Set<string>();
  const inParent = (p: string, message: string): void => {
    const parent = path.posix.dirname(p);
    if (!created.has(parent)) add('writable', parent, message);
  };
  for (const plan of plans) {
    const [outermost] = plan.missingParents;
    if (outermost !== undefined) inParent(outermost, denied(outermost));
    for (const dir of plan.missingParents) created.add(dir);
    for (const del of plan.deletions) inParent(del.path, denied(del.path));
    const changed = plan.items.filter((i) => i.decision.code !== null);
    // First what is in the way, and the directories, in tree order.
    for (const item of changed) {
      const { decision: d, local, remote } = item;
      if (d.replace && remote?.type === 'dir' && local.type !== 'dir') {
        inParent(item.path, `${denied(item.path)}: ${inTheWay(item.path)}`);
        if (!opts.delete) add('empty', item.path, inTheWay(item.path));
      } else if (d.replace) {
        inParent(item.path, denied(item.path));
      }
      if (local.type === 'dir' && d.create) {
        inParent(item.path, denied(item.path));
        created.add(item.path);
      }
    }
    // Then the files and links: written beside their targets, or only their attributes set.
    for (const item of changed) {
      const { decision: d, local, remote } = item;
      if (local.type === 'dir') continue;
      if (d.transfer) {
        inParent(item.path, denied(item.path));
        if (remote && !d.replace) add('replaceable', item.path, denied(item.path));
      } else if (local.type === 'file') {
        add('owned', item.path, denied(item.path));
      }
    }
    // Last the modes and times of the directories that changed or were written in.
    const writtenIn = new Set([...changed.map((i) => i.path), ...plan.deletions.map((d) => d.path)].map((p) => path.posix.dirname(p)));
    for (const item of plan.items) {
      if (item.local.type !== 'dir' || created.has(item.path)) continue;
      if (item.decision.code !== null || writtenIn.has(item.path)) add('owned', item.path, denied(item.path));
    }
  }
  return checks;
}
