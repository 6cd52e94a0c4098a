import { readFile } from 'node:fs/promises';
import { fsName } from '../../core/byte-names.js';
import { createTwoFilesPatch } from 'diff';

/** Files larger than this are not diffed (their size is shown instead). */
export const DIFF_MAX_BYTES = 1024 * 1024;

function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8192).includes(0);
}

/**
 * A unified diff of one file, remote (before) against local (after); a one-line note for
 * binary or large files. `remote` is undefined for a file that does not exist there yet.
 */
export function makeFileDiff(path: string, remote: Buffer | undefined, local: Buffer): string {
  if ((remote && isBinary(remote)) || isBinary(local)) return `Binary files ${path} differ\n`;
  const patch = createTwoFilesPatch(remote ? path : '/dev/null', path, remote?.toString('utf8') ?? '', local.toString('utf8'), 'remote', 'local');
  // Drop the `Index:`/`====` lines that jsdiff puts first: `diff -u` starts at `---`.
  return patch.slice(patch.indexOf('--- '));
}

/** The note for a file too large to diff. */
export function largeFileNote(path: string, localSize: number, remoteSize: number | undefined): string {
  return `Large file ${path} differs (${remoteSize ?? 0} -> ${localSize} bytes): diff skipped\n`;
}

/** Reads a local file for diffing. */
export function readLocal(p: string): Promise<Buffer> {
  return readFile(fsName(p));
}
