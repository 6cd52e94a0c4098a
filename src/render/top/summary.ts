import type { TopEvent } from '../../ops/top/events.js';
import type { TopSample } from '../../ops/top/types.js';
import { formatBytes, formatLoad, formatPercent } from './units.js';

/** The figures a --for summary averages, in table order: label, how to read it, how to print it. */
const FIGURES: Array<{ label: string; read: (s: TopSample) => number | undefined; format: (n: number) => string }> = [
  { label: 'CPU%', read: (s) => s.cpu.busy, format: formatPercent },
  { label: 'usr', read: (s) => s.cpu.user, format: formatPercent },
  { label: 'sys', read: (s) => s.cpu.system, format: formatPercent },
  { label: 'iow', read: (s) => s.cpu.iowait, format: formatPercent },
  { label: 'stl', read: (s) => s.cpu.steal, format: formatPercent },
  { label: 'LOAD1', read: (s) => s.load?.[0], format: formatLoad },
  { label: 'MEM used', read: (s) => s.mem?.usedBytes, format: formatBytes },
  { label: 'avail', read: (s) => s.mem?.availableBytes, format: formatBytes },
  { label: 'NET rx/s', read: (s) => s.net.rxBytesPerSec, format: formatBytes },
  { label: 'tx/s', read: (s) => s.net.txBytesPerSec, format: formatBytes },
  { label: 'DISK r/s', read: (s) => s.disk.readBytesPerSec, format: formatBytes },
  { label: 'w/s', read: (s) => s.disk.writeBytesPerSec, format: formatBytes },
  { label: 'util%', read: (s) => s.disk.util, format: formatPercent },
];

/** The resources a busiest host is named for, and the figure that decides it (its mean). */
const RESOURCES: Array<{ name: string; figure: number; describe: (mean: number) => string }> = [
  { name: 'cpu', figure: 0, describe: (m) => `${formatPercent(m)}% busy` },
  { name: 'memory', figure: 6, describe: (m) => `${formatBytes(m)} used` },
  { name: 'network', figure: -1, describe: (m) => `${formatBytes(m)}/s rx+tx` },
  { name: 'disk', figure: 12, describe: (m) => `${formatPercent(m)}% util` },
];

interface Stat {
  count: number;
  sum: number;
  max: number;
}

/** Per host, per figure: count, sum and max of the samples. */
export interface TopSummary {
  handle(event: TopEvent): void;
  /** The per-host table (mean/max of each figure), then the busiest host per resource. */
  format(opts: { seconds: number; hosts: readonly string[] }): string;
}

export function createTopSummary(): TopSummary {
  const stats = new Map<string, Stat[]>();
  const add = (stat: Stat, n: number): void => {
    stat.count += 1;
    stat.sum += n;
    stat.max = Math.max(stat.max, n);
  };
  return {
    handle(event) {
      if (event.type !== 'top-sample') return;
      let host = stats.get(event.host);
      // one more slot: rx + tx together, for the busiest network host
      if (!host) stats.set(event.host, (host = Array.from({ length: FIGURES.length + 1 }, () => ({ count: 0, sum: 0, max: 0 }))));
      FIGURES.forEach((f, i) => {
        const n = f.read(event.sample);
        if (n !== undefined) add(host![i], n);
      });
      add(host[FIGURES.length], event.sample.net.rxBytesPerSec + event.sample.net.txBytesPerSec);
    },
    format({ seconds, hosts }) {
      const header = ['HOST', 'SAMPLES', ...FIGURES.map((f) => f.label)];
      const rows = hosts.map((host) => {
        const s = stats.get(host);
        if (!s || s[0].count === 0) return [host, '0', ...FIGURES.map(() => '-')];
        return [host, String(s[0].count), ...FIGURES.map((f, i) => (s[i].count === 0 ? '-' : `${f.format(s[i].sum / s[i].count)}/${f.format(s[i].max)}`))];
      });
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
      let text = `isuops top: ${hosts.length} hosts over ${seconds.toFixed(1)}s; each figure is mean/max\n${line(header)}\n${rows.map(line).join('\n')}\n`;
      const busiest: string[] = [];
      for (const r of RESOURCES) {
        const index = r.figure < 0 ? FIGURES.length : r.figure;
        let best: { host: string; mean: number } | undefined;
        for (const host of hosts) {
          const stat = stats.get(host)?.[index];
          if (!stat || stat.count === 0) continue;
          const mean = stat.sum / stat.count;
          if (!best || mean > best.mean) best = { host, mean };
        }
        if (best) busiest.push(`${r.name} ${best.host} (${r.describe(best.mean)})`);
      }
      if (busiest.length > 0) text += `busiest: ${busiest.join(', ')}\n`;
      return text;
    },
  };
}
