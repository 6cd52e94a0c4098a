import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { HostEvent } from '../ops/events.js';
import type { HostResult } from '../ops/result.js';
import type { Renderer } from './types.js';
import { UsageError } from '../errors.js';
import { makeDirsSync } from '../fs/make-dirs.js';

/** -o DIR: each host's stdout to DIR/<host>.out and stderr to DIR/<host>.err, bytes unchanged. */
export function createOutDirRenderer(dir: string, hosts: readonly string[]): Renderer {
  try {
    makeDirsSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'ENOTDIR' ? 'a part of the path is not a directory' : (err as Error).message;
    throw new UsageError(`--out-dir ${dir}: cannot create it: ${why}`, { cause: err });
  }
  const files = new Map<string, WriteStream>();
  // Every host gets both files, empty when it printed nothing, so `ls DIR` shows the whole fleet.
  const open = (host: string, kind: 'out' | 'err'): WriteStream => {
    const key = `${host}.${kind}`;
    let stream = files.get(key);
    if (!stream) {
      stream = createWriteStream(path.join(dir, key.replaceAll('/', '_')));
      files.set(key, stream);
    }
    return stream;
  };
  for (const host of hosts) {
    open(host, 'out');
    open(host, 'err');
  }
  return {
    handle(event: HostEvent): void {
      if (event.type === 'stdout' || event.type === 'stderr') {
        // The pieces of a cut line are joined again: the files hold the bytes as sent.
        open(event.host, event.type === 'stdout' ? 'out' : 'err').write(event.partial ? event.line : Buffer.concat([event.line, NEWLINE]));
      }
    },
    async finish(_results: readonly HostResult[]): Promise<void> {
      await Promise.all([...files.values()].map((s) => new Promise<void>((resolve) => s.end(resolve))));
    },
  };
}

const NEWLINE = Buffer.from('\n');
