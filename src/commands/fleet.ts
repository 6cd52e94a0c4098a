import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { selectHosts } from '../hosts/index.js';
import type { HostEntry } from '../hosts/types.js';
import { loadSshConfig, resolveHost } from '../ssh/config.js';
import { formatJumpList } from '../ssh/jump.js';
import { makeRouter, type JumpHop, type ResolveHop } from '../ssh/jump-route.js';
import type { ConnectOverrides, ResolvedHost } from '../ssh/types.js';
import { chooseTransport } from '../transport/choose.js';
import type { Transport } from '../transport/types.js';
import { passWarmGate } from '../warm/gate.js';
import { fleetKey, memoFleet } from './fleet-memo.js';
import type { FleetOptions } from './fleet-options.js';

/** The overrides that -l/--port/-i/-J/-o/--connect-timeout put above the ssh config. */
export function overridesFrom(opts: FleetOptions): ConnectOverrides {
  return {
    user: opts.user,
    port: opts.port,
    identityFiles: opts.identity,
    jump: opts.jump,
    options: opts.option,
    connectTimeout: opts.connectTimeout,
  };
}

/**
 * Selects the hosts and resolves each through the ssh config. Throws UsageError for bad input,
 * before anything connects.
 */
export async function loadFleet(opts: FleetOptions): Promise<ResolvedHost[]> {
  return (await resolveFleet(opts)).hosts;
}

async function resolveFleet(opts: FleetOptions) {
  // a rehearsed resolution printed its warnings to no one: a run that takes it says them
  return memoFleet(fleetKey(opts), () => resolveFleetNow(opts), () => warnMissingIdentities(opts.identity ?? []));
}

async function resolveFleetNow(opts: FleetOptions) {
  const entries: HostEntry[] = await selectHosts({
    files: opts.hosts,
    hostLists: opts.host,
    groups: opts.group,
    excludes: opts.exclude,
    env: process.env,
    cwd: process.cwd(),
  });
  const config = await loadSshConfig(opts.sshConfig);
  const overrides = overridesFrom(opts);
  warnMissingIdentities(opts.identity ?? []);
  // read once for the whole fleet: without uid/localHost resolveHost asks the passwd database per host
  const info = os.userInfo();
  const env = { home: os.homedir(), localUser: info.username, uid: info.uid, localHost: os.hostname() };
  const hosts = entries.map((entry) => ({
    ...resolveHost({ host: entry.host, user: entry.user, port: entry.port }, config, overrides, env),
    name: entry.name,
  }));
  return { hosts, config, env };
}

/** Like ssh: a `-i` file that cannot be read is a warning, and the run goes on without it. */
function warnMissingIdentities(files: string[]): void {
  // a file named with %tokens is checked per host when its key is read
  for (const file of new Set(files.filter((f) => !f.includes('%')))) {
    try {
      accessSync(file.startsWith('~/') ? path.join(os.homedir(), file.slice(2)) : file, constants.R_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
      process.stderr.write(`isuops: warning: identity file ${file} not accessible: ${why}\n`);
    }
  }
}

/** The hosts of a run and how to reach them: pass `open` to runOnHosts, call `close()` when done. */
export interface Fleet extends Transport {
  hosts: ResolvedHost[];
  /** The jump chain a host is reached through (undefined: none). */
  route(host: ResolvedHost): JumpHop | undefined;
}

/**
 * loadFleet plus the transport (direct: the connector for ProxyJump / -J / ProxyCommand). Jump hosts are resolved like
 * `ssh hop`: by their own config entry (not by -l/-i/-o, which ssh does not pass on either);
 * every route is planned now so a ProxyJump loop is a usage error before anything connects.
 */
export async function prepareFleet(opts: FleetOptions): Promise<Fleet> {
  const { hosts, config, env } = await resolveFleet(opts);
  const resolveHop: ResolveHop = (hop, before) =>
    resolveHost({ host: hop.host, user: hop.user, port: hop.port }, config, before.length > 0 ? { jump: formatJumpList(before) } : {}, env);
  const route = makeRouter(resolveHop);
  for (const host of hosts) route(host);
  const transport = chooseTransport({ hosts, resolveHop, route });
  // a warm worker takes the run only now, before anything connects (src/warm/)
  await passWarmGate(hosts, transport);
  return { hosts, open: transport.open, route, close: transport.close };
}
