import type { HostResult } from '../result.js';
import type { PushResult } from './types.js';

/** 1536 -> `1.5 KiB`. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

function isPush(r: HostResult): r is PushResult {
  return 'changes' in r;
}

/** The words and counters of a transfer's summary (push and pull say them differently). */
interface TransferWords<R extends HostResult> {
  isMine: (r: HostResult) => r is R;
  verb: string;
  unchanged: string;
  moved: string;
  files: (r: R) => number;
  bytes: (r: R) => number;
  /** A host that did not succeed but was changed all the same. */
  wrote?: (r: R) => boolean;
  /** How many hosts failed only after their changes were made. */
  failedAfter?: (mine: readonly R[]) => number;
}

/** `; <verb>: 2 changed, 3 <unchanged>, 0 failed, 4 files (1.2 KiB) <moved>`, or the dry-run form. */
export function formatTransferSummary<R extends HostResult & { changed: boolean }>(results: readonly HostResult[], dryRun: boolean, words: TransferWords<R>): string {
  const failed = results.filter((r) => !r.ok).length;
  const ok = results.filter((r): r is R => r.ok && words.isMine(r));
  const unchanged = ok.filter((r) => !r.changed).length;
  if (dryRun) return `; dry run: ${ok.length - unchanged} would change, ${unchanged} ${words.unchanged}, ${failed} failed, nothing written`;
  const mine = results.filter(words.isMine);
  // Changed: what was written, also on a host that failed after it (--then) or was interrupted.
  const changed = mine.filter((r) => r.changed && (r.ok || words.wrote?.(r))).length;
  const after = words.failedAfter?.(mine) ?? 0;
  const files = mine.reduce((n, r) => n + words.files(r), 0);
  const bytes = mine.reduce((n, r) => n + words.bytes(r), 0);
  return `; ${words.verb}: ${changed} changed, ${unchanged} ${words.unchanged}, ${failed} failed${after > 0 ? ` (${after} in --then)` : ''}, ${files} file${files === 1 ? '' : 's'} (${formatBytes(bytes)}) ${words.moved}`;
}

/** The push part of the summary line: `; push: 2 changed, 3 up to date, 0 failed, 4 files (1.2 KiB) sent`. */
export function formatPushSummary(results: readonly HostResult[], dryRun: boolean): string {
  return formatTransferSummary(results, dryRun, {
    isMine: isPush,
    verb: 'push',
    unchanged: 'up to date',
    moved: 'sent',
    files: (r) => r.filesSent,
    bytes: (r) => r.bytesSent,
    wrote: (r) => Boolean(r.thenFailed) || (r.status === 'interrupted' && r.filesSent > 0),
    failedAfter: (mine) => mine.filter((r) => r.thenFailed).length,
  });
}

/** Folds hosts whose diffs are identical: one block per distinct diff, in host order. */
export function foldDiffs(results: readonly HostResult[]): Array<{ hosts: string[]; text: string }> {
  const blocks = new Map<string, { hosts: string[]; text: string }>();
  for (const r of results) {
    if (!isPush(r) || !r.diffs || r.diffs.length === 0) continue;
    const text = r.diffs.map((d) => d.text).join('');
    const block = blocks.get(text);
    if (block) block.hosts.push(r.host);
    else blocks.set(text, { hosts: [r.host], text });
  }
  return [...blocks.values()];
}
