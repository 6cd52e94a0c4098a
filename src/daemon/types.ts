import type { JumpHop } from '../ssh/jump-route.js';
import type { ResolvedHost } from '../ssh/types.js';

/** How long a kept connection stays after its last use: seconds, or 'yes' for ever. */
export type Persist = number | 'yes';

/** OPEN_SESSION: one host of one run. `key` names the kept connection it may share. */
export interface OpenSessionRequest {
  key: string;
  host: ResolvedHost;
  route: JumpHop | null;
  connectTimeout?: number;
  persist: Persist;
  /** Only on a connection that is up now: else SESSION_ERROR with `notKept`, and nothing is connected. */
  onlyKept?: boolean;
}

/** A failed session open; `fallback`: the run should connect this host itself (a key that needs a passphrase). */
export interface SessionErrorReply {
  message: string;
  level: string;
  fallback?: boolean;
  /** OPEN_SESSION `onlyKept` and no connection is up for the host (a warm worker's gate). */
  notKept?: boolean;
}

/** EXEC on a session (its frame: this head, then the first bytes of stdin: encodeWithBytes). */
export interface ExecRequest {
  sid: number;
  command: string;
  /** HostSession.execStoppable: `command` is the user's; the daemon wraps it (signal mode where the host's sshd takes signals). */
  wrap?: { marker: string };
}

/** A failed channel open; `connect`: the connection could not be made again (the host is unreachable). */
export interface ExecErrorReply {
  message: string;
  level?: string;
  connect?: boolean;
}

export interface SftpCallHead {
  sid: number;
  op: string;
  args: unknown[];
}

export interface SftpReplyHead {
  ok: boolean;
  value?: unknown;
  /** `path`: the path a tree scan's failed call was made on. */
  error?: { message: string; code?: number; path?: string; lost?: boolean };
}

/** One kept connection in `daemon status`. */
export interface KeptStatus {
  user: string;
  address: string;
  port: number;
  jump: string | null;
  ageMs: number;
  idleMs: number;
  /** Channels of runs, open or waiting for a slot. */
  channels: number;
  /** Idle session channels opened ahead of the next exec (0 or 1), beside `channels`. */
  spare: number;
  /** SFTP sessions kept open for the next run (0 or 1), beside `channels`. */
  sftp: number;
  runs: number;
  persist: Persist;
}

export interface DaemonStatus {
  pid: number;
  socket: string;
  log: string;
  build: string;
  startedAt: number;
  idleMs: number;
  connections: KeptStatus[];
  /** Warm workers (src/warm/): spares ready now, booting now (0 or 1), runs handed to one since the daemon started. */
  warm?: { ready: number; booting: number; runs: number };
}
