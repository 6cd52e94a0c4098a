import type { HostSession, RemoteProcess, SftpClient } from '../transport/types.js';
import { SshConnection } from './connection.js';
import { wrapSftp } from './sftp-wrap.js';
import type { ResolvedHost } from './types.js';

export { MAX_CHANNELS_PER_CONNECTION } from './connection.js';

/**
 * A run's session on one host over a connection of its own (the direct transport): channels go
 * through the connection's budget, the SFTP session is opened once and reused, close() ends it.
 */
export class SshSession implements HostSession {
  readonly connection: SshConnection;
  private sftpSession?: Promise<SftpClient>;

  constructor(
    readonly host: ResolvedHost,
    connection: SshConnection,
  ) {
    this.connection = connection;
  }

  get lost(): boolean {
    return this.connection.lost;
  }

  onLost(listener: (reason: string) => void): void {
    this.connection.onLost(listener);
  }

  exec(command: string, attach: (process: RemoteProcess) => void): Promise<RemoteProcess> {
    // An ssh2 channel is the remote process: a duplex (stdout / stdin) with stderr, exit and close.
    return this.connection.exec(command, attach as never) as unknown as Promise<RemoteProcess>;
  }

  sftp(): Promise<SftpClient> {
    this.sftpSession ??= this.connection.openSftp().then(wrapSftp);
    return this.sftpSession;
  }

  close(): void {
    this.connection.end();
  }
}
