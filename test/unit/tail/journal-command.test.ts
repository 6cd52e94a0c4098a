import { describe, expect, it } from 'vitest';
import { parse } from 'shell-quote';
import { buildJournalCommand } from '../../../src/ops/tail/journal-command.js';

// The journalctl words as the remote shell will see them (the last line is `exec journalctl ...`).
const words = (text: string) => (parse(text.split('\n').at(-1)!) as string[]).slice(1);

describe('buildJournalCommand', () => {
  it.each([
    ['isu-go', { lines: 10 }, ['--lines=10']],
    ['isu-go', { lines: 0 }, ['--lines=0']],
    ['isu-go', { lines: 10, since: '10 min ago' }, ['--since=10 min ago', '--lines=all']],
    ['isu-go', { lines: 10, afterCursor: 's=1;i=2;b=3' }, ['--after-cursor=s=1;i=2;b=3', '--lines=all']],
    ['isu-go', { lines: 10, since: 'today', afterCursor: 'c' }, ['--after-cursor=c', '--lines=all']],
    ["it's.service", { lines: 3 }, ['--lines=3']],
  ])('%s %j', (unit, opts, tail) => {
    expect(words(buildJournalCommand(unit, opts))).toEqual(['journalctl', '--follow', '--no-pager', '--output=json', `--unit=${unit}`, ...tail]);
  });
});
