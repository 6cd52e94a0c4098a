import { formatBytes } from '../push/summary.js';
import type { HostResult } from '../result.js';
import type { PullResult } from './types.js';

function isPull(r: HostResult): r is PullResult {
  return 'filesReceived' in r;
}

/** The pull part of the summary line: `; pull: 2 changed, 3 unchanged, 0 failed, 4 files (1.2 KiB) received`. */
export function formatPullSummary(results: readonly HostResult[], dryRun: boolean): string {
  const failed = results.filter((r) => !r.ok).length;
  const ok = results.filter((r): r is PullResult => r.ok && isPull(r));
  const changed = ok.filter((r) => r.changed).length;
  const unchanged = ok.length - changed;
  if (dryRun) return `; dry run: ${changed} would change, ${unchanged} unchanged, ${failed} failed, nothing written`;
  const pulled = results.filter(isPull);
  const files = pulled.reduce((n, r) => n + r.filesReceived, 0);
  const bytes = pulled.reduce((n, r) => n + r.bytesReceived, 0);
  return `; pull: ${changed} changed, ${unchanged} unchanged, ${failed} failed, ${files} files (${formatBytes(bytes)}) received`;
}
