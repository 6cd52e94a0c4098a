import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { joinLines, lineQuote, NEWLINE_VAR } from '../../../src/remote/one-line.js';

describe('joinLines', () => {
  it.each([
    ['a\nb', 'a;b'],
    ['if x; then\ny\nelse\nz\nfi', 'if x; then y;else z;fi'],
    ['f() {\ny\n}\ng', 'f() { y;};g'],
    ['while a; do\nb\ndone', 'while a; do b;done'],
    ['a &&\nb ||\nc |\nd', 'a && b || c | d'],
    ['(a &)\nb', '(a &);b'],
    ['echo done\necho then', 'echo done;echo then'],
  ])('%j -> %j', (text, line) => expect(joinLines(text)).toBe(line));
});

describe('lineQuote', () => {
  it.each([
    ['plain', 'plain'],
    ["it's", `'it'\\''s'`],
    ['a\nb', `a"$isuops_n"b`],
    ["x 'y'\n\nz", `'x '\\''y'\\'''"$isuops_n"''"$isuops_n"z`],
  ])('%j -> %s, which sh reads back unchanged', (word, quoted) => {
    expect(lineQuote(word)).toBe(quoted);
    expect(quoted.includes('\n')).toBe(false);
    expect(execFileSync('/bin/sh', ['-c', `${NEWLINE_VAR};printf %s ${quoted}`]).toString()).toBe(word);
  });
});
