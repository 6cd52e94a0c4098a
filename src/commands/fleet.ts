import os from 'node:os';
import { selectHosts } from '../hosts/index.js';
import type { HostEntry } from '../hosts/types.js';
import { loadSshConfig, resolveHost } from '../ssh/config.js';
import type { ConnectOverrides, ResolvedHost } from '../ssh/types.js';
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
  const env = { home: os.homedir(), localUser: os.userInfo().username };
  return entries.map((entry) => ({
    ...resolveHost({ host: entry.host, user: entry.user, port: entry.port }, config, overrides, env),
    name: entry.name,
  }));
}
