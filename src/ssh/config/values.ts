import { UsageError } from '../../errors.js';
import type { StrictMode } from '../types.js';

/** Well-known service names ssh's a2port() accepts through getservbyname(). */
const SERVICE_PORTS: Record<string, number> = { ssh: 22 };

/** a2port(): 1..65535 or a service name; anything else is what ssh calls "Bad port". */
export function parsePortValue(text: string, where: string): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n >= 1 && n <= 65535) return n;
  } else if (SERVICE_PORTS[text] !== undefined) {
    return SERVICE_PORTS[text];
  }
  throw new UsageError(`${where}: bad port '${text}' (give a number from 1 to 65535)`);
}

const TIME_UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** convtime(): `30`, `10s`, `1m30s`, `1h`; units s m h d w in either case. */
export function parseTimeValue(text: string, where: string): number {
  const re = /(\d+)([smhdwSMHDW]?)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(text)) !== null) {
    total += Number(m[1]) * (TIME_UNITS[(m[2] ?? '').toLowerCase()] ?? 1);
    end = re.lastIndex;
    // ssh only allows a bare number as the last part
    if (m[2] === '' && end !== text.length) break;
  }
  if (text === '' || end !== text.length) throw new UsageError(`${where}: invalid time value '${text}'`);
  return total;
}

/** Non-negative integer (ServerAliveCountMax). */
export function parseCountValue(text: string, where: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${where}: bad number '${text}'`);
  return Number(text);
}

/** yes/no flags (ssh also takes true/false). */
export function parseFlagValue(text: string, where: string): boolean {
  const v = text.toLowerCase();
  if (v === 'yes' || v === 'true') return true;
  if (v === 'no' || v === 'false') return false;
  throw new UsageError(`${where}: unsupported option '${text}' (yes or no)`);
}

/** StrictHostKeyChecking: ask is taken as yes since nobody is there to answer. */
export function parseStrictValue(text: string, where: string): StrictMode {
  const v = text.toLowerCase();
  if (v === 'yes' || v === 'true' || v === 'ask') return 'yes';
  if (v === 'no' || v === 'false' || v === 'off') return 'no';
  if (v === 'accept-new') return 'accept-new';
  throw new UsageError(`${where}: unsupported StrictHostKeyChecking '${text}' (yes, accept-new, no, ask)`);
}

/**
 * ControlPersist as ssh's readconf.c reads it (case-sensitive, like ssh): `no`/`false` keep
 * nothing, `yes`/`true` (or a time of 0) keep for ever, a time keeps that many idle seconds.
 * The result is what `ssh -G` prints: `no`, `yes` or the seconds.
 */
export function parseControlPersistValue(text: string, where: string): 'no' | 'yes' | number {
  if (text === 'no' || text === 'false') return 'no';
  if (text === 'yes' || text === 'true') return 'yes';
  let seconds: number;
  try {
    seconds = parseTimeValue(text, where);
  } catch {
    throw new UsageError(`${where}: bad ControlPersist '${text}' (yes, no, or a time such as 600 or 10m)`);
  }
  return seconds === 0 ? 'yes' : seconds;
}
