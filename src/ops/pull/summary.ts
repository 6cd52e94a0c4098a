import { formatTransferSummary } from '../push/summary.js';
import type { HostResult } from '../result.js';
import type { PullResult } from './types.js';

function isPull(r: HostResult): r is PullResult {
  return 'filesReceived' in r;
}

/** The pull part of the summary line: `; pull: 2 changed, 3 unchanged, 0 failed, 4 files (1.2 KiB) received`. */
export function formatPullSummary(results: readonly HostResult[], dryRun: boolean): string {
  return formatTransferSummary(results, dryRun, { isMine: isPull, verb: 'pull', unchanged: 'unchanged', moved: 'received', files: (r) => r.filesReceived, bytes: (r) => r.bytesReceived });
}
