import type { ClientChannel } from 'ssh2';
import { parseMarker } from '../remote/command.js';

// As the wrapper's watcher and stop-group.sh do: KILL what is left this long after the TERM.
export const KILL_AFTER_MS = 2000;
// The marker line comes first on stderr and is short; a longer head holds none.
const MAX_HEAD = 256;

/**
 * The process group of a command the daemon runs in the wrapper's signal mode
 * (src/remote/exec-signal.sh): nothing on the host watches its channel, so the daemon stops
 * it with the SSH "signal" channel request (sshd's killpg() of the session's group), TERM and
 * then KILL, where the watcher would have seen its stdin close. It also learns the group's id
 * from the marker line, for a kill over a new connection when this one was lost under it.
 */
export class SignalledGroup {
  exited = false;
  pgid: number | undefined;
  private head: Buffer | undefined = Buffer.alloc(0);
  private stopping = false;
  private killTimer: NodeJS.Timeout | undefined;
  private afterStop: (() => void) | undefined;

  constructor(
    private readonly ch: ClientChannel,
    private readonly marker: string,
  ) {
    ch.once('exit', () => {
      this.exited = true;
      this.finish();
    });
    ch.once('close', () => {
      clearTimeout(this.killTimer);
      this.afterStop = undefined;
    });
  }

  /** Stderr as it comes: the first line names the group. */
  sawStderr(chunk: Buffer): void {
    if (!this.head) return;
    this.head = Buffer.concat([this.head, chunk.subarray(0, MAX_HEAD)]);
    const nl = this.head.indexOf(10);
    if (nl === -1 && this.head.length < MAX_HEAD) return;
    if (nl !== -1) this.pgid = parseMarker(this.head.subarray(0, nl), this.marker);
    this.head = undefined;
  }

  /**
   * Stops the group unless it has exited: TERM now, KILL KILL_AFTER_MS later if no exit status
   * came. `then` runs once the exit status has come or the KILL has been sent.
   */
  stop(then?: () => void): void {
    if (this.exited) {
      then?.();
      return;
    }
    if (then) this.afterStop = then;
    if (this.stopping) return;
    this.stopping = true;
    this.ch.signal('TERM');
    this.killTimer = setTimeout(() => {
      if (!this.exited) this.ch.signal('KILL');
      this.finish();
    }, KILL_AFTER_MS);
    this.killTimer.unref?.();
  }

  private finish(): void {
    clearTimeout(this.killTimer);
    const then = this.afterStop;
    this.afterStop = undefined;
    then?.();
  }
}
