import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../src/ops/events.js';
import type { TailEvent } from '../../../src/ops/tail/events.js';
import { createTailJsonRenderer } from '../../../src/render/tail-json.js';
import { createTailTextRenderer } from '../../../src/render/tail-text.js';

function capture(isTTY = false) {
  const stdout = Object.assign(new PassThrough(), { isTTY, writes: 0 });
  const stderr = Object.assign(new PassThrough(), { isTTY });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (d: Buffer) => {
    out.push(d);
    stdout.writes += 1;
  });
  stderr.on('data', (d: Buffer) => err.push(d));
  return { streams: { stdout, stderr }, stdout: () => Buffer.concat(out).toString(), stderr: () => Buffer.concat(err).toString(), writes: () => stdout.writes };
}

const line = (host: string, text: string, target?: string, time?: number): HostEvent => ({ type: 'stdout', host, line: Buffer.from(text), target, ...(time ? { time } : {}) }) as HostEvent;
const block = (host: string, text: string, target = 'nginx'): TailEvent => ({ type: 'stdout-lines', host, target, lines: Buffer.from(text) });
const tick = () => new Promise((r) => setImmediate(r));

describe('createTailTextRenderer', () => {
  it.each([
    ['one target: host: line', false, false, 'isu01: a\nisu10: b\n'],
    ['several targets: host target: line', true, false, 'isu01 nginx: a\nisu10 nginx: b\n'],
    ['a TTY pads before the colon', false, true, 'isu01: a\nisu10: b\n'],
  ])('%s', async (_name, showTarget, tty, expected) => {
    const c = capture(tty);
    const r = createTailTextRenderer(c.streams, { hosts: ['isu01', 'isu10'], color: false, showTarget });
    r.handle(line('isu01', 'a', 'nginx'));
    r.handle(line('isu10', 'b', 'nginx'));
    await r.finish([]);
    await tick();
    expect(c.stdout()).toBe(expected);
  });

  it('lines of one turn go out in one write; stderr events flush what came before', async () => {
    const c = capture();
    const r = createTailTextRenderer(c.streams, { hosts: ['h'], color: false, showTarget: false });
    for (let i = 0; i < 1000; i++) r.handle(line('h', `line ${i}`));
    await tick();
    expect(c.writes()).toBe(1);
    expect(c.stdout().split('\n').slice(0, -1)).toEqual(Array.from({ length: 1000 }, (_, i) => `h: line ${i}`));
    r.handle(line('h', 'last'));
    r.handle({ type: 'notice', host: 'h', message: 'reconnected' });
    expect(c.stdout().endsWith('h: last\n')).toBe(true);
    expect(c.stderr()).toBe('isuops: h: reconnected\n');
  });

  it.each([
    ['one target', false, 'a: 1\na: 2\nb: x\na: 3\n'],
    ['several targets', true, 'a nginx: 1\na nginx: 2\nb nginx: x\na nginx: 3\n'],
  ])('a block of lines: every line labelled, in order (%s)', async (_name, showTarget, expected) => {
    const c = capture();
    const r = createTailTextRenderer(c.streams, { hosts: ['a', 'b'], color: false, showTarget });
    r.handle(block('a', '1\n2\n'));
    r.handle(block('b', 'x\n'));
    r.handle(line('a', '3', 'nginx'));
    await r.finish([]);
    await tick();
    expect(c.stdout()).toBe(expected);
  });

  it('blocks bigger than one batch still go out whole and in order', async () => {
    const c = capture();
    const r = createTailTextRenderer(c.streams, { hosts: ['h'], color: false, showTarget: false });
    const long = 'y'.repeat(3 << 20);
    const lines = Array.from({ length: 30_000 }, (_, i) => `line ${i} ${'x'.repeat(100)}`);
    r.handle(block('h', `${lines.join('\n')}\n${long}\n`));
    await r.finish([]);
    await tick();
    expect(c.stdout()).toBe(`${lines.map((l) => `h: ${l}`).join('\n')}\nh: ${long}\n`);
  });

  it('colours a host the same on every line', async () => {
    const c = capture();
    const r = createTailTextRenderer(c.streams, { hosts: ['a', 'b'], color: true, showTarget: false });
    r.handle(line('a', '1'));
    r.handle(line('b', '2'));
    r.handle(line('a', '3'));
    await r.finish([]);
    await tick();
    expect(c.stdout()).toBe('\u001b[36ma\u001b[39m: 1\n\u001b[32mb\u001b[39m: 2\n\u001b[36ma\u001b[39m: 3\n');
  });
});

describe('createTailJsonRenderer', () => {
  it('one object per line: {host, target, line, time}', async () => {
    const c = capture();
    const r = createTailJsonRenderer(c.streams, { hosts: ['isu01'] });
    r.handle(line('isu01', 'GET / 200', 'nginx', Date.UTC(2024, 0, 2, 3, 4, 5, 6)));
    r.handle({ ...line('isu01', '', 'isu-go', Date.UTC(2024, 0, 2)), line: Buffer.from([0x62, 0x61, 0x64, 0x20, 0xff]) } as HostEvent);
    r.handle({ type: 'stderr', host: 'isu01', target: 'nginx', line: Buffer.from('tail: cannot open') });
    await r.finish([]);
    await tick();
    expect(c.stdout().split('\n').slice(0, -1).map((l) => JSON.parse(l))).toEqual([
      { host: 'isu01', target: 'nginx', line: 'GET / 200', time: '2024-01-02T03:04:05.006Z' },
      { host: 'isu01', target: 'isu-go', line: 'bad \ufffd', time: '2024-01-02T00:00:00.000Z' },
    ]);
    expect(c.stderr()).toBe('isu01 nginx: tail: cannot open\n');
  });

  it('a block of lines: one object per line', async () => {
    const c = capture();
    const r = createTailJsonRenderer(c.streams, { hosts: ['isu01'] });
    r.handle(block('isu01', 'GET / 200\n\nbad \xff\n'));
    await r.finish([]);
    await tick();
    const objects = c.stdout().split('\n').slice(0, -1).map((l) => JSON.parse(l));
    expect(objects.map(({ host, target, line }) => ({ host, target, line }))).toEqual([
      { host: 'isu01', target: 'nginx', line: 'GET / 200' },
      { host: 'isu01', target: 'nginx', line: '' },
      { host: 'isu01', target: 'nginx', line: 'bad \xff' },
    ]);
    expect(objects.every((o) => !Number.isNaN(Date.parse(o.time)))).toBe(true);
  });
});
