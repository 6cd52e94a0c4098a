import type { TopSample } from '../../ops/top/types.js';
import type { HostView } from './board.js';

/**
 * One NDJSON object of `top --json` (and --record): `{host, time, cpu, load, mem, net, disk, top,
 * error}`. A host without figures for the interval has them null (top: []) and says why in `error`.
 */
export interface TopJsonObject {
  host: string;
  time: string;
  cpu: TopSample['cpu'] | null;
  load: [number, number, number] | null;
  mem: TopSample['mem'];
  net: TopSample['net'] | null;
  disk: { readBytesPerSec: number; writeBytesPerSec: number; util: number } | null;
  top: TopSample['top'];
  error: string | null;
}

export function sampleObject(host: string, time: number, s: TopSample): TopJsonObject {
  const { readBytesPerSec, writeBytesPerSec, util } = s.disk;
  return { host, time: new Date(time).toISOString(), cpu: s.cpu, load: s.load, mem: s.mem, net: s.net, disk: { readBytesPerSec, writeBytesPerSec, util }, top: s.top, error: null };
}

export function errorObject(host: string, time: number, error: string): TopJsonObject {
  return { host, time: new Date(time).toISOString(), cpu: null, load: null, mem: null, net: null, disk: null, top: [], error };
}

/** The objects for one interval's tick: hosts silent or down say so (live ones were written as they came). */
export function tickObjects(views: readonly HostView[], now: number): TopJsonObject[] {
  return views.filter((v) => (v.status === 'silent' || v.status === 'down') && v.problem).map((v) => errorObject(v.host, now, v.problem!));
}
