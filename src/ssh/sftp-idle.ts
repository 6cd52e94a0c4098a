import type { SFTPWrapper } from 'ssh2';

/** What of ssh2's SFTPWrapper (lib/protocol/SFTP.js, ssh2 1.x) this reads. */
interface SftpInternals {
  _client?: unknown;
  _requests?: Record<string, unknown>;
  readable?: boolean;
  outgoing?: { state?: string };
  incoming?: { state?: string };
}

/** The session's channel is open both ways (neither side closed it nor sent EOF). */
export function sftpOpen(sftp: SFTPWrapper): boolean {
  const s = sftp as unknown as SftpInternals;
  return s.readable !== false && s.outgoing?.state === 'open' && s.incoming?.state === 'open';
}

/** No request made on the session is still waiting for its answer. */
export function sftpIdle(sftp: SFTPWrapper): boolean {
  const pending = (sftp as unknown as SftpInternals)._requests;
  return pending !== undefined && Object.keys(pending).length === 0;
}

/** The ssh2 Client the session was opened on. */
export function sftpClientOf(sftp: SFTPWrapper): unknown {
  return (sftp as unknown as SftpInternals)._client;
}

/**
 * The SFTP session a connection keeps open between runs (the daemon's): the next run's SFTP calls
 * go on it at once, with no channel open, subsystem request and version exchange, and no new
 * sftp-server on the host. It holds its slot in the connection's MaxSessions budget, which it
 * gives up first when a run waits for one. Nothing of the files is kept: each call asks the host.
 */
export class SftpKeeper {
  private idle?: SFTPWrapper;

  constructor(private readonly client: unknown) {}

  /** Sessions kept now (0 or 1). */
  get count(): number {
    return this.idle && sftpOpen(this.idle) ? 1 : 0;
  }

  /**
   * Keeps `sftp` for the next run: only an open session of this connection with no request
   * waiting for its answer, when none is kept yet and the connection is not gone; any other is ended.
   */
  keep(sftp: SFTPWrapper, connectionGone: boolean): void {
    if (connectionGone || this.idle || sftpClientOf(sftp) !== this.client || !sftpOpen(sftp) || !sftpIdle(sftp)) {
      sftp.end();
      return;
    }
    this.idle = sftp;
    // closed by the host (its ChannelTimeout, sftp-server killed) or with the connection
    sftp.once('close', () => {
      if (this.idle === sftp) this.idle = undefined;
    });
  }

  /** The kept session, taken; undefined when none is open now. */
  take(): SFTPWrapper | undefined {
    const sftp = this.idle;
    this.idle = undefined;
    if (sftp && sftpOpen(sftp)) return sftp;
    sftp?.end();
    return undefined;
  }
}
