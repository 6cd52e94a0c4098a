import { quoteWord } from './quote.js';

// A line that ends with one of these continues on the next: joined by a space, not a `;`.
const CONTINUES = /(?:^|[\s;])(?:then|do|else|in)$|(?:\{|\(|&&|\|\||\||&|;)$/;

/**
 * A compacted script (see compactScript) as one line, for a shell's `read -r`: each line break
 * becomes `;`, or a space after a word or operator that the next line continues (`then`, `do`,
 * `{`, `&&`, `|`, `&`...). The scripts read this way avoid `case` and strings across lines.
 */
export function joinLines(script: string): string {
  const lines = script.split('\n');
  return lines.reduce((out, line, i) => (i === 0 ? line : `${out}${CONTINUES.test(lines[i - 1]) ? ' ' : ';'}${line}`), '');
}

/** Defines `isuops_n` as a newline, for lineQuote'd words that hold one. */
export const NEWLINE_VAR = `isuops_n=$(printf '\\nx');isuops_n=\${isuops_n%x}`;

/**
 * `word` quoted for a shell, on one line: as quoteWord, with each newline written as
 * `'"$isuops_n"'` (the line must define it first: NEWLINE_VAR).
 */
export function lineQuote(word: string): string {
  return word.includes('\n') ? word.split('\n').map(quoteWord).join('"$isuops_n"') : quoteWord(word);
}
