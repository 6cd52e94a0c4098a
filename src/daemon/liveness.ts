import type { SshConnection } from '../ssh/connection.js';
import { DEFAULT_CONNECT_TIMEOUT } from '../ssh/connect.js';
import type { KeptConnection } from './kept.js';

// Bytes from the host this recently: the connection is known alive, nothing to check.
export const FRESH_MS = 2000;
const MAX_PROBE_MS = 3000;

/**
 * Runs `fn` (a channel open, an SFTP call) on the kept connection. A connection that has been
 * quiet is watched while `fn` waits: when nothing at all comes back within the probe time
 * (half the connect timeout, at most 3 s) it is taken for dead (a host gone without a reset)
 * and dropped. A request that failed because the connection was lost (dropped here, or reset
 * by the host) is made once more on a new connection, which rejects with the ConnectError of a
 * host that is not back. No extra round trip when the connection is alive: the answer to `fn`
 * itself is the proof.
 */
export async function runOnKept<T>(kept: KeptConnection, connectTimeout: number | undefined, fn: (conn: SshConnection) => Promise<T>): Promise<T> {
  const timeoutSec = connectTimeout ?? kept.host.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT;
  const probeMs = Math.min(MAX_PROBE_MS, (timeoutSec * 1000) / 2);
  for (let attempt = 1; ; attempt += 1) {
    const conn = await kept.ready(connectTimeout);
    const since = Date.now();
    const timer = since - conn.lastReceived > FRESH_MS ? setTimeout(() => conn.lastReceived < since && kept.markDead(conn), probeMs) : undefined;
    try {
      return await fn(conn);
    } catch (err) {
      if (attempt === 1 && conn.lost) continue;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}
