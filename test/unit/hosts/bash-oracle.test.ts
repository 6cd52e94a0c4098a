import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { expandHostList } from '../../../src/hosts/expand-host-list.js';

// bash itself is the oracle for brace ranges: `printf '%s\n' WORD` prints its expansion
function bashExpand(word: string): string[] {
  return execFileSync('bash', ['-c', `printf '%s\\n' ${word}`], { encoding: 'utf8' }).split('\n').filter((l) => l !== '');
}

describe('brace ranges in expandHostList agree with bash', () => {
  it.each([
    'isu{01..05}',
    'isu{8..11}',
    'isu{08..11}',
    '{web,app}1',
    '{web,app}{1..2}',
    'isu-{1..2}.example.com',
    'a{1..7..3}',
    'isu{05..03}',
    'x{a}',
    'x{,y}',
  ])('%s', (word) => {
    expect(expandHostList(word)).toEqual(bashExpand(word));
  });
});
