import { statSync } from 'node:fs';

/**
 * What a file (or a directory that was listed) looked like when it was read: device, inode, mode,
 * size, mtime and ctime in nanoseconds; null when it was not there. Any write, replace (rename
 * over it), chmod or a directory entry added or removed changes it.
 */
export type ReadStamp = string | null;

/**
 * The stamps of every path read while recording, each taken before its first read. `racy`: a path
 * changed less than 2 s (setRacyWindow) before it was stamped; file times are coarse (a kernel tick), so a
 * second write within that tick could leave the same stamp (git's "racy" entries); or a path is
 * neither a file nor a directory: such a log is never trusted.
 */
export interface ReadLog {
  stamps: Map<string, ReadStamp>;
  racy: boolean;
}

let racyMs = 2000;

/** The window in which a change makes a log racy (tests set 0: their files are all new). */
export function setRacyWindow(ms: number): void {
  racyMs = ms;
}

export function stampOf(path: string): ReadStamp {
  return stat(path)?.stamp ?? null;
}

function stat(path: string): { stamp: string; changedMs: number; plain: boolean } | undefined {
  try {
    const st = statSync(path, { bigint: true });
    const changedNs = st.ctimeNs > st.mtimeNs ? st.ctimeNs : st.mtimeNs;
    return { stamp: `${st.dev}:${st.ino}:${st.mode}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`, changedMs: Number(changedNs / 1_000_000n), plain: st.isFile() || st.isDirectory() };
  } catch {
    return undefined;
  }
}

let recording: ReadLog | undefined;

/** Called by code that reads a file or lists a directory, before it does. */
export function noteRead(path: string): void {
  if (recording === undefined || recording.stamps.has(path)) return;
  const st = stat(path);
  recording.stamps.set(path, st?.stamp ?? null);
  // a pipe or device (-F /dev/stdin, <(...)) reads differently each time under the same stamp
  if (st !== undefined && (!st.plain || Date.now() - st.changedMs < racyMs)) recording.racy = true;
}

/** Runs `fn` with every noteRead recorded in a new log (one recording at a time: the process runs one invocation). */
export async function recordReads<T>(fn: () => Promise<T>): Promise<{ value: T; reads: ReadLog }> {
  const reads: ReadLog = { stamps: new Map(), racy: false };
  const outer = recording;
  recording = reads;
  try {
    return { value: await fn(), reads };
  } finally {
    recording = outer;
  }
}

/** Whether every path of the log still has the stamp it had when it was read (a racy log: never). */
export function readsUnchanged(reads: ReadLog): boolean {
  if (reads.racy) return false;
  for (const [path, stamp] of reads.stamps) if (stampOf(path) !== stamp) return false;
  return true;
}
