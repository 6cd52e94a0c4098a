import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { expandHostList } from '../../../src/hosts/expand-host-list.js';

// pdsh's exec module runs `echo %h` locally once per target, one at a time (-f 1), so its
// output is pdsh's own hostlist expansion, in order, with no network involved.
function pdshExpand(list: string): { hosts: string[]; ok: boolean } {
  const run = spawnSync('pdsh', ['-R', 'exec', '-f', '1', '-N', '-w', list, 'echo', '%h'], { encoding: 'utf8' });
  if (run.error) throw new Error(`pdsh is the oracle for host ranges and could not run: ${run.error.message}`);
  return { hosts: run.stdout.split('\n').filter((l) => l !== ''), ok: run.status === 0 && !run.stderr.includes('Invalid range') };
}

// Where isuops deliberately differs from pdsh (not checked here): an unclosed `[` is an error
// (pdsh keeps it literal), `isu[1-]` is an error (pdsh reads `1`), and three or more bracket
// groups are fully expanded (pdsh expands only the first two).
describe('expandHostList agrees with pdsh hostlist expansion', () => {
  it.each([
    'isu[01-03]',
    'isu[1,3,5-7]',
    'isu[08-11]',
    'isu[8-011]',
    'isu[10-011]',
    'isu[0-10]',
    'isu[00-10]',
    'isu[001-3]',
    'isu[98-101]',
    'isu[07]',
    'a[1-2]b',
    '[1-2]isu',
    'a[1-2]b[01-02]',
    'a[1-2]b[3-4]c',
    'isu[1-2],web[1-2]',
    'web[3-4],isu[1-2],a5',
    'isu[1-2,2]',
    '10.0.0.[1-3]',
  ])('%s', (list) => {
    const oracle = pdshExpand(list);
    expect(oracle.ok).toBe(true);
    expect(expandHostList(list)).toEqual(oracle.hosts);
  });

  it.each(['isu[05-01]', 'isu[a-3]', 'isu[1-3-5]', 'isu[-3]', 'isu[]', 'isu[1,,2]'])('both reject %s', (list) => {
    expect(pdshExpand(list).ok).toBe(false);
    expect(() => expandHostList(list)).toThrow(UsageError);
  });
});
