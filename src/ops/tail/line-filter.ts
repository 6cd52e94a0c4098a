import { UsageError } from '../../errors.js';

/** Keeps a line or drops it; lines are matched as UTF-8 text. */
export type LineFilter = (line: Buffer) => boolean;

function compile(flag: string, source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (err) {
    throw new UsageError(`${flag} ${JSON.stringify(source)}: not a valid regular expression (JavaScript syntax): ${(err as Error).message}`);
  }
}

/**
 * -e/--grep and -v/--invert-match, applied locally with JavaScript regular expressions
 * (so every host behaves alike whatever its grep). Undefined when no filter is given.
 */
export function makeLineFilter(grep: string | undefined, invert: string | undefined): LineFilter | undefined {
  const keep = grep === undefined ? undefined : compile('-e/--grep', grep);
  const drop = invert === undefined ? undefined : compile('-v/--invert-match', invert);
  if (!keep && !drop) return undefined;
  return (line) => {
    const text = line.toString('utf8');
    if (keep && !keep.test(text)) return false;
    return !(drop && drop.test(text));
  };
}
