/**
 * When the daemon boots a spare warm worker (pure: no I/O here). A boot costs ~60-100 ms of CPU
 * (Node start-up and the CLI's modules): booted while a run is going, it takes that from the run
 * on a machine with few cores. So a used spare is replaced once the daemon is idle (no run in a
 * worker, no run holding a session) and has stayed so for QUIET_MS (the run's client printing
 * and exiting, the hosts ending their sessions), one at a time. Only when no spare at all is
 * left does one boot at once, so that the next run (or one started while others run) finds one.
 */

// Spares kept booted: back-to-back runs and a run while another is going each find one.
export const SPARES = 3;
// How long the daemon must have been idle before a replacement boots.
export const QUIET_MS = 100;

export interface RefillState {
  ready: number;
  booting: boolean;
  /** A run is going: in a worker, or through a session of a client's own. */
  busy: boolean;
  /** The daemon is stopping, or too many workers died before they were ready. */
  stopped: boolean;
}

/** `boot`: start one now; `when-idle`: once the daemon has been idle QUIET_MS; `none`: nothing to do. */
export type RefillAction = 'boot' | 'when-idle' | 'none';

export function refillAction(s: RefillState): RefillAction {
  if (s.stopped || s.booting || s.ready >= SPARES) return 'none';
  if (s.ready === 0) return 'boot';
  return 'when-idle';
}
