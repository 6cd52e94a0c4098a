import type { TopSample } from '../../ops/top/types.js';
import type { HostView } from './board.js';
import { formatBytes, formatLoad, formatPercent } from './units.js';

/** The orders `s` cycles through: as given, then busiest first by each resource. */
export const SORT_KEYS = ['host', 'cpu', 'load', 'mem', 'net', 'disk'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

const SORT_VALUE: Record<Exclude<SortKey, 'host'>, (s: TopSample) => number> = {
  cpu: (s) => s.cpu.busy,
  load: (s) => s.load?.[0] ?? 0,
  mem: (s) => s.mem?.usedBytes ?? 0,
  net: (s) => s.net.rxBytesPerSec + s.net.txBytesPerSec,
  disk: (s) => s.disk.util * 1e12 + s.disk.readBytesPerSec + s.disk.writeBytesPerSec,
};

interface Column {
  header: string;
  /** The sort key whose column this is (its header is marked when sorting by it). */
  sort?: SortKey;
  width: number;
  left?: boolean;
  text: (s: TopSample) => string;
  /** The figure whose worst (highest; lowest for 'min') value across hosts is highlighted. */
  worst?: (s: TopSample) => number;
  lowIsWorse?: boolean;
}

const topText = (s: TopSample): string => (s.top[0] ? `${s.top[0].command} ${formatPercent(s.top[0].cpu)}%` : '-');

const COLUMNS: Column[] = [
  { header: 'CPU%', sort: 'cpu', width: 5, text: (s) => formatPercent(s.cpu.busy), worst: (s) => s.cpu.busy },
  { header: 'usr', width: 5, text: (s) => formatPercent(s.cpu.user), worst: (s) => s.cpu.user },
  { header: 'sys', width: 5, text: (s) => formatPercent(s.cpu.system), worst: (s) => s.cpu.system },
  { header: 'iow', width: 5, text: (s) => formatPercent(s.cpu.iowait), worst: (s) => s.cpu.iowait },
  { header: 'stl', width: 5, text: (s) => formatPercent(s.cpu.steal), worst: (s) => s.cpu.steal },
  { header: 'LOAD', sort: 'load', width: 6, text: (s) => (s.load ? formatLoad(s.load[0]) : '-'), worst: (s) => s.load?.[0] ?? 0 },
  { header: 'MEM', sort: 'mem', width: 5, text: (s) => (s.mem ? formatBytes(s.mem.usedBytes) : '-'), worst: (s) => s.mem?.usedBytes ?? 0 },
  { header: 'avail', width: 5, text: (s) => (s.mem ? formatBytes(s.mem.availableBytes) : '-'), worst: (s) => s.mem?.availableBytes ?? Infinity, lowIsWorse: true },
  { header: 'NET rx/s', sort: 'net', width: 8, text: (s) => formatBytes(s.net.rxBytesPerSec), worst: (s) => s.net.rxBytesPerSec },
  { header: 'tx/s', width: 5, text: (s) => formatBytes(s.net.txBytesPerSec), worst: (s) => s.net.txBytesPerSec },
  { header: 'DISK r/s', sort: 'disk', width: 8, text: (s) => formatBytes(s.disk.readBytesPerSec), worst: (s) => s.disk.readBytesPerSec },
  { header: 'w/s', width: 5, text: (s) => formatBytes(s.disk.writeBytesPerSec), worst: (s) => s.disk.writeBytesPerSec },
  { header: 'util%', width: 5, text: (s) => formatPercent(s.disk.util), worst: (s) => s.disk.util },
  { header: 'dev', width: 7, left: true, text: (s) => s.disk.device ?? '-' },
  { header: 'TOP', width: 20, left: true, text: topText, worst: (s) => s.top[0]?.cpu ?? 0 },
];

/** How a piece of the screen is drawn; the screen maps these to terminal attributes. */
export type Style = 'plain' | 'title' | 'header' | 'sorted' | 'worst' | 'problem' | 'dim';

/** A piece of a line: text and how to draw it. */
export interface Span {
  text: string;
  style: Style;
}

export interface TableOptions {
  columns: number;
  rows: number;
  sort: SortKey;
  showProcesses: boolean;
  intervalSec: number;
  now: number;
}

function sortViews(views: readonly HostView[], sort: SortKey): HostView[] {
  if (sort === 'host') return [...views];
  const value = SORT_VALUE[sort];
  // Hosts without figures go last, in the order given.
  return views
    .map((v, i) => ({ v, i, n: v.status === 'live' && v.sample ? value(v.sample) : -Infinity }))
    .sort((a, b) => b.n - a.n || a.i - b.i)
    .map((x) => x.v);
}

/** The worst value of each column among the hosts with figures, when at least two differ. */
function worstValues(views: readonly HostView[]): Array<number | undefined> {
  const samples = views.filter((v) => v.status === 'live' && v.sample).map((v) => v.sample!);
  return COLUMNS.map((c) => {
    if (!c.worst || samples.length < 2) return undefined;
    const values = samples.map(c.worst);
    const worst = c.lowIsWorse ? Math.min(...values) : Math.max(...values);
    const best = c.lowIsWorse ? Math.max(...values) : Math.min(...values);
    return worst === best || (!c.lowIsWorse && worst <= 0) ? undefined : worst;
  });
}

const pad = (text: string, width: number, left = false): string => (left ? text.padEnd(width) : text.padStart(width));

/** Cuts a line of spans to `width` characters. */
function fit(spans: Span[], width: number): Span[] {
  const out: Span[] = [];
  let used = 0;
  for (const span of spans) {
    if (used >= width) break;
    const text = span.text.slice(0, width - used);
    out.push({ text, style: span.style });
    used += text.length;
  }
  return out;
}

function clock(now: number): string {
  return new Date(now).toTimeString().slice(0, 8);
}

/**
 * The full screen of `top` on a terminal, as lines of styled spans: a title line, the column
 * headers, then one row per host (and its top processes with `p`), cut to the terminal's size.
 */
export function formatTable(views: readonly HostView[], opts: TableOptions): Span[][] {
  const hostWidth = Math.max(4, ...views.map((v) => v.host.length));
  const live = views.filter((v) => v.status === 'live').length;
  const title = `isuops top: ${live}/${views.length} hosts answering, every ${opts.intervalSec}s  sort: ${opts.sort} (s)  processes (p)  quit (q)`;
  const lines: Span[][] = [[{ text: title, style: 'title' }, { text: `  ${clock(opts.now)}`, style: 'dim' }]];
  const header: Span[] = [{ text: pad('HOST', hostWidth, true), style: opts.sort === 'host' ? 'sorted' : 'header' }];
  for (const c of COLUMNS) header.push({ text: ' ', style: 'header' }, { text: pad(c.header, c.width, c.left), style: c.sort === opts.sort ? 'sorted' : 'header' });
  lines.push(header);

  const worst = worstValues(views);
  const body: Span[][] = [];
  for (const v of sortViews(views, opts.sort)) {
    const row: Span[] = [{ text: pad(v.host, hostWidth, true), style: 'plain' }];
    if (v.status === 'live' && v.sample) {
      const s = v.sample;
      COLUMNS.forEach((c, i) => {
        const isWorst = worst[i] !== undefined && c.worst!(s) === worst[i];
        row.push({ text: ' ', style: 'plain' }, { text: pad(c.text(s), c.width, c.left), style: isWorst ? 'worst' : 'plain' });
      });
    } else {
      const text = v.problem ?? (v.status === 'waiting' ? 'connecting, first figures after one interval' : v.status);
      row.push({ text: ` ${text}`, style: v.status === 'waiting' ? 'dim' : 'problem' });
    }
    body.push(row);
    if (opts.showProcesses && v.status === 'live' && v.sample) {
      for (const p of v.sample.top) body.push([{ text: `${' '.repeat(hostWidth)}   ${pad(String(p.pid), 7)} ${pad(formatPercent(p.cpu), 5)}%  ${p.command}`, style: 'dim' }]);
    }
  }
  const room = Math.max(1, opts.rows - lines.length);
  if (body.length > room) {
    const shown = body.slice(0, room - 1);
    shown.push([{ text: `... ${body.length - shown.length} more lines: enlarge the terminal, or select fewer hosts (-H, -g)`, style: 'dim' }]);
    lines.push(...shown);
  } else {
    lines.push(...body);
  }
  return lines.map((line) => fit(line, opts.columns));
}
