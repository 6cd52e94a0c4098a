import type { SFTPWrapper } from 'ssh2';
import type { SshConnection } from '../ssh/connection.js';
import { sftpSettled, wrapSftp } from '../ssh/sftp-wrap.js';
import { SftpSessionLost } from '../transport/sftp-errors.js';
import type { SftpClient } from '../transport/sftp-types.js';
import type { KeptConnection } from './kept.js';
import { FRESH_MS } from './liveness.js';

/**
 * A run's SFTP session on a kept connection: taken from the connection (the one an earlier run
 * left open, see SftpKeeper) or opened, on the run's first call.
 */
export interface SftpSlot {
  client?: Promise<SftpClient>;
  raw?: SFTPWrapper;
  /** It was kept open by an earlier run, and has answered nothing of this run's yet. */
  untried?: boolean;
}

export type RunOnKept = <T>(kept: KeptConnection, connectTimeout: number | undefined, fn: (conn: SshConnection) => Promise<T>) => Promise<T>;

// How long a run's SFTP session may take to get the answers still due (the scan's closes) to be kept.
const SETTLE_MS = 1000;

// A session lives as long as its channel: one wrapper each, whichever run uses it.
const wrapped = new WeakMap<SFTPWrapper, SftpClient>();

function clientOf(raw: SFTPWrapper): SftpClient {
  let client = wrapped.get(raw);
  if (!client) wrapped.set(raw, (client = wrapSftp(raw)));
  return client;
}

/**
 * The session for a run: the one an earlier run left open on the connection, else a new one. A
 * kept one on a connection that has been quiet is first asked one thing (realpath .): its answer
 * proves the connection alive, as a new session's open would (runOnKept watches it).
 */
async function sessionOn(conn: SshConnection, slot: SftpSlot, fresh: boolean): Promise<SFTPWrapper> {
  const kept = fresh ? undefined : conn.sftpKeeper.take();
  if (!kept) return conn.openSftp();
  if (Date.now() - conn.lastReceived <= FRESH_MS) {
    slot.untried = true;
    return kept;
  }
  try {
    await clientOf(kept).realpath('.');
    return kept;
  } catch (err) {
    kept.end();
    if (conn.lost) throw err;
    return conn.openSftp();
  }
}

type RunSession = { kept: KeptConnection; connectTimeout?: number; sftp: SftpSlot; closed: boolean };

function open(s: RunSession, runOnKept: RunOnKept, fresh: boolean): Promise<SftpClient> {
  const client = runOnKept(s.kept, s.connectTimeout, (conn) => sessionOn(conn, s.sftp, fresh)).then((raw) => {
    // the run's session closed while this one opened: nobody will release it
    if (s.closed) {
      raw.end();
      throw new SftpSessionLost();
    }
    s.sftp.raw = raw;
    return clientOf(raw);
  });
  s.sftp.client = client;
  return client;
}

/**
 * Makes `call` on the run's session (opened or taken on the first call). A kept session that the
 * host closed before it answered anything of this run (sftp-server killed, ChannelTimeout) is
 * replaced by a new one, and a call that changes nothing is made again on it.
 */
export async function callOnSlot<T>(s: RunSession, runOnKept: RunOnKept, call: (sftp: SftpClient) => Promise<T>, readOnly: boolean): Promise<T> {
  const client = s.sftp.client ?? open(s, runOnKept, false);
  const sftp = await client;
  const untried = s.sftp.untried === true;
  try {
    const value = await call(sftp);
    if (s.sftp.client === client) s.sftp.untried = false;
    return value;
  } catch (err) {
    if (!(err instanceof SftpSessionLost) || !untried || !readOnly || s.kept.current === undefined) throw err;
    // the first of the calls that found it closed opens the new session; the others take that one
    if (s.sftp.client === client) {
      s.sftp.untried = false;
      s.sftp.raw?.end();
      open(s, runOnKept, true);
    }
    return call(await s.sftp.client!);
  }
}

/**
 * At the end of a run's session: its SFTP session is kept open for the next run when every call
 * made on it has its answer (within SETTLE_MS) and it can be (SftpKeeper), else ended.
 */
export function releaseSftp(slot: SftpSlot, kept: KeptConnection): void {
  const raw = slot.raw;
  slot.raw = undefined;
  if (!raw) return;
  const client = wrapped.get(raw);
  void (client ? sftpSettled(client, SETTLE_MS) : Promise.resolve(false)).then((settled) => {
    const conn = kept.current;
    if (settled && conn) conn.keepSftp(raw);
    else raw.end();
  });
}
