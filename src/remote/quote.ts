/**
 * The one quoting helper for text that a remote (or copy-pasted) POSIX shell parses: a word made
 * only of characters no shell treats specially goes bare, anything else in single quotes (a `'`
 * as `'\''`). Every byte stays data: `$`, backquotes, newlines, globs, non-ASCII.
 */
export function quoteWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `words` as one command line: each word quoted by quoteWord, joined by spaces. */
export function quoteCommand(words: readonly string[]): string {
  return words.map(quoteWord).join(' ');
}
