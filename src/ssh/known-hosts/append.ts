import { appendFile, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { hashHostName } from './match-host.js';
import type { HostKey } from './types.js';
import { makeDirs } from '../../fs/make-dirs.js';

/** Tail of the promise chain per absolute path: appends within this process run one at a time. */
const chains = new Map<string, Promise<unknown>>();

/** Run `task` after every earlier task queued for the same file has settled. */
export function queueFileTask<T>(file: string, task: () => Promise<T>): Promise<T> {
  const path = resolve(file);
  const run = (chains.get(path) ?? Promise.resolve()).then(task, task);
  const tail = run.catch(() => undefined);
  chains.set(path, tail);
  // Forget the chain once it drains so the map does not grow with every host.
  void tail.then(() => {
    if (chains.get(path) === tail) chains.delete(path);
  });
  return run;
}

/**
 * The known_hosts text for a key: `hostToken type base64\n`; with `hash`, one `|1|salt|hash`
 * line per comma-separated name, as ssh does with HashKnownHosts.
 */
export function formatKnownHostsEntry(hostToken: string, key: HostKey, hash = false): string {
  const b64 = key.data.toString('base64');
  const hosts = hash ? hostToken.split(',').filter(Boolean).map((name) => hashHostName(name)) : [hostToken];
  return hosts.map((h) => `${h} ${key.type} ${b64}\n`).join('');
}

/**
 * Append whole lines to a known_hosts file: the directory is made 0700 and the file 0600 when
 * missing, a missing final newline is supplied first, and the lines go out in one write.
 * Callers that may race should run this inside queueFileTask.
 */
export async function appendKnownHostsText(file: string, text: string): Promise<void> {
  await makeDirs(dirname(file), 0o700);
  const prefix = (await endsWithoutNewline(file)) ? '\n' : '';
  await appendFile(file, prefix + text, { mode: 0o600 });
}

/** Whether the file exists, is not empty and its last byte is not `\n`. */
async function endsWithoutNewline(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return false;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const buf = Buffer.alloc(1);
    await handle.read(buf, 0, 1, size - 1);
    return buf[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}
