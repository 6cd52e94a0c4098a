import path from 'node:path';
import { nameFromBytes } from '../../core/byte-names.js';
import { remoteScript } from '../../remote/scripts.js';
import type { RemoteItem } from './types.js';

/**
 * The argv that scans `patterns` on a host (src/remote/pull-scan.sh: its header gives the
 * records); every word is quoted when sent: patterns are data.
 */
export function buildScanArgv(patterns: readonly string[]): string[] {
  return ['/bin/sh', '-c', remoteScript('pull-scan'), 'isuops', ...patterns];
}

/** What a scan found: files and directories (deduplicated, in scan order) and patterns that matched nothing. */
export interface ScanResult {
  items: RemoteItem[];
  missing: string[];
  /** Patterns whose directory the scanning user cannot search. */
  denied: string[];
}

/** Parses the scan's NUL-ended records. */
export function parseScanOutput(out: Buffer): ScanResult {
  const items = new Map<string, RemoteItem>();
  const missing: string[] = [];
  const denied: string[] = [];
  for (let start = 0; start < out.length; ) {
    const nul = out.indexOf(0, start);
    // Names are bytes: one that is not UTF-8 is carried as its bytes (core/byte-names.ts).
    const record = nameFromBytes(out.subarray(start, nul === -1 ? out.length : nul));
    start = nul === -1 ? out.length : nul + 1;
    // mtime: find's %T@, negative before 1970 (`-86399.5`): whole seconds round down, as st_mtime does.
    const m = /^([fdMP]) (\d+) (-?\d+(?:\.\d*)?) ([0-7]+) (.+)$/s.exec(record);
    if (!m) continue;
    const [, type, size, mtime, mode, raw] = m;
    // `dir/` given with a slash comes back as `dir/`: one spelling per path.
    const p = path.posix.normalize(raw).replace(/(.)\/+$/, '$1');
    if (type === 'M') missing.push(p);
    else if (type === 'P') denied.push(p);
    else if (!items.has(p)) items.set(p, { path: p, type: type === 'd' ? 'dir' : 'file', size: Number(size), mtime: Math.floor(Number(mtime)), mode: parseInt(mode, 8) });
  }
  return { items: [...items.values()], missing, denied };
}

/** One host message per line of the scan's stderr: `permission denied: /path (try --sudo)`. */
export function describeScanErrors(stderr: Buffer): string[] {
  return nameFromBytes(stderr)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const denied = /^find: [‘'](.*)[’']: Permission denied$/.exec(line);
      return denied ? `permission denied: ${denied[1]} (try --sudo)` : line.replace(/^find: /, '');
    });
}
