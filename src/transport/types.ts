import type { Duplex, Readable } from 'node:stream';
import type { ResolvedHost } from '../ssh/types.js';
import type { SftpClient } from './sftp-types.js';

export type { SftpClient } from './sftp-types.js';

/**
 * A command running on a host, as ops see it (what they used of ssh2's ClientChannel): a duplex
 * stream whose readable side is the command's stdout and whose writable side is its stdin
 * (`end()` sends EOF: the exec wrapper then stops the command), `stderr` a readable of its own,
 * `pause()`/`resume()` for flow control. It emits `exit (code: number | null, signal?: string)`
 * when the command's status arrives and `close` when the channel is gone (a close without an exit
 * means the connection was lost). `close()` abandons the channel.
 */
export type RemoteProcess = Duplex & {
  readonly stderr: Readable;
  close(): void;
};

/**
 * One host's connection for one run, whichever way it was made (a direct ssh2 connection or a
 * connection kept by the daemon). Ops never see anything below it.
 */
export interface HostSession {
  readonly host: ResolvedHost;
  /** The connection is gone: dropped or reset under the run (or ended by close()). */
  readonly lost: boolean;
  /**
   * Runs `command` on a new channel. `attach` is called synchronously with the process, before any
   * of its events: a fast command's output, exit status and close can arrive together with the open.
   * Nothing goes on its stdin first: bytes queued behind the request would leave only when sshd
   * opens the window with its answer, a round trip (callers write to the process once it is there).
   */
  exec(command: string, attach: (process: RemoteProcess) => void): Promise<RemoteProcess>;
  /**
   * Optional: runs `command` under the exec wrapper (src/remote/command.ts) with no sudo and its
   * stdin /dev/null, announcing its process group behind `marker` on stderr, as
   * buildWrappedCommand's watch mode does, and with its contract: ending the process's stdin
   * before its exit status came stops the group (TERM, then KILL 2 s later). A transport that
   * can stop it without a watcher on the host does so (the daemon: SSH signal requests); without
   * this method the caller wraps the command in watch mode and calls exec.
   */
  execStoppable?(command: string, marker: string, attach: (process: RemoteProcess) => void): Promise<RemoteProcess>;
  /** The host's one SFTP session, opened on first use. */
  sftp(): Promise<SftpClient>;
  /** Calls `listener` once when the connection is lost, with the last error reported on it (else a plain close). */
  onLost(listener: (reason: string) => void): void;
  close(): void;
}

/** What a run passes when it opens a host. */
export interface OpenOptions {
  signal?: AbortSignal;
  /** Overrides the host's ConnectTimeout (the --connect-timeout flag). */
  connectTimeout?: number;
  /** Says what the connection could not honour but went on without (ssh's warnings). */
  warn?: (message: string) => void;
}

/**
 * How a run reaches its hosts: `open` resolves to the host's session or rejects with a
 * ConnectError; `close` ends whatever the transport still holds for the run (jump connections,
 * ProxyCommands) once the run is over.
 */
export interface Transport {
  open(host: ResolvedHost, opts: OpenOptions): Promise<HostSession>;
  /**
   * Optional (the daemon's kept connections): a session for every host on a connection that is up
   * now, connecting nothing; true when every host got one (open() then hands them out), false
   * when not (nothing is left open). A warm worker takes a run only then (src/warm/).
   */
  takeKept?(hosts: readonly ResolvedHost[]): Promise<boolean>;
  close(): void;
}
