import type { HostSession } from '../transport/types.js';
import { killRemote } from './kill-remote.js';
import { parseMarker } from './remote-command.js';

/**
 * The process group of one wrapped command: learnt from the wrapper's marker line on stderr,
 * stopped on request. A stop asked for before the marker has arrived is carried out when it does.
 */
export class RemoteGroup {
  private pgid: number | undefined;
  private stopRequested = false;
  private killing: Promise<void> | undefined;

  constructor(
    private readonly session: HostSession,
    private readonly marker: string,
    private readonly sudo: boolean,
  ) {}

  /** True when `line` is the wrapper's marker: it is consumed, not output. */
  take(line: Buffer): boolean {
    if (this.pgid !== undefined) return false;
    this.pgid = parseMarker(line, this.marker);
    if (this.pgid === undefined) return false;
    if (this.stopRequested) this.killing = killRemote(this.session, this.pgid, this.sudo);
    return true;
  }

  /** Stops the group (TERM, then KILL), now or as soon as its marker arrives. */
  stop(): void {
    if (this.stopRequested) return;
    this.stopRequested = true;
    if (this.pgid !== undefined) this.killing = killRemote(this.session, this.pgid, this.sudo);
  }

  /** Settles when a kill under way has finished (at once when none is). */
  stopped(): Promise<void> {
    return this.killing ?? Promise.resolve();
  }
}
