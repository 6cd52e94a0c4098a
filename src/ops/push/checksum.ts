import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { fsName, nameFromBytes, nameToBytes } from '../../core/byte-names.js';
import type { HostSession } from '../../transport/types.js';
import { runRemote } from './run-remote.js';

/** sha256 of a local file, streamed. */
export function hashLocalFile(p: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(fsName(p))
      .on('data', (c) => hash.update(c))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Parses `sha256sum -z` output (`HASH  NAME\0`...; names raw, not escaped, as bytes) into name -> hash. */
export function parseSha256sumZ(out: Buffer): Map<string, string> {
  const map = new Map<string, string>();
  for (let start = 0; start < out.length; ) {
    const nul = out.indexOf(0, start);
    const record = nameFromBytes(out.subarray(start, nul === -1 ? out.length : nul));
    start = nul === -1 ? out.length : nul + 1;
    const m = /^\\?([0-9a-f]{64}) [ *](.*)$/s.exec(record);
    if (m) map.set(m[2], m[1]);
  }
  return map;
}

/**
 * Hashes remote files in one exec: the paths go NUL-separated on stdin to `xargs -0 sha256sum -z`,
 * so no path is ever parsed by a shell. Unreadable files are simply absent from the result.
 */
export async function hashRemoteFiles(session: HostSession, paths: readonly string[], sudo: boolean): Promise<Map<string, string>> {
  if (paths.length === 0) return new Map();
  const stdin = nameToBytes(paths.map((p) => `${p}\0`).join(''));
  const run = await runRemote(session, ['xargs', '-0', '-r', 'sha256sum', '-z', '--'], { sudo, stdin });
  return parseSha256sumZ(run.stdout);
}

/** hashLocalFile, once per path for the whole run: every host compares against the same local files. */
export function makeLocalHasher(): (p: string) => Promise<string> {
  const hashes = new Map<string, Promise<string>>();
  return (p) => {
    let h = hashes.get(p);
    if (!h) hashes.set(p, (h = hashLocalFile(p)));
    return h;
  };
}
