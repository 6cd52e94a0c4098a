import { UsageError } from '../errors.js';
import { escapeControls } from '../core/escape-controls.js';
import { makeLocalHasher } from '../ops/push/checksum.js';
import { makeLocalReader } from '../ops/push/local-reader.js';
import { makeTarRun } from '../ops/push/tar-batch.js';
import { makePlanShare } from '../ops/push/plan-share.js';
import { parseChmod, type ChmodFn } from '../ops/push/parse-chmod.js';
import { parseChown } from '../ops/push/owner.js';
import { pushToHost } from '../ops/push/push-host.js';
import { scanSources } from '../ops/push/scan-local.js';
import { foldDiffs, formatPushSummary } from '../ops/push/summary.js';
import { formatBlockHeader } from '../render/gather.js';
import type { FleetOptions, OutputOptions } from './fleet-options.js';
import { prepareFleet } from './fleet.js';
import { isRehearsing } from './fleet-memo.js';
import type { Output } from './output.js';
import { runFleet } from './run-fleet.js';

export interface PushCommandOptions extends FleetOptions, OutputOptions {
  dest?: string;
  checksum?: boolean;
  dryRun?: boolean;
  diff?: boolean;
  sudo?: boolean;
  chmod?: string;
  chown?: string;
  delete?: boolean;
  then?: string;
}

/** `isuops push PATH...`: rsync-style push of local files to every host; returns the exit code. */
export async function pushCommand(paths: string[], opts: PushCommandOptions): Promise<number> {
  // Everything that can be wrong locally is found before connecting (exit 2, nothing run).
  if (opts.then !== undefined && opts.then.trim() === '') throw new UsageError('--then with an empty command: give the command to run where something changed');
  const chmod: ChmodFn | undefined = opts.chmod !== undefined ? parseChmod(opts.chmod) : undefined;
  const chown = opts.chown !== undefined ? parseChown(opts.chown) : undefined;
  // A spare's rehearsal stops at the warm gate, in prepareFleet: it has no use for the local scan
  // (the run scans again whatever it found) and skips it.
  const { sources, skipped } = isRehearsing() ? { sources: [], skipped: [] } : await scanSources(paths, process.cwd());
  const fleet = await prepareFleet(opts);
  for (const p of skipped) process.stderr.write(`isuops: skipping ${escapeControls(p)}\n`);
  const hashLocal = makeLocalHasher();
  const readLocal = makeLocalReader();
  const tarRun = makeTarRun();
  const share = makePlanShare();
  return runFleet(
    fleet,
    opts,
    (session, run) =>
      pushToHost(session, {
        sources,
        dest: opts.dest,
        checksum: Boolean(opts.checksum),
        dryRun: Boolean(opts.dryRun),
        diff: Boolean(opts.diff),
        sudo: Boolean(opts.sudo),
        chmod,
        chown,
        delete: Boolean(opts.delete),
        then: opts.then,
        signal: run.signal,
        emit: run.emit,
        hashLocal,
        readLocal,
        tarRun,
        share,
      }),
    (results, output) => {
      if (opts.diff && !opts.json) writeDiffs(results, opts, output);
      return formatPushSummary(results, Boolean(opts.dryRun));
    },
  );
}

/**
 * --diff after the run: hosts with the same diff folded under one header naming them; with
 * --out-dir each host's diff goes to its own .out file instead. (--json carries `diffs`.)
 */
function writeDiffs(results: Parameters<typeof foldDiffs>[0], opts: PushCommandOptions, output: Output): void {
  for (const block of foldDiffs(results)) {
    if (opts.outDir) {
      for (const host of block.hosts) for (const line of block.text.replace(/\n$/, '').split('\n')) output.emit({ type: 'stdout', host, line: Buffer.from(line) });
      continue;
    }
    (output.write ?? ((t: string) => process.stdout.write(t)))(`${formatBlockHeader(block.hosts)}${block.text}`);
  }
}
