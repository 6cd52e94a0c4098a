import { describe, expect, it } from 'vitest';
import type { TopSample } from '../../../src/ops/top/types.js';
import type { HostView } from '../../../src/render/top/board.js';
import { createTopSummary } from '../../../src/render/top/summary.js';
import { formatTable, type SortKey, type Span } from '../../../src/render/top/table.js';

const G = 2 ** 30;
const sample = (busy: number, fields: { load?: number; used?: number; avail?: number; rx?: number; util?: number; top?: string } = {}): TopSample => ({
  cpu: { busy, user: busy, system: 0, iowait: 0, steal: 0 },
  cores: 2,
  load: [fields.load ?? 1, 1, 1],
  mem: { usedBytes: fields.used ?? G, availableBytes: fields.avail ?? 2 * G },
  net: { rxBytesPerSec: fields.rx ?? 0, txBytesPerSec: 0 },
  disk: { readBytesPerSec: 0, writeBytesPerSec: 0, util: fields.util ?? 0, device: 'vda' },
  top: fields.top ? [{ pid: 42, command: fields.top, cpu: 99 }, { pid: 43, command: 'sh', cpu: 1 }] : [],
});
const live = (host: string, s: TopSample): HostView => ({ host, status: 'live', sample: s, sampleAt: 0 });
const opts = (sort: SortKey = 'host', extra: Partial<Parameters<typeof formatTable>[1]> = {}) => ({ columns: 200, rows: 50, sort, showProcesses: false, intervalSec: 1, now: 0, ...extra });
const text = (line: Span[]) => line.map((s) => s.text).join('');
const hostsOf = (lines: Span[][]) => lines.slice(2).map((l) => text(l).split(' ')[0]);

const fleet: HostView[] = [
  live('a', sample(10, { load: 5, used: 3 * G, rx: 100 })),
  live('b', sample(90, { load: 1, used: G, util: 50, top: 'hog' })),
  { host: 'c', status: 'down', problem: 'connection lost (reset); retrying in 2s (attempt 2)' },
  live('d', sample(50, { load: 2, used: 2 * G, rx: 900, avail: G })),
];

describe('formatTable', () => {
  it.each([
    ['host', ['a', 'b', 'c', 'd']],
    ['cpu', ['b', 'd', 'a', 'c']],
    ['load', ['a', 'd', 'b', 'c']],
    ['mem', ['a', 'd', 'b', 'c']],
    ['net', ['d', 'a', 'b', 'c']],
    ['disk', ['b', 'a', 'd', 'c']],
  ] as Array<[SortKey, string[]]>)('sort %s: %j (hosts without figures last)', (sort, order) => {
    const lines = formatTable(fleet, opts(sort));
    expect(hostsOf(lines)).toEqual(order);
    expect(text(lines[0])).toContain(`sort: ${sort} (s)`);
  });

  it('the worst value of each column is marked, the lowest for avail; a down host shows why', () => {
    const lines = formatTable(fleet, opts());
    const worst = (host: string) => lines.find((l) => text(l).startsWith(`${host} `))!.filter((s) => s.style === 'worst').map((s) => s.text.trim());
    expect(worst('b')).toEqual(['90.0', '90.0', '50.0', 'hog 99.0%']);
    expect(worst('a')).toEqual(['5.00', '3.0G']);
    expect(worst('d')).toEqual(['1.0G', '900']);
    const down = lines.find((l) => text(l).startsWith('c '))!;
    expect(down[1]).toEqual({ text: ' connection lost (reset); retrying in 2s (attempt 2)', style: 'problem' });
  });

  it.each([
    ['one host: nothing to compare', [live('a', sample(90))]],
    ['equal values are not marked', [live('a', sample(40)), live('b', sample(40))]],
  ])('%s', (_name, views) => {
    expect(formatTable(views, opts()).flat().filter((s) => s.style === 'worst')).toEqual([]);
  });

  it('p: each host\'s processes under its row', () => {
    const lines = formatTable(fleet, opts('host', { showProcesses: true })).map(text);
    const b = lines.findIndex((l) => l.startsWith('b '));
    expect(lines.slice(b + 1, b + 3)).toEqual(['            42  99.0%  hog', '            43   1.0%  sh']);
  });

  it('cut to the terminal: no line wider than it, rows that do not fit counted on the last line', () => {
    const many = Array.from({ length: 30 }, (_, i) => live(`h${String(i).padStart(2, '0')}`, sample(i)));
    const lines = formatTable(many, opts('host', { columns: 60, rows: 10 })).map(text);
    expect(lines).toHaveLength(10);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(60);
    expect(lines[9]).toBe('... 23 more lines: enlarge the terminal, or select fewer hos');
  });
});

describe('the --for summary', () => {
  it('mean/max of each figure per host, then the busiest host per resource by the mean', () => {
    const summary = createTopSummary();
    const feed = (host: string, s: TopSample) => summary.handle({ type: 'top-sample', host, time: 0, sample: s });
    feed('a', sample(10, { rx: 1000, util: 10 }));
    feed('a', sample(30, { rx: 3000, util: 30 }));
    feed('b', sample(50, { used: 4 * G }));
    summary.handle({ type: 'top-silent', host: 'b', silentMs: 5000 });
    const lines = summary.format({ seconds: 60, hosts: ['a', 'b', 'c'] }).split('\n');
    expect(lines[0]).toBe('isuops top: 3 hosts over 60.0s; each figure is mean/max');
    expect(lines[2]).toMatch(/^a +2 +20\.0\/30\.0 +20\.0\/30\.0 +0\.0\/0\.0 .* 1\.00\/1\.00 +1\.0G\/1\.0G +2\.0G\/2\.0G +2\.0K\/2\.9K +0\/0 +0\/0 +0\/0 +20\.0\/30\.0$/);
    expect(lines[3]).toMatch(/^b +1 +50\.0\/50\.0 .* 4\.0G\/4\.0G /);
    expect(lines[4]).toMatch(/^c +0( +-){13}$/);
    expect(lines[5]).toBe('busiest: cpu b (50.0% busy), memory b (4.0G used), network a (2.0K/s rx+tx), disk a (20.0% util)');
  });
});
