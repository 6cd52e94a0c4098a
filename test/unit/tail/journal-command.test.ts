import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildJournalCommand } from '../../../src/ops/tail/journal-command.js';

// The journalctl words as the host's journalctl gets them: the command runs here through a real
// `sh -c`, with a journalctl on PATH that prints its arguments, one per NUL.
const bin = mkdtempSync(path.join(os.tmpdir(), 'isuops-journal-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));
writeFileSync(path.join(bin, 'journalctl'), '#!/bin/sh\nprintf "%s\\0" "$@"\n');
chmodSync(path.join(bin, 'journalctl'), 0o755);
const words = (text: string, PATH = `${bin}:/usr/bin:/bin`) =>
  execFileSync('/bin/sh', ['-c', text], { env: { PATH } }).toString().split('\0').slice(0, -1);

describe('buildJournalCommand', () => {
  it.each([
    ['isu-go', { lines: 10 }, ['--lines=10']],
    ['isu-go', { lines: 0 }, ['--lines=0']],
    ['isu-go', { lines: 10, since: '10 min ago' }, ['--since=10 min ago', '--lines=all']],
    ['isu-go', { lines: 10, afterCursor: 's=1;i=2;b=3' }, ['--after-cursor=s=1;i=2;b=3', '--lines=all']],
    ['isu-go', { lines: 10, since: 'today', afterCursor: 'c' }, ['--after-cursor=c', '--lines=all']],
    ["it's.service", { lines: 3 }, ['--lines=3']],
  ])('%s %j', (unit, opts, tail) => {
    expect(words(buildJournalCommand(unit, opts))).toEqual(['--follow', '--no-pager', '--output=json', `--unit=${unit}`, ...tail]);
  });
  it('a host without journalctl hears so and gets 127', () => {
    let err: { status: number; stderr: Buffer } | undefined;
    try {
      execFileSync('/bin/sh', ['-c', buildJournalCommand('x', { lines: 1 })], { env: { PATH: '/nonexistent' }, stdio: 'pipe' });
    } catch (e) {
      err = e as { status: number; stderr: Buffer };
    }
    expect([err?.status, err?.stderr.toString()]).toEqual([127, 'journalctl: command not found (no systemd journal on this host)\n']);
  });
});
