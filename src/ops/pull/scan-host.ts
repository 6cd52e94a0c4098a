import type { HostSession } from '../../transport/types.js';
import { firstLine, runRemote } from '../push/run-remote.js';
import { PullError } from './pull-error.js';
import { buildScanArgv, describeScanErrors, parseScanOutput, type ScanResult } from './scan-command.js';

/** A host's scan plus one message per path that could not be looked at. */
export interface HostScan extends ScanResult {
  errors: string[];
}

/** Expands and walks the patterns on the host; throws PullError when the scan could not run at all. */
export async function scanHost(session: HostSession, patterns: readonly string[], sudo: boolean): Promise<HostScan> {
  const run = await runRemote(session, buildScanArgv(patterns), { sudo });
  const scan = parseScanOutput(run.stdout);
  if (run.code !== 0 && scan.items.length === 0 && scan.missing.length === 0 && scan.denied.length === 0) {
    const why = firstLine(run.stderr) || `scan exited with ${run.code ?? 'a signal'}`;
    throw new PullError(/^sudo: /.test(why) ? `sudo -n: ${why.slice(6)}` : why);
  }
  const errors = [
    ...scan.missing.map((p) => (/[*?[]/.test(p) ? `no match: ${p}` : `no such file or directory: ${p}`)),
    ...scan.denied.map((p) => `permission denied: ${p} (try --sudo)`),
    ...describeScanErrors(run.stderr),
  ];
  return { ...scan, errors };
}
