import type { HostResult } from './core/result.js';

/** Exit codes of every command (SPEC "Exit codes"). */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  interrupted: 130,
  unreachable: 255,
} as const;

/**
 * One exit code for a run: 130 when interrupted, then 255 if any host was unreachable,
 * then 1 if any command failed or timed out, else 0. (Usage errors never reach here: nothing ran.)
 */
export function exitCodeFor(results: readonly HostResult[], interrupted: boolean): number {
  if (interrupted) return EXIT.interrupted;
  if (results.some((r) => r.status === 'unreachable')) return EXIT.unreachable;
  if (results.some((r) => r.status === 'failed' || r.status === 'timeout' || r.status === 'interrupted')) {
    return EXIT.failed;
  }
  return EXIT.ok;
}
