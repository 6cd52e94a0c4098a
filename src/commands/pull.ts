import path from 'node:path';
import { UsageError } from '../errors.js';
import { makeLocalHasher } from '../ops/push/checksum.js';
import { findFolderClash, hostDirName } from '../ops/pull/local-layout.js';
import { pullFromHost } from '../ops/pull/pull-host.js';
import { formatPullSummary } from '../ops/pull/summary.js';
import type { FleetOptions, OutputOptions } from './fleet-options.js';
import { prepareFleet } from './fleet.js';
import { runFleet } from './run-fleet.js';

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
  const hashLocal = makeLocalHasher();
  return runFleet(
    fleet,
    opts,
    (session, run) =>
      pullFromHost(session, {
        patterns,
        hostDir: path.join(to, hostDirName(session.host.name)),
        dryRun: Boolean(opts.dryRun),
        sudo: Boolean(opts.sudo),
        gzip: Boolean(opts.gzip),
        checksum: Boolean(opts.checksum),
        umask,
        signal: run.signal,
        emit: run.emit,
        hashLocal,
      }),
    (results) => formatPullSummary(results, Boolean(opts.dryRun)),
  );
}
