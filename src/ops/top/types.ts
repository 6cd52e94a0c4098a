/** Jiffies of the machine's aggregate `cpu` line of /proc/stat (guest time is already in user/nice). */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

/** One block device's counters from /proc/diskstats (sectors are 512 bytes whatever the device). */
export interface DiskCounters {
  sectorsRead: number;
  sectorsWritten: number;
  /** Milliseconds spent doing I/O (iostat's %util is its rate). */
  ioMs: number;
}

/** One interface's byte counters from /proc/net/dev. */
export interface NetCounters {
  rxBytes: number;
  txBytes: number;
}

/** One process from /proc/[pid]/stat. */
export interface ProcCounters {
  pid: number;
  /** The kernel's short name (comm, at most 15 bytes). */
  command: string;
  /** Process group: the sampler's own group is left out of the top processes. */
  pgrp: number;
  /** utime + stime of every thread, in clock ticks. */
  ticks: number;
  /** Start time in clock ticks after boot: tells a reused pid from the old process. */
  start: number;
}

/** What one tick of the sampler read on a host: raw counters, before any rate. */
export interface ProcSnapshot {
  /** /proc/uptime's first field: the host's own clock, which rates divide by. */
  uptime?: number;
  cpu?: CpuTimes;
  /** cpuN lines in /proc/stat. */
  cpuCount: number;
  load?: [number, number, number];
  mem?: { totalBytes: number; availableBytes: number };
  net: Map<string, NetCounters>;
  disks: Map<string, DiskCounters>;
  procs: ProcCounters[];
}

/** A process in a sample: `cpu` is percent of one core over the interval (like top). */
export interface TopProcess {
  pid: number;
  command: string;
  cpu: number;
}

/** One host's figures over one interval: what the table shows and --json prints. */
export interface TopSample {
  /** Percent of all cores; busy = 100 - idle - iowait. */
  cpu: { busy: number; user: number; system: number; iowait: number; steal: number };
  /** Cores seen in /proc/stat. */
  cores: number;
  load: [number, number, number] | null;
  mem: { usedBytes: number; availableBytes: number } | null;
  net: { rxBytesPerSec: number; txBytesPerSec: number };
  /** Summed over whole disks; util is the busiest device's %util, named by `device`. */
  disk: { readBytesPerSec: number; writeBytesPerSec: number; util: number; device: string | null };
  /** The busiest processes, most CPU first (at most 5). */
  top: TopProcess[];
}
