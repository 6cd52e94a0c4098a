import { readFile } from 'node:fs/promises';

// Files up to this size are read once for the whole run and sent from memory to every host.
export const SMALL_FILE_BYTES = 1 << 20;
// What the shared copies may hold at most; past it, files are streamed per host as large ones are.
const BUDGET_BYTES = 256 << 20;

/** Reads a small local file once for every host; `undefined` when it is too big (or the budget is spent). */
export type LocalReader = (localPath: string, size: number) => Promise<Buffer> | undefined;

/**
 * One read per small file per run, however many hosts: pushing a tree of 1,000 files to 5 hosts
 * opens each file once instead of five times (the opens, reads and closes were a third of the
 * CPU). The copies live until the run ends, within a fixed budget.
 */
export function makeLocalReader(): LocalReader {
  const files = new Map<string, Promise<Buffer>>();
  let held = 0;
  return (localPath, size) => {
    let data = files.get(localPath);
    if (data) return data;
    if (size > SMALL_FILE_BYTES || held + size > BUDGET_BYTES) return undefined;
    held += size;
    files.set(localPath, (data = readFile(localPath)));
    return data;
  };
}
