import type { HostSession } from '../transport/types.js';
import { buildKillCommand } from '../remote/command.js';
import { debug } from '../core/debug.js';


/** Stops a wrapped command's remote process group on a channel of its own (TERM, then KILL). */
export async function killRemote(session: HostSession, pgid: number, sudo: boolean): Promise<void> {
  try {
    let closed!: Promise<void>;
    await session.exec(buildKillCommand(pgid, { sudo }), (channel) => {
      channel.resume();
      channel.stderr.resume();
      closed = new Promise((resolve) => channel.once('close', () => resolve()));
    });
    await closed;
  } catch (err) {
    debug('%s: kill of %d failed: %s', session.host.name, pgid, (err as Error).message);
  }
}
