import type { HostSession } from '../transport/types.js';
import { killRemote } from './kill-remote.js';
import { parseMarker } from '../remote/command.js';

// How long a channel whose stdin was closed to stop its command may stay open before the kill
// channel is used as well (the wrapper's watcher TERMs the group at once on EOF).
export const BACKUP_KILL_MS = 1000;

/**
 * The process group of one wrapped command: learnt from the wrapper's marker line on stderr,
 * stopped on request. A stop asked for before the marker has arrived is carried out when it does.
 */
export class RemoteGroup {
  private pgid: number | undefined;
  private stopRequested = false;
  private killing: Promise<void> | undefined;
  private backup: NodeJS.Timeout | undefined;

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

  /**
   * Stops a command that runs in watch mode: EOF on the channel's stdin makes the wrapper stop
   * its group (no new session on the host: its rc files are not read again); the kill channel
   * follows only if the channel is still open BACKUP_KILL_MS later. Call closed() when it closes.
   */
  stopByEof(input: { end(): void }): void {
    if (this.stopRequested || this.backup) return;
    input.end();
    this.backup = setTimeout(() => this.stop(), BACKUP_KILL_MS);
  }

  /** The channel has closed: no backup kill is needed any more. */
  closed(): void {
    clearTimeout(this.backup);
  }

  /** Settles when a kill under way has finished (at once when none is). */
  stopped(): Promise<void> {
    return this.killing ?? Promise.resolve();
  }
}
