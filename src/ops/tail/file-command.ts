import { quoteCommand } from '../../remote/quote.js';
import { remoteScript } from '../../remote/scripts.js';

/** Where a followed file was left: its inode (when known) and the bytes of it already delivered. */
export interface FilePosition {
  inode?: string;
  offset: number;
}

// Bytes of the file's end searched for the last N lines of history.
export const HISTORY_WINDOW_BYTES = 4 * 1024 * 1024;

/**
 * The follower for a file (src/remote/tail-file.sh): it works out where to start, announces it
 * on stderr as `<marker>start:<inode>:<offset>` (inode empty when the file is missing), then
 * execs `tail -F -c +OFFSET` so that every byte after that offset arrives exactly once.
 * - fresh: the offset of the last `lines` lines (searched in the last 4 MiB);
 * - resume: the given offset when the file is still the same (inode, and not shorter);
 *   otherwise it was rotated or truncated while we were away: from its beginning
 *   (`<marker>rotated` first).
 * A missing file falls back to `tail -F -n N`, which reports it and waits for it.
 */
export function buildFileCommand(path: string, opts: { lines: number; resume?: FilePosition; marker: string }): string {
  const resume = opts.resume ? [opts.resume.inode ?? '', String(opts.resume.offset)] : ['', ''];
  return 'exec ' + quoteCommand(['/bin/sh', '-c', remoteScript('tail-file'), 'isuops-tail', path, String(opts.lines), opts.marker, ...resume, String(HISTORY_WINDOW_BYTES)]);
}

/** What a marker line from the file script says, when `line` is one. */
export function parseFileMarker(line: Buffer, marker: string): { start: FilePosition } | { rotated: true } | undefined {
  if (line.length > marker.length + 64 || !line.subarray(0, marker.length).equals(Buffer.from(marker))) return undefined;
  const rest = line.subarray(marker.length).toString('latin1');
  if (rest === 'rotated') return { rotated: true };
  const m = /^start:(\d*):(\d+)$/.exec(rest);
  if (!m) return undefined;
  return { start: { inode: m[1] === '' ? undefined : m[1], offset: Number(m[2]) } };
}

/**
 * tail -F's notices that the file under the name changed: after them tail reads the new
 * file from its beginning, so delivered bytes count from 0 again.
 */
export function parseTailNotice(line: Buffer): 'replaced' | 'truncated' | undefined {
  if (line.length > 8192 || !line.subarray(0, 6).equals(TAIL_PREFIX)) return undefined;
  const text = line.toString('utf8');
  if (/ has (been replaced|appeared);\s+following new file$/.test(text)) return 'replaced';
  if (/: file truncated$/.test(text)) return 'truncated';
  return undefined;
}

const TAIL_PREFIX = Buffer.from('tail: ');
