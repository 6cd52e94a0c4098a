import { quote } from 'shell-quote';

/** Where a followed file was left: its inode (when known) and the bytes of it already delivered. */
export interface FilePosition {
  inode?: string;
  offset: number;
}

// Bytes of the file's end searched for the last N lines of history.
export const HISTORY_WINDOW_BYTES = 4 * 1024 * 1024;

/**
 * The follower script for a file. It works out where to start, announces it on stderr as
 * `<marker>start:<inode>:<offset>` (inode empty when the file is missing), then execs
 * `tail -F -c +OFFSET` so that every byte after that offset arrives exactly once.
 * - fresh: the offset of the last `lines` lines (searched in the last 4 MiB);
 * - resume: the given offset when the file is still the same (inode, and not shorter);
 *   otherwise it was rotated or truncated while we were away: from its beginning
 *   (`<marker>rotated` first).
 * A missing file falls back to `tail -F -n N`, which reports it and waits for it.
 */
export function buildFileCommand(path: string, opts: { lines: number; resume?: FilePosition; marker: string }): string {
  const vars = [
    `f=${quote([path])}`,
    `n=${opts.lines}`,
    `m=${quote([opts.marker])}`,
    `ri=${quote([opts.resume?.inode ?? ''])}`,
    `ro=${opts.resume ? String(opts.resume.offset) : "''"}`,
    `w=${HISTORY_WINDOW_BYTES}`,
  ];
  return [...vars, FILE_SCRIPT].join('\n');
}

const FILE_SCRIPT = [
  // tail's notices (replaced, truncated, appeared) are read back: keep them in English.
  'LC_ALL=C; export LC_ALL',
  'cur=$(stat -L -c %i:%s -- "$f" 2>/dev/null)',
  'ci=${cur%%:*}; cs=${cur##*:}',
  'if [ -n "$ro" ]; then',
  '  if [ -n "$cur" ] && { [ -z "$ri" ] || [ "$ci" = "$ri" ]; } && [ "$cs" -ge "$ro" ]; then',
  '    printf \'%sstart:%s:%s\\n\' "$m" "$ci" "$ro" >&2',
  '    exec tail -F -c +$((ro+1)) -- "$f"',
  '  fi',
  '  printf \'%srotated\\n\' "$m" >&2',
  '  n=all',
  'fi',
  'if [ -n "$cur" ] && [ -f "$f" ]; then',
  '  if [ "$n" = all ]; then st=0; else',
  '    k=1; [ "$cs" -gt "$w" ] && k=$((cs-w+1))',
  // The window may start inside a line: drop that piece.
  '    b=$(tail -c +$k -- "$f" | head -c $((cs-k+1)) | if [ $k -gt 1 ]; then sed 1d; else cat; fi | tail -n "$n" | wc -c)',
  '    st=$((cs-b))',
  '  fi',
  '  printf \'%sstart:%s:%s\\n\' "$m" "$ci" "$st" >&2',
  '  exec tail -F -c +$((st+1)) -- "$f"',
  'fi',
  'printf \'%sstart::0\\n\' "$m" >&2',
  '[ "$n" = all ] && n=+1',
  'exec tail -F -n "$n" -- "$f"',
].join('\n');

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
