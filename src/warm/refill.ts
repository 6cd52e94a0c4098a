/**
 * When the daemon boots a spare warm worker (pure: no I/O here). A boot costs ~60-100 ms of CPU
 * (Node start-up and the CLI's modules, and the daemon's fork): booted while a run is working, it
 * takes that from the run on a machine with few cores. So a used spare is replaced, one at a
 * time, once no worker has been running its run for less than YOUNG_MS (a run's working part:
 * a worker is silent while it reads its config and builds its commands) and the daemon has been
 * quiet for the quiet time (no frame of a run either way, no bytes from a host, no run handed
 * over): after a run, or while a long one waits with nothing to say (a `tail -f` with no new
 * lines, a `sleep`), and for the longer idle time: runs started back to back (the next one's
 * client starts within it) take the spares left, and the boots come in the pause after them.
 * Only when no spare at all is left does one boot at once, so that the next run (or one started
 * while others run) finds one or waits for that one.
 */

// Spares kept booted: back-to-back runs and a run while another is going each find one.
export const SPARES = 3;
// How long the daemon must have been quiet before a replacement boots (ISUOPS_WARM_QUIET_MS): a
// run's client has its exit code and exits within it; short, so that the boot has the most of
// the gap before a run started right after (a shell loop, the bench's back-to-back runs).
export const QUIET_MS = 20;
// A replacement waits for this much quiet too (ISUOPS_WARM_IDLE_MS): the operator has stopped
// running commands back to back, and a burst of runs (a script's push, exec, exec) is served by
// the spares left without a boot beside any of them (`python3 bench/back-to-back.py`: a small
// gain for such a burst, within this 2-core machine's noise; none for a loop that never pauses).
export const IDLE_MS = 300;
// A worker this young is taken to be working, quiet or not.
export const YOUNG_MS = 2000;

export interface RefillState {
  ready: number;
  booting: boolean;
  /** Milliseconds since the last frame of a run, bytes from a host, or a run handed to a worker. */
  quietMs: number;
  quietNeeded: number;
  /** The idle time: the quiet needed is the longer of the two. */
  idleNeeded: number;
  /** Milliseconds until no worker running a run is younger than YOUNG_MS (0: none is). */
  youngForMs: number;
  /** The daemon is stopping, or too many workers died before they were ready. */
  stopped: boolean;
}

/** `boot`: start one now; `wait`: ask again in `ms`; `none`: nothing to do. */
export type RefillAction = { do: 'boot' } | { do: 'wait'; ms: number } | { do: 'none' };

export function refillAction(s: RefillState): RefillAction {
  if (s.stopped || s.booting || s.ready >= SPARES) return { do: 'none' };
  if (s.ready === 0) return { do: 'boot' };
  const ms = Math.max(s.youngForMs, Math.max(s.idleNeeded, s.quietNeeded) - s.quietMs);
  return ms <= 0 ? { do: 'boot' } : { do: 'wait', ms };
}

/** The quiet time: ISUOPS_WARM_QUIET_MS (a whole number of ms) when set, else QUIET_MS. */
export function quietTime(env: NodeJS.ProcessEnv): number {
  return msFrom(env.ISUOPS_WARM_QUIET_MS, QUIET_MS);
}

/** The idle time: ISUOPS_WARM_IDLE_MS when set, else IDLE_MS. */
export function idleTime(env: NodeJS.ProcessEnv): number {
  return msFrom(env.ISUOPS_WARM_IDLE_MS, IDLE_MS);
}

function msFrom(v: string | undefined, fallback: number): number {
  return v !== undefined && /^\d{1,7}$/.test(v) ? Number(v) : fallback;
}
