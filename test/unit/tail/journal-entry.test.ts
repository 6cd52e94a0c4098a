import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatShortIso, parseJournalLine } from '../../../src/ops/tail/journal-entry.js';

// date(1) is the oracle for journalctl's short-iso time stamp (%Y-%m-%dT%H:%M:%S%z), in this process's zone.
const dateOracle = (ms: number) => spawnSync('date', ['-d', `@${Math.floor(ms / 1000)}`, '+%Y-%m-%dT%H:%M:%S%z'], { env: process.env }).stdout.toString().trim();

describe('formatShortIso', () => {
  it.each([0, 1_700_000_000_123, 1_795_676_546_153, 951_782_400_000, 2_000_000_000_999])('%i', (ms) => {
    expect(formatShortIso(ms)).toBe(dateOracle(ms));
  });
});

const entry = (fields: Record<string, unknown>) => Buffer.from(JSON.stringify({ __CURSOR: 's=a;i=1', __REALTIME_TIMESTAMP: '1795676546153146', ...fields }));
const stamp = dateOracle(1_795_676_546_153);

describe('parseJournalLine', () => {
  it.each([
    ['identifier and pid', { MESSAGE: 'hello', SYSLOG_IDENTIFIER: 'isu-go', _PID: '42' }, [`${stamp} isu-go[42]: hello`]],
    ['SYSLOG_PID wins over _PID', { MESSAGE: 'x', SYSLOG_IDENTIFIER: 'app', SYSLOG_PID: '7', _PID: '42' }, [`${stamp} app[7]: x`]],
    ['no identifier: _COMM', { MESSAGE: 'x', _COMM: 'isu-go' }, [`${stamp} isu-go: x`]],
    ['binary message as bytes', { MESSAGE: [104, 105, 0xff], SYSLOG_IDENTIFIER: 'a' }, [Buffer.concat([Buffer.from(`${stamp} a: hi`), Buffer.from([0xff])]).toString('latin1')]],
    ['multi-line message is indented', { MESSAGE: 'one\ntwo\n', SYSLOG_IDENTIFIER: 'a' }, [`${stamp} a: one`, `${' '.repeat(`${stamp} a: `.length)}two`]],
    ['no message', { SYSLOG_IDENTIFIER: 'a' }, [`${stamp} a: `]],
  ])('%s', (_name, fields, expected) => {
    const parsed = parseJournalLine(entry(fields))!;
    expect(parsed.cursor).toBe('s=a;i=1');
    expect(parsed.time).toBe(1_795_676_546_153);
    expect(parsed.lines.map((l) => l.toString('latin1'))).toEqual(expected.map((e) => Buffer.from(e, e.includes('\u00ff') ? 'latin1' : 'utf8').toString('latin1')));
  });

  it.each([['not json'], ['{"MESSAGE":"no cursor"}'], ['[]'], ['null']])('%j is not an entry', (raw) => {
    expect(parseJournalLine(Buffer.from(raw))).toBeUndefined();
  });
});
