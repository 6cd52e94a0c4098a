import { UsageError } from '../errors.js';
import { formatJumpRoute } from '../ssh/jump-route.js';
import type { FleetOptions } from './fleet-options.js';
import { prepareFleet } from './fleet.js';

/** `isuops hosts`: the resolved host list with each host's whole jump chain, without connecting. */
export async function hostsCommand(opts: FleetOptions & { json?: boolean }): Promise<number> {
  if (opts.parallel !== undefined) throw new UsageError('-p does not apply to hosts: it connects to no host');
  const fleet = await prepareFleet(opts);
  try {
    const rows = fleet.hosts.map((h) => ({ name: h.name, user: h.user, hostname: h.hostname, port: h.port, jump: h.proxyCommand ? `ProxyCommand ${h.proxyCommand}` : formatJumpRoute(fleet.route(h)) }));
    if (opts.json) {
      for (const r of rows) process.stdout.write(`${JSON.stringify({ ...r, jump: r.jump === '-' ? null : r.jump })}\n`);
      return 0;
    }
    const table = [['NAME', 'USER', 'HOSTNAME', 'PORT', 'JUMP'], ...rows.map((r) => [r.name, r.user, r.hostname, String(r.port), r.jump])];
    const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
    for (const row of table) process.stdout.write(`${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')}\n`);
    return 0;
  } finally {
    fleet.close();
  }
}
