import { describe, expect, it } from 'vitest';
import { makeStderrSorter, NO_JOURNALCTL } from '../../../src/ops/tail/follower-stderr.js';
import type { TailTarget } from '../../../src/ops/tail/targets.js';

const file: TailTarget = { kind: 'file', label: '/var/log/s.log', path: '/var/log/s.log' };
const unit: TailTarget = { kind: 'unit', label: 'app', unit: 'app' };
const denied = "tail: cannot open '/var/log/s.log' for reading: Permission denied";

describe('makeStderrSorter', () => {
  it.each([
    ['a file, without --sudo: the first denial with the hint, the next ones dropped', file, false, [denied, denied, 'tail: other'], [`notice /var/log/s.log: cannot open '/var/log/s.log' for reading: Permission denied (try --sudo); said once, tail keeps trying`, 'drop', 'line']],
    ['a file with --sudo: lines as they are', file, true, [denied, denied], ['line', 'line']],
    ['a unit: a missing journalctl held for the end', unit, false, [NO_JOURNALCTL], ['drop']],
    ['a unit with no unit file and no entries', unit, false, ['isuops-journal: no-unit app.service', 'journalctl: other'], ['notice app: no unit file for app.service and no journal entries on this host: following it anyway (a typo?)', 'line']],
  ])('%s', (_name, target, sudo, lines, expected) => {
    const sorter = makeStderrSorter(target, sudo);
    expect(lines.map((l) => sorter.sort(Buffer.from(l))).map((v) => (v.kind === 'notice' ? `notice ${v.message}` : v.kind))).toEqual(expected);
  });

  it('held() gives the missing journalctl line', () => {
    const sorter = makeStderrSorter(unit, false);
    sorter.sort(Buffer.from(NO_JOURNALCTL));
    expect(sorter.held()).toBe(NO_JOURNALCTL);
  });
});
