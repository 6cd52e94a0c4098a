import path from 'node:path';
import { UsageError } from '../errors.js';
import { exitCodeFor } from '../exit-code.js';
import { hashLocalFile } from '../ops/push/checksum.js';
import { findFolderClash, hostDirName } from '../ops/pull/local-layout.js';
import { pullFromHost } from '../ops/pull/pull-host.js';
import { formatPullSummary } from '../ops/pull/summary.js';
import { runOnHosts } from '../ssh/pool.js';
import type { FleetOptions, OutputOptions } from './fleet-options.js';
import { prepareFleet } from './fleet.js';
import { watchInterrupt } from './interrupt.js';
import { createOutput } from './output.js';

export interface PullCommandOptions extends FleetOptions, OutputOptions {
  to: string;
  dryRun?: boolean;
  sudo?: boolean;
  gzip?: boolean;
  checksum?: boolean;
}

/** `isuops pull REMOTE_PATH...`: copies files from every host into DIR/<host>/<path>; returns the exit code. */
export async function pullCommand(patterns: string[], opts: PullCommandOptions): Promise<number> {
  for (const p of patterns) if (p === '' || p.includes('\0')) throw new UsageError('a REMOTE_PATH is empty or holds a NUL byte');
  const fleet = await prepareFleet(opts);
  const { hosts } = fleet;
  const clash = findFolderClash(hosts.map((h) => h.name));
  if (clash) throw new UsageError(`hosts ${clash} would share one folder under ${opts.to}: list each host once, by one name`);
  const to = path.resolve(opts.to);
  // The umask applies to new files like rsync without -p; read without changing it for good.
  const umask = process.umask(0o022);
  process.umask(umask);
  const output = createOutput(opts, hosts.map((h) => h.name));
  const interrupt = watchInterrupt();
  const hashes = new Map<string, Promise<string>>();
  try {
    const results = await runOnHosts(
      hosts,
      { parallel: opts.parallel, signal: interrupt.signal, emit: output.emit, connectTimeout: opts.connectTimeout, connect: fleet.connect },
      (session) =>
        pullFromHost(session, {
          patterns,
          hostDir: path.join(to, hostDirName(session.host.name)),
          dryRun: Boolean(opts.dryRun),
          sudo: Boolean(opts.sudo),
          gzip: Boolean(opts.gzip),
          checksum: Boolean(opts.checksum),
          umask,
          signal: interrupt.signal,
          emit: output.emit,
          hashLocal: (p) => {
            let h = hashes.get(p);
            if (!h) hashes.set(p, (h = hashLocalFile(p)));
            return h;
          },
        }),
    );
    await output.finish(results, formatPullSummary(results, Boolean(opts.dryRun)));
    return exitCodeFor(results, interrupt.interrupted());
  } finally {
    fleet.close();
    interrupt.dispose();
  }
}
