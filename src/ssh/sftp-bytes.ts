import type { SFTPWrapper } from 'ssh2';
import { hasRawBytes, nameFromBytes, nameToBytes } from '../core/byte-names.js';

/**
 * ssh2's SFTP client writes every path with `Buffer.byteLength(path)` + `buf.utf8Write(path)` and
 * reads every name (readdir, readlink, realpath) with `buf.utf8Slice()` (lib/protocol/SFTP.js,
 * 1.17): UTF-8 only, a byte that is not UTF-8 cannot be sent and comes back as U+FFFD (lossy), with
 * no option for raw names. SFTPv3 names are bytes; OpenSSH's sftp-server passes them to the
 * filesystem unchanged. This makes one session carry isuops's byte names (core/byte-names.ts):
 *
 * - a request whose path holds raw bytes is built (synchronously, inside the call) with
 *   byteLength and utf8Write that write those bytes; paths that are UTF-8 take ssh2's own path;
 * - incoming packets are parsed (synchronously, in `push`) with a utf8Slice that decodes a name
 *   that is not UTF-8 into the same form instead of U+FFFD (valid UTF-8 decodes as before).
 *
 * Both replacements are in place only for the duration of that synchronous call, then restored.
 */
const PATH_METHODS = [
  'open', 'opendir', 'lstat', 'stat', 'readlink', 'realpath', 'mkdir', 'rmdir', 'unlink', 'setstat', 'symlink',
  'rename', 'ext_openssh_rename', 'ext_openssh_lsetstat', 'ext_openssh_hardlink', 'ext_openssh_expandPath',
] as const;

type Fn = (...args: unknown[]) => unknown;
const proto = Buffer.prototype as unknown as { utf8Write: Fn; utf8Slice: Fn };
const originalByteLength = Buffer.byteLength;
const originalUtf8Write = proto.utf8Write;
const originalUtf8Slice = proto.utf8Slice;

function byteLength(this: unknown, value: unknown, encoding?: BufferEncoding): number {
  if (typeof value === 'string' && (encoding === undefined || encoding === 'utf8') && hasRawBytes(value)) return nameToBytes(value).length;
  return originalByteLength(value as string, encoding);
}

function utf8Write(this: Buffer, value: unknown, offset?: number, length?: number): number {
  if (typeof value !== 'string' || !hasRawBytes(value)) return originalUtf8Write.call(this, value, offset, length) as number;
  const bytes = nameToBytes(value);
  return bytes.copy(this, offset ?? 0, 0, Math.min(bytes.length, length ?? bytes.length));
}

function utf8Slice(this: Buffer, start?: number, end?: number): string {
  const text = originalUtf8Slice.call(this, start, end) as string;
  if (!text.includes('\ufffd')) return text;
  // nameFromBytes decodes with Buffer's own utf8Slice: the original, for that call
  proto.utf8Slice = originalUtf8Slice;
  try {
    return nameFromBytes(this.subarray(start, end));
  } finally {
    proto.utf8Slice = utf8Slice as Fn;
  }
}

function withWriters<T>(fn: () => T): T {
  Buffer.byteLength = byteLength as typeof Buffer.byteLength;
  proto.utf8Write = utf8Write as Fn;
  try {
    return fn();
  } finally {
    Buffer.byteLength = originalByteLength;
    proto.utf8Write = originalUtf8Write;
  }
}

function withReader<T>(fn: () => T): T {
  proto.utf8Slice = utf8Slice as Fn;
  try {
    return fn();
  } finally {
    proto.utf8Slice = originalUtf8Slice;
  }
}

/** Makes `sftp` send and receive names that are not UTF-8 as their bytes (see above). */
export function carryByteNames(sftp: SFTPWrapper): SFTPWrapper {
  const target = sftp as unknown as Record<string, Fn>;
  for (const name of PATH_METHODS) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    // instance properties: fastPut/fastGet/readFile/readdir reach open/opendir/stat through `this`
    target[name] = function (this: unknown, ...args: unknown[]) {
      const raw = args.some((a) => typeof a === 'string' && hasRawBytes(a));
      return raw ? withWriters(() => original.apply(this, args)) : original.apply(this, args);
    };
  }
  const push = target.push!;
  target.push = function (this: unknown, ...args: unknown[]) {
    return withReader(() => push.apply(this, args));
  };
  return sftp;
}
