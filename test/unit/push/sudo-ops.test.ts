import { describe, expect, it } from 'vitest';
import { planSource } from '../../../src/ops/push/plan.js';
import type { LocalEntry } from '../../../src/ops/push/types.js';
import { buildSudoOps } from '../../../src/ops/push/write-sudo.js';

const file = (rel: string, mode: number): LocalEntry => ({ rel, localPath: '/src/x.conf', type: 'file', mode, size: 10, mtime: 1600000000 });

describe('buildSudoOps', () => {
  it.each([
    ['a plain mode travels with the staged file', 0o644, '-', '-', 0o644],
    ['setuid/setgid/sticky bits are set by root after the copy', 0o4755, '-', '04755', 0o755],
    ['--chown: root chowns, then sets the mode (chown clears setuid)', 0o2755, '1000:1000', '02755', 0o755],
  ])('%s', (_name, mode, owner, opMode, stagedMode) => {
    const entries = [file('', mode)];
    const plan = planSource('/etc/x.conf', entries, new Map(), [], { checksum: false, sameContent: new Map(), delete: false });
    const { ops, uploads } = buildSudoOps([plan], '/tmp/.stage', owner);
    expect(ops).toEqual([['F', '/tmp/.stage/0', '/etc/x.conf', opMode, owner, '-']]);
    expect(uploads).toEqual([{ local: '/src/x.conf', remote: '/tmp/.stage/0', size: 10, mode: stagedMode, mtime: 1600000000 }]);
  });
});
