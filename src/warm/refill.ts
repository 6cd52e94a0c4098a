/**
 * When the daemon boots a spare warm worker (pure: no I/O here). A boot costs ~60-100 ms of CPU
 * (Node start-up and the CLI's modules): booted while a run is working, it takes that from the
 * run on a machine with few cores. So a used spare is replaced once the daemon has been quiet
 * (no frame of any run either way, no run handed to a worker) for the quiet time, one at a time:
 * after a run's last output, or while a run waits with nothing to say (a `tail -f` with no new
 * lines, a `sleep`). Only when no spare at all is left does one boot at once, so that the next
 * run (or one started while others run) finds one.
 */

// Spares kept booted: back-to-back runs and a run while another is going each find one.
export const SPARES = 3;
// How long the daemon must have been quiet before a replacement boots (ISUOPS_WARM_QUIET_MS): a
// run's client gets its exit code and exits within it; short, so that the boot has the most of
// the gap before a next run started right after (a shell loop, the bench's back-to-back runs).
export const QUIET_MS = 20;

export interface RefillState {
  ready: number;
  booting: boolean;
  /** Milliseconds since the last frame of a run, or since a run was handed to a worker. */
  quietMs: number;
  quietNeeded: number;
  /** The daemon is stopping, or too many workers died before they were ready. */
  stopped: boolean;
}

/** `boot`: start one now; `wait`: after `ms` more of quiet (then ask again); `none`: nothing to do. */
export type RefillAction = { do: 'boot' } | { do: 'wait'; ms: number } | { do: 'none' };

export function refillAction(s: RefillState): RefillAction {
  if (s.stopped || s.booting || s.ready >= SPARES) return { do: 'none' };
  if (s.ready === 0 || s.quietMs >= s.quietNeeded) return { do: 'boot' };
  return { do: 'wait', ms: s.quietNeeded - s.quietMs };
}

/** The quiet time: ISUOPS_WARM_QUIET_MS (a whole number of ms) when set, else QUIET_MS. */
export function quietTime(env: NodeJS.ProcessEnv): number {
  const v = env.ISUOPS_WARM_QUIET_MS;
  return v !== undefined && /^\d{1,7}$/.test(v) ? Number(v) : QUIET_MS;
}
