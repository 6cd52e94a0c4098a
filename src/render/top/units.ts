const UNITS = ['', 'K', 'M', 'G', 'T', 'P'];

/** Bytes (or bytes per second) in 4 characters or so, binary units as top and free -h: 0, 512, 9.8K, 120M, 1.5G. */
export function formatBytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return String(Math.round(value));
  return `${value < 9.95 ? value.toFixed(1) : Math.round(value)}${UNITS[unit]}`;
}

/** A percentage with one decimal (100 without one). */
export function formatPercent(n: number): string {
  return n >= 99.95 ? '100' : n.toFixed(1);
}

/** A load average as /proc/loadavg gives it. */
export function formatLoad(n: number): string {
  return n.toFixed(2);
}
