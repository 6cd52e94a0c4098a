import { describe, expect, it } from 'vitest';
import { joinLines } from '../../../src/remote/one-line.js';

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

