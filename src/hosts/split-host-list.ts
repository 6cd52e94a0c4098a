import { UsageError } from '../errors.js';

const CLOSERS: Record<string, string> = { '[': ']', '{': '}' };

/**
 * Splits a `-H`/`-x` value on commas and whitespace, but not inside `[...]` or `{...}`,
 * so `isu[1,3],web{a,b}` is two words. Throws UsageError on an unclosed or stray bracket.
 */
export function splitHostList(text: string): string[] {
  const words: string[] = [];
  const stack: string[] = [];
  let word = '';
  for (const ch of text) {
    if (stack.length === 0 && (ch === ',' || /\s/.test(ch))) {
      if (word !== '') words.push(word);
      word = '';
      continue;
    }
    if (ch in CLOSERS) {
      stack.push(CLOSERS[ch]!);
    } else if (ch === ']' || ch === '}') {
      if (stack.at(-1) !== ch) throw new UsageError(`bad host list "${text}": "${ch}" without a matching opening bracket`);
      stack.pop();
    }
    word += ch;
  }
  if (stack.length > 0) {
    const opener = stack.at(-1) === ']' ? '[' : '{';
    throw new UsageError(`bad host list "${text}": "${opener}" is never closed`);
  }
  if (word !== '') words.push(word);
  return words;
}
