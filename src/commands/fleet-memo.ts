import os from 'node:os';
import { readsUnchanged, recordReads, type ReadLog } from '../fs/read-stamps.js';
import { debug } from '../core/debug.js';


/**
 * A fleet resolved ahead of its run. A warm spare (src/warm/rehearsal.ts) rehearses the invocation
 * its daemon handed out last, up to the point where it would connect, while it waits; the run that
 * then comes takes that resolution only when its own inputs are the same (the key: the options,
 * cwd, the whole environment, host name and uid) and every file the resolution read (hosts files,
 * ssh_config and what it Includes, the directories Include globs listed) still has the stamp it had
 * (src/fs/read-stamps.ts); else it resolves as any run does.
 */
interface Memo {
  key: string;
  reads: ReadLog;
  value: unknown;
}

let memo: Memo | undefined;
let rehearsing = false;

export function fleetKey(opts: object): string {
  return JSON.stringify([opts, process.cwd(), process.env, os.hostname(), process.getuid?.()]);
}

/** While on, memoFleet records what it resolves for a later run (one rehearsal at a time). */
export function setRehearsing(on: boolean): void {
  rehearsing = on;
}

/** Whether this is a spare's rehearsal (src/warm/rehearsal.ts), which stops at the warm gate. */
export function isRehearsing(): boolean {
  return rehearsing;
}

/** Whether a rehearsal's resolution waits whose files are all as it read them. */
export function hasFreshMemo(): boolean {
  return memo !== undefined && readsUnchanged(memo.reads);
}

/**
 * `resolve()`'s value, or the rehearsal's for the same key when none of what it read changed
 * (`onHit` then runs: what the resolution would have said, e.g. warnings). A memo is used once.
 */
export async function memoFleet<T>(key: string, resolve: () => Promise<T>, onHit: () => void): Promise<T> {
  const m = memo;
  memo = undefined;
  if (!rehearsing && m !== undefined) {
    if (m.key === key && readsUnchanged(m.reads)) {
      debug('fleet: resolved ahead of the run');
      onHit();
      return m.value as T;
    }
    debug('fleet: resolved again (the invocation or a file it read differs from the rehearsal)');
  }
  if (!rehearsing) return resolve();
  const { value, reads } = await recordReads(resolve);
  // a copy: the rehearsal goes on with its own objects up to the gate
  memo = { key, reads, value: structuredClone(value) };
  return value;
}
