import { readFileSync } from 'node:fs';
import { nameFromBytes } from '../core/byte-names.js';

/**
 * `argv` with each argument that is not UTF-8 (a path named with a latin-1 byte) as its bytes in
 * isuops's form (core/byte-names.ts): Node decodes process.argv as UTF-8 and puts U+FFFD for such
 * a byte, so those are read again, as bytes, from /proc/self/cmdline (whose last arguments are
 * the script's). Nothing is read unless an argument holds U+FFFD; `argv` as given when the two
 * do not agree (no /proc).
 */
export function rawArgv(argv: string[], cmdline: () => Buffer = () => readFileSync('/proc/self/cmdline')): string[] {
  if (!argv.some((a) => a.includes('\ufffd'))) return argv;
  let raw: Buffer[];
  try {
    const all = cmdline();
    raw = [];
    for (let start = 0; start < all.length; ) {
      const nul = all.indexOf(0, start);
      raw.push(all.subarray(start, nul === -1 ? all.length : nul));
      start = nul === -1 ? all.length : nul + 1;
    }
  } catch {
    return argv;
  }
  const args = raw.slice(-(argv.length - 2));
  if (argv.length < 2 || args.length !== argv.length - 2 || args.some((b, i) => b.toString('utf8') !== argv[i + 2])) return argv;
  return [...argv.slice(0, 2), ...args.map((b) => nameFromBytes(b))];
}
