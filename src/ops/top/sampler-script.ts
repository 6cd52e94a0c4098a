import { quoteCommand } from '../../remote/quote.js';
import { remoteScript } from '../../remote/scripts.js';

/**
 * The command (for buildWrappedCommand) that runs src/remote/top-sampler.sh under /bin/sh,
 * whatever the login shell: one cat and one sleep per sample, and one awk that sends a process
 * only when its CPU time moved.
 */
export function buildSamplerCommand(intervalSec: number, marker: string): string {
  return `exec ${quoteCommand(['/bin/sh', '-c', remoteScript('top-sampler'), 'isuops-top', String(intervalSec), marker])}`;
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
