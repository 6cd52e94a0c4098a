import { reachDaemon } from '../daemon/link.js';
import { daemonPaths } from '../daemon/paths.js';
import { Kind, parseJson } from '../daemon/protocol.js';
import type { DaemonStatus } from '../daemon/types.js';
import { formatDaemonStatus } from '../render/daemon-status.js';

/** `isuops daemon status [--json]`: 0 and the daemon's state when one runs; 1 and one line when none does. */
export async function daemonStatus(opts: { json?: boolean }): Promise<number> {
  const paths = daemonPaths();
  const link = paths ? await reachDaemon(paths, false) : undefined;
  if (!link) {
    process.stderr.write(`isuops: no daemon running${paths ? ` (none answers on ${paths.socket})` : ''}\n`);
    return 1;
  }
  try {
    const status = parseJson<DaemonStatus>(await link.request(Kind.status));
    process.stdout.write(opts.json ? `${JSON.stringify(status)}\n` : formatDaemonStatus(status));
    return 0;
  } catch (err) {
    process.stderr.write(`isuops: no daemon running (${(err as Error).message})\n`);
    return 1;
  } finally {
    link.close();
  }
}

/** `isuops daemon stop`: closes every kept connection and ends the daemon; 1 when none runs. */
export async function daemonStop(): Promise<number> {
  const paths = daemonPaths();
  const link = paths ? await reachDaemon(paths, false) : undefined;
  if (!link) {
    process.stderr.write('isuops: no daemon running\n');
    return 1;
  }
  try {
    await link.request(Kind.stop);
  } catch {}
  link.close();
  // gone once its socket no longer answers
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 20));
    const again = await reachDaemon(paths!, false);
    if (!again) return 0;
    again.close();
  }
  process.stderr.write('isuops: the daemon did not stop\n');
  return 1;
}

/** `isuops daemon run` (started by a run, not by hand): the daemon itself, until idle or stopped. */
export async function daemonRun(): Promise<number> {
  const paths = daemonPaths();
  if (!paths) {
    process.stderr.write('isuops: no private directory for the daemon socket\n');
    return 1;
  }
  const { runDaemon } = await import('../daemon/server.js');
  // holds no directory of the run that started it (local paths it gets are absolute)
  process.chdir('/');
  try {
    await runDaemon(paths);
  } catch (err) {
    process.stderr.write(`isuops daemon: ${(err as Error).message}\n`);
    return 1;
  }
  // runs until it ends itself (process.exit)
  await new Promise(() => {});
  return 0;
}
