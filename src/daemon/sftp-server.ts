import { SftpSessionLost } from '../transport/sftp-errors.js';
import type { SftpClient } from '../transport/sftp-types.js';
import type { KeptConnection } from './kept.js';
import { callOnSlot, type RunOnKept, type SftpSlot } from './sftp-session.js';
import { decodeWithBytes, encodeWithBytes } from './protocol.js';
import type { SftpCallHead, SftpReplyHead } from './types.js';


// Calls that change nothing on the host: made again on a new session when a kept one turns out closed.
const READ_ONLY = new Set(['lstat', 'stat', 'readdir', 'readlink', 'realpath', 'fastGet', 'readFile', 'scanTree']);
const OPS = new Set(['lstat', 'stat', 'readdir', 'readlink', 'realpath', 'mkdir', 'setstat', 'lsetstat', 'rename', 'unlink', 'rmdir', 'symlink', 'fastPut', 'fastGet', 'readFile', 'putBuffer', 'scanTree']);

function plain(value: unknown): unknown {
  if (value === undefined || value === null || typeof value !== 'object') return value ?? null;
  if (Array.isArray(value)) return value.map(plain);
  const { mode, uid, gid, size, atime, mtime } = value as Record<string, number>;
  if (typeof mode === 'number') return { mode, uid, gid, size, atime, mtime };
  const entry = value as { filename?: string; longname?: string; attrs?: unknown };
  if (typeof entry.filename === 'string') return { filename: entry.filename, longname: entry.longname, attrs: plain(entry.attrs) };
  return value;
}

/**
 * One SFTP call of a run, made by the daemon on that run's SFTP session (each call is an RPC:
 * the CLI never loads ssh2's SFTP client). Local paths (fastPut, fastGet) are the run's,
 * absolute: the daemon runs as the same user on the same machine.
 */
export async function serveSftp(
  payload: Buffer,
  sessions: Map<number, { kept: KeptConnection; connectTimeout?: number; sftp: SftpSlot; closed: boolean }>,
  reply: (frame: Buffer) => void,
  runOnKept: RunOnKept,
): Promise<void> {
  const { head, bytes } = decodeWithBytes<SftpCallHead>(payload);
  const s = sessions.get(head.sid);
  const answer = (h: SftpReplyHead, data?: Buffer): void => reply(encodeWithBytes(h, data));
  if (!s || s.closed || !OPS.has(head.op)) {
    answer({ ok: false, error: { message: 'connection lost', lost: true } });
    return;
  }
  try {
    const args = head.op === 'putBuffer' ? [head.args[0], bytes, head.args[1]] : head.args;
    const value = await callOnSlot(s, runOnKept, (sftp) => (sftp[head.op as keyof SftpClient] as (...a: unknown[]) => Promise<unknown>)(...args), READ_ONLY.has(head.op));
    if (Buffer.isBuffer(value)) answer({ ok: true }, value);
    // a tree scan's reply is plain data already (strings and numbers)
    else answer({ ok: true, value: head.op === 'scanTree' ? value : plain(value) });
  } catch (err) {
    const e = err as Error & { code?: unknown; path?: unknown };
    answer({ ok: false, error: { message: e.message, code: typeof e.code === 'number' ? e.code : undefined, path: typeof e.path === 'string' ? e.path : undefined, lost: err instanceof SftpSessionLost || s.kept.current === undefined } });
  }
}
