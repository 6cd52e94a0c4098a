import { describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../src/ops/events.js';
import { makeResult } from '../../../src/ops/result.js';
import { shouldColor } from '../../../src/render/colors.js';
import { createGatherRenderer } from '../../../src/render/gather.js';
import { createJsonRenderer } from '../../../src/render/json.js';
import { createStreamRenderer } from '../../../src/render/stream.js';
import { formatSummary } from '../../../src/render/summary.js';
import type { OutStream } from '../../../src/render/types.js';

/** A captured stream: every write() kept as one chunk, so "one write per line" can be checked. */
function capture(isTTY = false): OutStream & { chunks: string[]; text: () => string } {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (c) => (chunks.push(Buffer.from(c).toString('latin1')), true), text: () => chunks.join('') };
}

const out = (host: string, line: string): HostEvent => ({ type: 'stdout', host, line: Buffer.from(line, 'latin1') });
const err = (host: string, line: string): HostEvent => ({ type: 'stderr', host, line: Buffer.from(line, 'latin1') });
// A piece of a line cut at MAX_LINE_BYTES: the line goes on in the next event.
const cut = (host: string, line: string): HostEvent => ({ type: 'stdout', host, line: Buffer.from(line, 'latin1'), partial: true });

describe('stream renderer', () => {
  it.each([
    ['pipe: plain `host: line`, one write per line', false, [out('a', 'x'), out('long-host', 'y')], ['a: x\n', 'long-host: y\n']],
    ['TTY: names padded before the colon', true, [out('a', 'x'), out('long-host', 'y')], ['a        : x\n', 'long-host: y\n']],
    ['bytes that are not UTF-8 unchanged', false, [out('a', '\xff\xfe')], ['a: \xff\xfe\n']],
    ['an empty line keeps its prefix', false, [out('a', '')], ['a: \n']],
    ['the pieces of a cut line: each but the last ends in a backslash', false, [cut('a', 'xx'), cut('a', 'yy'), out('a', 'z')], ['a: xx\\\n', 'a: yy\\\n', 'a: z\n']],
  ])('%s', (_name, tty, events, expected) => {
    const stdout = capture(tty);
    const stderr = capture(tty);
    const r = createStreamRenderer({ stdout, stderr }, { hosts: ['a', 'long-host'], color: false });
    for (const e of events) r.handle(e);
    expect(stdout.chunks).toEqual(expected);
    expect(stderr.chunks).toEqual([]);
  });

  it('stderr lines and host errors go to stderr', () => {
    const stdout = capture();
    const stderr = capture();
    const r = createStreamRenderer({ stdout, stderr }, { hosts: ['a'], color: false });
    r.handle(err('a', 'oops'));
    r.handle({ type: 'done', host: 'a', result: makeResult('a', 'unreachable', { error: 'connection refused by 1.2.3.4:22' }) });
    r.handle({ type: 'done', host: 'a', result: makeResult('a', 'ok') });
    expect(stdout.text()).toBe('');
    expect(stderr.chunks).toEqual(['a: oops\n', 'isuops: a: connection refused by 1.2.3.4:22\n']);
  });

  it('colours host names only when asked', () => {
    const stdout = capture();
    createStreamRenderer({ stdout, stderr: capture() }, { hosts: ['a', 'b'], color: true }).handle(out('b', 'x'));
    expect(stdout.text()).toMatch(/^\u001b\[\d+ma\u001b\[39m: x\n$|^\u001b\[\d+mb\u001b\[39m: x\n$/);
  });
});

describe('gather renderer', () => {
  it('folds identical stdout under one header, in host order', async () => {
    const stdout = capture();
    const r = createGatherRenderer({ stdout, stderr: capture() }, { hosts: ['isu01', 'isu02', 'isu03'], color: false });
    for (const e of [out('isu03', 'same'), out('isu02', 'other'), out('isu01', 'same')]) r.handle(e);
    await r.finish([]);
    expect(stdout.text()).toBe('---------------\nisu[01,03] (2)\n---------------\nsame\n---------------\nisu02 (1)\n---------------\nother\n');
  });
});

describe('json renderer', () => {
  it('one object per host when done, output joined, extra result fields kept', () => {
    const stdout = capture();
    const r = createJsonRenderer({ stdout, stderr: capture() });
    r.handle(out('a', 'one'));
    r.handle(err('a', 'warn'));
    r.handle(out('a', 'two'));
    r.handle({ type: 'done', host: 'a', result: { ...makeResult('a', 'failed', { exitCode: 3, error: 'exit code 3', durationMs: 5 }), changes: [] } as never });
    expect(JSON.parse(stdout.text())).toEqual({
      host: 'a', ok: false, status: 'failed', exitCode: 3, signal: null, timedOut: false, error: 'exit code 3',
      stdout: 'one\ntwo\n', stderr: 'warn\n', durationMs: 5, changes: [],
    });
  });
});

describe('the pieces of a cut line are joined again', () => {
  it('by -b and --json', async () => {
    const stdout = capture();
    const g = createGatherRenderer({ stdout, stderr: capture() }, { hosts: ['a'], color: false });
    for (const e of [cut('a', 'xx'), cut('a', 'yy'), out('a', 'z'), out('a', 'w')]) g.handle(e);
    await g.finish([]);
    expect(stdout.text()).toBe(`${'-'.repeat(15)}\na (1)\n${'-'.repeat(15)}\nxxyyz\nw\n`);
    const json = capture();
    const j = createJsonRenderer({ stdout: json, stderr: capture() });
    for (const e of [cut('a', 'xx'), out('a', 'z')]) j.handle(e);
    j.handle({ type: 'done', host: 'a', result: makeResult('a', 'ok') });
    await j.finish([]);
    expect(JSON.parse(json.text()).stdout).toBe('xxz\n');
  });
});

describe('summary', () => {
  it.each([
    [['ok', 'ok'], 'isuops: 2 hosts: 2 ok, 0 failed, 0 unreachable, 0 timed out in 1.5s\n'],
    [['ok', 'failed', 'unreachable', 'timeout'], 'isuops: 4 hosts: 1 ok, 1 failed, 1 unreachable, 1 timed out in 1.5s\nisuops: failed hosts: h1,h2,h3\n'],
    [['interrupted', 'ok'], 'isuops: 2 hosts: 1 ok, 0 failed, 0 unreachable, 0 timed out, 1 interrupted in 1.5s\nisuops: failed hosts: h0\n'],
  ] as const)('%j', (statuses, expected) => {
    expect(formatSummary(statuses.map((s, i) => makeResult(`h${i}`, s)), 1500)).toBe(expected);
  });
});

describe('shouldColor', () => {
  it.each([
    ['auto', true, {}, true],
    ['auto', false, {}, false],
    ['auto', true, { NO_COLOR: '1' }, false],
    ['auto', true, { NO_COLOR: '' }, true],
    ['auto', false, { FORCE_COLOR: '1' }, true],
    ['auto', true, { FORCE_COLOR: '0' }, false],
    ['always', false, { NO_COLOR: '1' }, true],
    ['never', true, { FORCE_COLOR: '1' }, false],
  ] as const)('%s tty=%s env=%j -> %s', (mode, tty, env, expected) => {
    expect(shouldColor(mode, tty, env)).toBe(expected);
  });
});
