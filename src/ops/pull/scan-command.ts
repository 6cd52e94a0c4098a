import path from 'node:path';
import type { RemoteItem } from './types.js';

/**
 * The remote scan, in POSIX sh. Each argument is a path or a glob, expanded by the shell with
 * IFS empty (no word splitting; variable values are never re-parsed, so `$(...)` in a name is
 * just text); relative ones start at the login directory. Every match is walked by GNU find
 * (-H: a symlink given or matched is followed, those inside directories are skipped), one
 * NUL-ended record per file or directory: `TYPE SIZE MTIME MODE PATH`. A pattern that matches
 * nothing prints `M 0 0 0 PATTERN` (`P ...` when its directory cannot be searched). find's own complaints (unreadable directories) go to stderr.
 */
const SCAN = [
  'IFS=',
  'r=0',
  'for p do',
  '  case $p in /*) ;; *) p=$PWD/$p ;; esac',
  '  n=0',
  '  for f in $p; do',
  '    if [ -e "$f" ]; then n=1; find -H "$f" \\( -type f -o -type d \\) -printf "%y %s %T@ %m %p\\0" || r=1; fi',
  '  done',
  // Nothing there: say so, or that the directory cannot be searched (a root-only log dir).
  '  if [ $n = 0 ]; then d=${p%/*}; if [ -d "${d:-/}" ] && ! [ -x "${d:-/}" ]; then t=P; else t=M; fi; printf "%s 0 0 0 %s\\0" $t "$p"; fi',
  'done',
  'exit $r',
].join('\n');

/** The argv that scans `patterns` on a host (every word is quoted when sent: patterns are data). */
export function buildScanArgv(patterns: readonly string[]): string[] {
  return ['/bin/sh', '-c', SCAN, 'isuops', ...patterns];
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
  for (const record of out.toString('utf8').split('\0')) {
    const m = /^([fdMP]) (\d+) (\d+)(?:\.\d*)? ([0-7]+) (.+)$/s.exec(record);
    if (!m) continue;
    const [, type, size, mtime, mode, raw] = m;
    // `dir/` given with a slash comes back as `dir/`: one spelling per path.
    const p = path.posix.normalize(raw).replace(/(.)\/+$/, '$1');
    if (type === 'M') missing.push(p);
    else if (type === 'P') denied.push(p);
    else if (!items.has(p)) items.set(p, { path: p, type: type === 'd' ? 'dir' : 'file', size: Number(size), mtime: Number(mtime), mode: parseInt(mode, 8) });
  }
  return { items: [...items.values()], missing, denied };
}

/** One host message per line of the scan's stderr: `permission denied: /path (try --sudo)`. */
export function describeScanErrors(stderr: Buffer): string[] {
  return stderr
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const denied = /^find: [‘'](.*)[’']: Permission denied$/.exec(line);
      return denied ? `permission denied: ${denied[1]} (try --sudo)` : line.replace(/^find: /, '');
    });
}
