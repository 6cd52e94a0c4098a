import { InvalidArgumentError } from 'commander';

const UNIT_SECONDS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600 };

/** `--for`: 90, 90s, 1.5m, 2h (a bare number is seconds). */
export function parseDuration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(value.trim());
  const seconds = m ? Number(m[1]) * UNIT_SECONDS[m[2] ?? ''] : NaN;
  if (!(seconds > 0)) throw new InvalidArgumentError('must be a duration greater than 0, like 60s, 5m or 1h (a bare number is seconds)');
  return seconds;
}

/** `-i`: seconds between samples, at least 0.1. */
export function parseInterval(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0.1) throw new InvalidArgumentError('must be a number of seconds, 0.1 or more');
  return n;
}
