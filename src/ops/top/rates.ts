import type { CpuTimes, ProcCounters, ProcSnapshot, TopProcess, TopSample } from './types.js';

/** What a sample counts: which interfaces and disks, and what the host's clock ticks are. */
export interface RateOptions {
  /** USER_HZ of the host (getconf CLK_TCK), for per-process CPU. */
  clockTicks: number;
  /** Interfaces to count (--iface); by default every one but lo. */
  ifaces?: ReadonlySet<string>;
  /** Whole disks (partitions and stacked devices would count the same bytes twice). */
  isDisk: (device: string) => boolean;
  /** The sampler's own process group: left out of the top processes. */
  ownGroup?: number;
  /** How many processes to keep, busiest first. */
  topCount?: number;
}

const SECTOR_BYTES = 512;
const round1 = (n: number): number => Math.round(n * 10) / 10;
const delta = (a: number, b: number): number => Math.max(0, b - a);

function cpuPercents(a: CpuTimes, b: CpuTimes): TopSample['cpu'] {
  const d = (k: keyof CpuTimes): number => delta(a[k], b[k]);
  const total = d('user') + d('nice') + d('system') + d('idle') + d('iowait') + d('irq') + d('softirq') + d('steal');
  if (total === 0) return { busy: 0, user: 0, system: 0, iowait: 0, steal: 0 };
  const pct = (n: number): number => round1((100 * n) / total);
  // vmstat's grouping: us = user + nice, sy = system + irq + softirq.
  return {
    busy: pct(total - d('idle') - d('iowait')),
    user: pct(d('user') + d('nice')),
    system: pct(d('system') + d('irq') + d('softirq')),
    iowait: pct(d('iowait')),
    steal: pct(d('steal')),
  };
}

function topProcesses(a: ProcSnapshot, b: ProcSnapshot, before: ReadonlyMap<number, ProcCounters>, seconds: number, opts: RateOptions): TopProcess[] {
  const sinceTicks = (a.uptime ?? 0) * opts.clockTicks;
  const busy: TopProcess[] = [];
  for (const p of b.procs) {
    if (p.pgrp === opts.ownGroup) continue;
    const old = before.get(p.pid);
    let used: number;
    if (old && old.start === p.start) used = delta(old.ticks, p.ticks);
    // Started during the interval: all its time is in it.
    else if (p.start >= sinceTicks) used = p.ticks;
    else continue;
    const cpu = round1((100 * used) / opts.clockTicks / seconds);
    if (cpu > 0) busy.push({ pid: p.pid, command: p.command, cpu });
  }
  busy.sort((x, y) => y.cpu - x.cpu || x.pid - y.pid);
  return busy.slice(0, opts.topCount ?? 5);
}

/**
 * The figures of one interval from two snapshots of the same host, divided by the host's own
 * clock (/proc/uptime), so network delays between ticks do not skew the rates. `procsBefore`:
 * every process as last seen (the sampler sends a process only when its CPU time moved; see
 * ProcTable); by default a's. Undefined when the two cannot be compared (no clock, or it did not move).
 */
export function computeSample(a: ProcSnapshot, b: ProcSnapshot, opts: RateOptions, procsBefore?: ReadonlyMap<number, ProcCounters>): TopSample | undefined {
  if (a.uptime === undefined || b.uptime === undefined || b.uptime <= a.uptime) return undefined;
  const seconds = b.uptime - a.uptime;
  let rx = 0;
  let tx = 0;
  for (const [iface, now] of b.net) {
    const counted = opts.ifaces ? opts.ifaces.has(iface) : iface !== 'lo';
    const old = a.net.get(iface);
    if (!counted || !old) continue;
    rx += delta(old.rxBytes, now.rxBytes);
    tx += delta(old.txBytes, now.txBytes);
  }
  let read = 0;
  let written = 0;
  let util = 0;
  let device: string | null = null;
  for (const [name, now] of b.disks) {
    const old = a.disks.get(name);
    if (!old || !opts.isDisk(name)) continue;
    read += delta(old.sectorsRead, now.sectorsRead) * SECTOR_BYTES;
    written += delta(old.sectorsWritten, now.sectorsWritten) * SECTOR_BYTES;
    const u = Math.min(100, delta(old.ioMs, now.ioMs) / (seconds * 10));
    if (device === null || u > util) [util, device] = [u, name];
  }
  return {
    cpu: a.cpu && b.cpu ? cpuPercents(a.cpu, b.cpu) : { busy: 0, user: 0, system: 0, iowait: 0, steal: 0 },
    cores: b.cpuCount,
    load: b.load ?? null,
    mem: b.mem ? { usedBytes: b.mem.totalBytes - b.mem.availableBytes, availableBytes: b.mem.availableBytes } : null,
    net: { rxBytesPerSec: Math.round(rx / seconds), txBytesPerSec: Math.round(tx / seconds) },
    disk: { readBytesPerSec: Math.round(read / seconds), writeBytesPerSec: Math.round(written / seconds), util: round1(util), device },
    top: topProcesses(a, b, procsBefore ?? new Map(a.procs.map((p) => [p.pid, p])), seconds, opts),
  };
}
