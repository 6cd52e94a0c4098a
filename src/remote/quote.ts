// A byte that is not UTF-8 as isuops carries it (core/byte-names.ts: a lone surrogate U+DC00+byte);
// remote/ imports nothing of the rest, so the convention is restated here.
const RAW_BYTE = /[\udc80-\udcff]/u;
const hasRawBytes = (s: string): boolean => RAW_BYTE.test(s);

/**
 * The one quoting helper for text that a remote (or copy-pasted) POSIX shell parses: a word made
 * only of characters no shell treats specially goes bare, anything else in single quotes (a `'`
 * as `'\''`). Every byte stays data: `$`, backquotes, newlines, globs, non-ASCII.
 */
export function quoteWord(word: string): string {
  if (hasRawBytes(word)) return quoteRawWord(word);
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * A word holding bytes that are not UTF-8 (core/byte-names.ts): the command line itself stays
 * UTF-8 (ssh sends it as a string), each run of such bytes is made by `printf` with octal escapes
 * in a command substitution (POSIX sh, dash, busybox ash): `'caf'"$(printf '\351')"'.txt'`.
 */
function quoteRawWord(word: string): string {
  return word
    .split(/([\udc80-\udcff]+)/u)
    .filter((part) => part !== '')
    .map((part) => (hasRawBytes(part) ? `"$(printf '${[...part].map((c) => `\\${(c.charCodeAt(0) - 0xdc00).toString(8)}`).join('')}')"` : `'${part.replace(/'/g, `'\\''`)}'`))
    .join('');
}

/** `words` as one command line: each word quoted by quoteWord, joined by spaces. */
export function quoteCommand(words: readonly string[]): string {
  return words.map(quoteWord).join(' ');
}
