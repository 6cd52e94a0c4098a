import {
  isNetDevHeader,
  isStatLine,
  parseCpuLine,
  parseDiskstatsLine,
  parseLoadavg,
  parseMeminfoLine,
  parseNetDevLine,
  parseProcStatLine,
  parseUptime,
} from './parse-lines.js';
import type { ProcSnapshot } from './types.js';

type Reader = (line: string, into: ProcSnapshot, meminfo: Map<string, number>) => boolean;

// The files in the order the sampler cats them; a missing file is simply skipped.
const READERS: Reader[] = [
  (line, into) => {
    const uptime = parseUptime(line);
    if (uptime === undefined) return false;
    into.uptime = uptime;
    return true;
  },
  (line, into) => {
    if (!isStatLine(line)) return false;
    const cpu = parseCpuLine(line);
    if (cpu?.which === 'all') into.cpu = cpu.times;
    else if (cpu) into.cpuCount += 1;
    return true;
  },
  (line, into) => {
    const load = parseLoadavg(line);
    if (!load) return false;
    into.load = load;
    return true;
  },
  (line, _into, meminfo) => {
    const entry = parseMeminfoLine(line);
    if (!entry) return false;
    meminfo.set(entry.key, entry.value);
    return true;
  },
  (line, into) => {
    if (isNetDevHeader(line)) return true;
    const dev = parseNetDevLine(line);
    if (!dev) return false;
    into.net.set(dev.iface, dev.counters);
    return true;
  },
  (line, into) => {
    const disk = parseDiskstatsLine(line);
    if (!disk) return false;
    into.disks.set(disk.device, disk.counters);
    return true;
  },
  (line, into) => {
    const proc = parseProcStatLine(line);
    if (!proc) return false;
    into.procs.push(proc);
    return true;
  },
];
const PROCS = READERS.length - 1;

// A comm may hold newlines (prctl PR_SET_NAME): such a stat line arrives cut into pieces.
const MAX_PENDING = 256;

/**
 * One sampler record (the lines of /proc/uptime, stat, loadavg, meminfo, net/dev, diskstats and
 * every /proc/[pid]/stat, in that order) into counters. Each file is told by the shape of its
 * lines; lines of no known shape are ignored.
 */
export function parseRecord(lines: readonly string[]): ProcSnapshot {
  const into: ProcSnapshot = { cpuCount: 0, net: new Map(), disks: new Map(), procs: [] };
  const meminfo = new Map<string, number>();
  let section = 0;
  let pending: string | undefined;
  for (const line of lines) {
    // A piece held from the line before: first as the rest of that line, else as a line of its own.
    let joined: string | undefined;
    if (pending !== undefined) {
      joined = `${pending}\n${line}`;
      pending = undefined;
      if (READERS[PROCS](joined, into, meminfo)) continue;
    }
    let read = false;
    for (let s = section; s < READERS.length && !read; s++) {
      if (READERS[s](line, into, meminfo)) {
        section = s;
        read = true;
      }
    }
    if (read || section < PROCS - 1) continue;
    if (joined !== undefined && joined.length < MAX_PENDING) pending = joined;
    else if (/^\d+ \(/.test(line)) pending = line;
  }
  const total = meminfo.get('MemTotal');
  if (total !== undefined) {
    // Kernels before 3.14 have no MemAvailable: free + buffers + page cache, as free(1) did.
    const available = meminfo.get('MemAvailable') ?? (meminfo.get('MemFree') ?? 0) + (meminfo.get('Buffers') ?? 0) + (meminfo.get('Cached') ?? 0);
    into.mem = { totalBytes: total, availableBytes: Math.min(available, total) };
  }
  return into;
}
