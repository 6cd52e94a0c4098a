import type { CpuTimes, DiskCounters, NetCounters, ProcCounters } from './types.js';

// Each parser takes one line of one /proc file and returns undefined when the line is not of
// that file: the record's parser uses that to tell where one file ends and the next begins.

const UPTIME = /^(\d+(?:\.\d+)?) \d+(?:\.\d+)?$/;

/** /proc/uptime: seconds since boot. */
export function parseUptime(line: string): number | undefined {
  const m = UPTIME.exec(line);
  return m ? Number(m[1]) : undefined;
}

const STAT_KEY = /^(cpu\d*|intr|ctxt|btime|processes|procs_running|procs_blocked|softirq|page|swap|disk_io)\b/;

/** True for any line of /proc/stat. */
export function isStatLine(line: string): boolean {
  return STAT_KEY.test(line);
}

/**
 * A `cpu` / `cpuN` line of /proc/stat. Old kernels give fewer fields (no steal before 2.6.11):
 * the missing ones are 0.
 */
export function parseCpuLine(line: string): { which: 'all' | number; times: CpuTimes } | undefined {
  const m = /^cpu(\d*)\s+(\d+(?:\s+\d+){3,})\s*$/.exec(line);
  if (!m) return undefined;
  const f = m[2].split(/\s+/).map(Number);
  const times: CpuTimes = { user: f[0], nice: f[1], system: f[2], idle: f[3], iowait: f[4] ?? 0, irq: f[5] ?? 0, softirq: f[6] ?? 0, steal: f[7] ?? 0 };
  return { which: m[1] === '' ? 'all' : Number(m[1]), times };
}

const LOADAVG = /^(\d+\.\d+) (\d+\.\d+) (\d+\.\d+) \d+\/\d+ \d+$/;

/** /proc/loadavg: the 1, 5 and 15 minute load averages. */
export function parseLoadavg(line: string): [number, number, number] | undefined {
  const m = LOADAVG.exec(line);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

const MEMINFO = /^([A-Za-z0-9_()]+):\s+(\d+)(?: kB)?$/;

/** A line of /proc/meminfo: its key and value (in bytes when the kernel says kB). */
export function parseMeminfoLine(line: string): { key: string; value: number } | undefined {
  const m = MEMINFO.exec(line);
  if (!m) return undefined;
  return { key: m[1], value: line.endsWith(' kB') ? Number(m[2]) * 1024 : Number(m[2]) };
}

/** True for the two header lines of /proc/net/dev. */
export function isNetDevHeader(line: string): boolean {
  return line.startsWith('Inter-|') || line.startsWith(' face |');
}

// `  eth0: 123 4 0 0 0 0 0 0 567 8 ...`: 8 receive then 8 transmit counters (old kernels: no space after the colon).
const NET_DEV = /^\s*([^\s:]+):\s*(\d+(?:\s+\d+){15})\s*$/;

/** An interface line of /proc/net/dev. */
export function parseNetDevLine(line: string): { iface: string; counters: NetCounters } | undefined {
  const m = NET_DEV.exec(line);
  if (!m) return undefined;
  const f = m[2].split(/\s+/);
  return { iface: m[1], counters: { rxBytes: Number(f[0]), txBytes: Number(f[8]) } };
}

// major minor name, then 11 (2.6), 15 (4.18) or 17 (5.5) counters.
const DISKSTATS = /^\s*\d+\s+\d+\s+(\S+)((?:\s+\d+){11,})\s*$/;

/** A device line of /proc/diskstats. */
export function parseDiskstatsLine(line: string): { device: string; counters: DiskCounters } | undefined {
  const m = DISKSTATS.exec(line);
  if (!m) return undefined;
  const f = m[2].trim().split(/\s+/).map(Number);
  return { device: m[1], counters: { sectorsRead: f[2], sectorsWritten: f[6], ioMs: f[9] } };
}

/**
 * A /proc/[pid]/stat line: `pid (comm) state ppid pgrp ...`. comm may hold spaces and
 * parentheses, so it ends at the last `)`.
 */
export function parseProcStatLine(line: string): ProcCounters | undefined {
  const open = line.indexOf(' (');
  const close = line.lastIndexOf(') ');
  if (open < 1 || close < open) return undefined;
  const pid = line.slice(0, open);
  if (!/^\d+$/.test(pid)) return undefined;
  // From `state` (field 3) on: utime and stime are fields 14 and 15, starttime 22.
  const rest = line.slice(close + 2).split(' ');
  if (rest.length < 20 || !/^[A-Za-z]$/.test(rest[0])) return undefined;
  const [pgrp, utime, stime, start] = [rest[2], rest[11], rest[12], rest[19]].map(Number);
  if (![pgrp, utime, stime, start].every(Number.isFinite)) return undefined;
  return { pid: Number(pid), command: line.slice(open + 2, close), pgrp, ticks: utime + stime, start };
}
