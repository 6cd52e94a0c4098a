// A line that ends with one of these continues on the next: joined by a space, not a `;`.
const CONTINUES = /(?:^|[\s;])(?:then|do|else|in)$|(?:\{|\(|&&|\|\||\||&|;)$/;

/**
 * A compacted script (see compactScript) as one line, for the head of an exec request (the
 * command that follows it is then on line 1, as under ssh): each line break becomes `;`, or a space
 * after a word or operator that the next line continues (`then`, `do`, `{`, `&&`, `|`, `&`...).
 * The scripts joined this way avoid `case` and strings across lines.
 */
export function joinLines(script: string): string {
  const lines = script.split('\n');
  return lines.reduce((out, line, i) => (i === 0 ? line : `${out}${CONTINUES.test(lines[i - 1]) ? ' ' : ';'}${line}`), '');
}
