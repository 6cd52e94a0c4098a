import type { HostResult } from '../ops/result.js';
import { foldHostNames } from './hostlist.js';

/**
 * The end-of-run summary for stderr: counts per outcome, then the hosts that did not succeed
 * as one comma list that can be pasted back into -H.
 */
export function formatSummary(results: readonly HostResult[], elapsedMs: number, extra = ''): string {
  const count = (status: HostResult['status']): number => results.filter((r) => r.status === status).length;
  const parts = [`${count('ok')} ok`, `${count('failed')} failed`, `${count('unreachable')} unreachable`, `${count('timeout')} timed out`];
  const interrupted = count('interrupted');
  if (interrupted > 0) parts.push(`${interrupted} interrupted`);
  let text = `isuops: ${plural(results.length, 'host')}: ${parts.join(', ')}${extra} in ${(elapsedMs / 1000).toFixed(1)}s\n`;
  const failed = results.filter((r) => !r.ok).map((r) => r.host);
  if (failed.length > 0) text += `isuops: failed hosts: ${failed.join(',')}\n`;
  return text;
}

/** Folded form of a host list, for headers (`isu[01-03,05]`). */
export { foldHostNames };

/** `1 host`, `2 hosts`, `0 files`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
