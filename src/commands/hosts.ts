import type { FleetOptions } from './fleet-options.js';
import { loadFleet } from './fleet.js';

/** `isuops hosts`: the resolved host list, without connecting. */
export async function hostsCommand(opts: FleetOptions & { json?: boolean }): Promise<number> {
  const hosts = await loadFleet(opts);
  const jumpText = (jumps: { user?: string; host: string; port?: number }[]): string =>
    jumps.length === 0 ? '-' : jumps.map((j) => `${j.user ? `${j.user}@` : ''}${j.host}${j.port ? `:${j.port}` : ''}`).join(',');
  if (opts.json) {
    for (const h of hosts) {
      process.stdout.write(`${JSON.stringify({ name: h.name, user: h.user, hostname: h.hostname, port: h.port, jump: h.proxyJump.length ? jumpText(h.proxyJump) : null })}\n`);
    }
    return 0;
  }
  const rows = [['NAME', 'USER', 'HOSTNAME', 'PORT', 'JUMP'], ...hosts.map((h) => [h.name, h.user, h.hostname, String(h.port), jumpText(h.proxyJump)])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows) process.stdout.write(`${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')}\n`);
  return 0;
}
