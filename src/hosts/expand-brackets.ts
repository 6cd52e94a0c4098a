import { UsageError } from '../errors.js';

/** Most hosts one `-H`/`-x` value or hosts-file line may expand to: a typo like `isu[1-100000]` is not a fleet. */
export const MAX_EXPANDED_HOSTS = 10_000;

/** A piece of a word: literal text, or the alternatives of one `[...]` range. */
type Part = string | string[];

/**
 * Expands pdsh-style ranges in one word: `isu[01-03]` -> isu01 isu02 isu03, `isu[1,3,5-7]`,
 * several groups as a cartesian product in order (`a[1-2]b[1-2]` -> a1b1 a1b2 a2b1 a2b2).
 * Numbers are zero-padded to the width of the lower bound, like pdsh (`[08-11]`, `[8-011]` -> 8..11).
 * A bracket holding ':' or '.' is an address (`[::1]:22`, `user@[10.0.0.1]`), left as written.
 */
export function expandBrackets(word: string): string[] {
  const parts = splitParts(word);
  let total = 1;
  for (const part of parts) if (Array.isArray(part)) total *= part.length;
  if (total > MAX_EXPANDED_HOSTS) throw tooMany(word);
  let results = [''];
  for (const part of parts) {
    const alternatives = Array.isArray(part) ? part : [part];
    results = results.flatMap((prefix) => alternatives.map((alt) => prefix + alt));
  }
  return results;
}

/** The error for a range that expands past MAX_EXPANDED_HOSTS. */
export function tooMany(text: string): UsageError {
  return new UsageError(`host range "${text}" expands to more than ${MAX_EXPANDED_HOSTS} hosts`);
}

function splitParts(word: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  while (i < word.length) {
    const open = word.indexOf('[', i);
    if (open === -1) break;
    const close = word.indexOf(']', open);
    if (close === -1) throw new UsageError(`bad host range "${word}": "[" is never closed`);
    const body = word.slice(open + 1, close);
    literal += word.slice(i, open);
    if (/[:.]/.test(body)) {
      literal += word.slice(open, close + 1);
    } else {
      parts.push(literal, expandRangeSet(body, word));
      literal = '';
    }
    i = close + 1;
  }
  parts.push(literal + word.slice(i));
  return parts;
}

/** `1,3,05-07` -> ['1', '3', '05', '06', '07']. */
function expandRangeSet(body: string, word: string): string[] {
  const out: string[] = [];
  for (const raw of body.split(',')) {
    const item = raw.trim();
    const m = /^(\d+)(?:-(\d+))?$/.exec(item);
    if (!m) {
      const what = item === '' ? 'an empty range' : `"${item}" is not a number or a range like 1-5 or 01-05`;
      throw new UsageError(`bad host range "${word}": ${what}`);
    }
    const lo = m[1]!;
    const hi = m[2] ?? lo;
    const [from, to] = [Number(lo), Number(hi)];
    if (from > to) throw new UsageError(`bad host range "${word}": ${lo}-${hi} counts down (write the lower number first)`);
    if (to - from + 1 + out.length > MAX_EXPANDED_HOSTS) throw tooMany(word);
    for (let n = from; n <= to; n++) out.push(String(n).padStart(lo.length, '0'));
  }
  return out;
}
