import { quoteCommand } from '../../remote/quote.js';

/**
 * One long-lived awk between the reads and the channel: it drops /proc/stat's long intr and
 * softirq lines, the meminfo keys nobody reads, and every process line whose CPU time has not
 * moved since the last sample, and says which processes went away. The lines it lets through
 * are the kernel's own text, unchanged.
 */
const FILTER = [
  'index($0, m) == 1 {',
  '  if ($0 == m "end") {',
  '    g = ""',
  '    for (p in seen) if (seen[p] != n) { delete seen[p]; delete last[p]; g = g " " p }',
  '    if (g != "") print m "gone" g',
  '    n++',
  '    print',
  '    fflush()',
  '  } else print',
  '  next',
  '}',
  '/^[0-9]+ \\(/ {',
  '  r = $0; sub(/^.*\\) /, "", r); split(r, f, " ")',
  '  v = f[20] " " (f[12] + f[13]); seen[$1] = n',
  '  if (last[$1] != v) { last[$1] = v; print }',
  '  next',
  '}',
  '/^(intr|softirq) / { next }',
  '/^[A-Za-z][A-Za-z0-9_()]*: +[0-9]+( kB)?$/ && !/^(MemTotal|MemFree|MemAvailable|Buffers|Cached):/ { next }',
  '{ print }',
].join('\n');

/**
 * The sampler that `top` runs on every host, under the exec wrapper (which kills its process
 * group when the channel closes). POSIX sh; needs cat, sleep, awk and /proc; getconf and
 * /sys/block when present. $1 = seconds between samples, $2 = marker. Output records, each
 * marker line starting with the marker:
 *   `<m>hello TICKS DISK...`  once: USER_HZ and the whole disks (those with a /sys/block/X/device)
 *   `<m>sample`, the lines of /proc/uptime, stat, loadavg, meminfo, net/dev, diskstats and the
 *   /proc/[pid]/stat of processes that used CPU (FILTER), `<m>gone PID...` when some ended,
 *   `<m>end`   every $1 seconds.
 * Per sample it starts one cat and one sleep, nothing else.
 */
export const SAMPLER_SCRIPT = [
  'LC_ALL=C; export LC_ALL',
  't=$(getconf CLK_TCK 2>/dev/null) || t=',
  'd=',
  'for b in /sys/block/*; do [ -e "$b/device" ] && d="$d ${b##*/}"; done',
  'printf \'%shello %s%s\\n\' "$2" "${t:-100}" "$d"',
  'while :; do',
  '  printf \'%ssample\\n\' "$2"',
  '  cat /proc/uptime /proc/stat /proc/loadavg /proc/meminfo /proc/net/dev /proc/diskstats /proc/[0-9]*/stat 2>/dev/null',
  '  printf \'%send\\n\' "$2"',
  '  sleep "$1" || exit 2',
  `done | awk -v m="$2" '${FILTER}'`,
].join('\n');

/** The command (for buildWrappedCommand) that runs the sampler under /bin/sh whatever the login shell. */
export function buildSamplerCommand(intervalSec: number, marker: string): string {
  return `exec ${quoteCommand(['/bin/sh', '-c', SAMPLER_SCRIPT, 'isuops-top', String(intervalSec), marker])}`;
}

/** What the sampler's hello line says: the host's clock ticks and whole disks. */
export interface SamplerHello {
  clockTicks: number;
  disks: string[];
}

/** The record a sampler line starts or ends, when it is one of the sampler's marker lines. */
export type SamplerLine = { kind: 'hello'; hello: SamplerHello } | { kind: 'sample' } | { kind: 'gone'; pids: number[] } | { kind: 'end' } | undefined;

export function parseSamplerLine(line: string, marker: string): SamplerLine {
  if (!line.startsWith(marker)) return undefined;
  const rest = line.slice(marker.length);
  if (rest === 'sample') return { kind: 'sample' };
  if (rest === 'end') return { kind: 'end' };
  if (rest.startsWith('gone ')) return { kind: 'gone', pids: rest.slice(5).split(' ').filter(Boolean).map(Number) };
  const m = /^hello (\d+)((?: \S+)*)$/.exec(rest);
  if (!m) return undefined;
  const ticks = Number(m[1]);
  return { kind: 'hello', hello: { clockTicks: ticks > 0 ? ticks : 100, disks: m[2].split(' ').filter(Boolean) } };
}
