import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFileCommand, HISTORY_WINDOW_BYTES, parseFileMarker, parseTailNotice, type FilePosition } from '../../../src/ops/tail/file-command.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-tail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const marker = '@isuops:t:';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the follower script with a real sh and tail; `during` acts on the file while it follows. */
async function follow(script: string, during: () => Promise<void> = async () => {}): Promise<{ stdout: Buffer; stderr: string }> {
  const child = spawn('/bin/sh', ['-c', script]);
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await sleep(300);
  await during();
  await sleep(400);
  child.kill('SIGTERM');
  await new Promise((r) => child.on('close', r));
  return { stdout: Buffer.concat(out), stderr };
}

/** GNU tail itself: the oracle for history. */
const tailN = (file: string, n: number) => spawnSync('tail', ['-n', String(n), file]).stdout;

function makeFile(name: string, content: string | Buffer): { file: string; inode: string } {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return { file, inode: spawnSync('stat', ['-c', '%i', file]).stdout.toString().trim() };
}

describe.concurrent('buildFileCommand: history agrees with tail -n', () => {
  const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1} ${'é'.repeat(i % 3)}`).join('\n');
  it.each([
    ['ends with a newline', `${lines}\n`, 10],
    ['ends with a partial line', `${lines}\npartial`, 3],
    ['no history', `${lines}\n`, 0],
    ['more asked than there are', `${lines}\n`, 100],
    ['empty file', '', 10],
    ['blank lines', '\n\n\na\n\n', 2],
    ['no newline at all', 'just one', 5],
  ])('%s (content %j, -n %i)', async (name, content, n) => {
    const { file, inode } = makeFile(`${name.replace(/ /g, '-')}.log`, content);
    const r = await follow(buildFileCommand(file, { lines: n, marker }));
    expect(r.stdout).toEqual(tailN(file, n));
    expect(r.stderr).toBe(`${marker}start:${inode}:${Buffer.byteLength(content) - tailN(file, n).length}\n`);
  });

  it('a file past the 4 MiB window still gives the last lines whole', async () => {
    const row = `${'y'.repeat(99)}\n`;
    const { file } = makeFile('big.log', row.repeat(Math.ceil((HISTORY_WINDOW_BYTES * 1.5) / row.length)));
    const r = await follow(buildFileCommand(file, { lines: 7, marker }));
    expect(r.stdout).toEqual(tailN(file, 7));
  });

  it('a path with spaces and quotes is passed whole', async () => {
    const { file } = makeFile(`it's a "log".log`, 'one\ntwo\n');
    expect((await follow(buildFileCommand(file, { lines: 1, marker }))).stdout.toString()).toBe('two\n');
  });

  it('then follows appended bytes', async () => {
    const { file } = makeFile('grow.log', 'a\nb\n');
    const r = await follow(buildFileCommand(file, { lines: 1, marker }), async () => appendFileSync(file, 'c\nd'));
    expect(r.stdout.toString()).toBe('b\nc\nd');
  });
});

describe.concurrent('buildFileCommand: resume', () => {
  const cases: Array<[string, (inode: string) => FilePosition, string, string]> = [
    ['same inode: from the offset', (inode) => ({ inode, offset: 4 }), 'c\nd\n', `start:INODE:4`],
    ['inode unknown (after a rotation was followed): from the offset', () => ({ offset: 6 }), 'd\n', `start:INODE:6`],
    ['at the end: nothing yet', (inode) => ({ inode, offset: 8 }), '', `start:INODE:8`],
    ['another inode: rotated, from the beginning', () => ({ inode: '1', offset: 4 }), 'a\nb\nc\nd\n', 'rotated\n@isuops:t:start:INODE:0'],
    ['shorter than the offset: truncated, from the beginning', (inode) => ({ inode, offset: 100 }), 'a\nb\nc\nd\n', 'rotated\n@isuops:t:start:INODE:0'],
  ];
  it.each(cases)('%s', async (name, position, expected, said) => {
    const { file, inode } = makeFile(`resume-${name.replace(/\W+/g, '-')}.log`, 'a\nb\nc\nd\n');
    const r = await follow(buildFileCommand(file, { lines: 10, marker, resume: position(inode) }));
    expect(r.stdout.toString()).toBe(expected);
    expect(r.stderr).toBe(`${marker}${said.replace('INODE', inode)}\n`);
  });

  it('a file gone while away is waited for and read whole', async () => {
    const file = path.join(dir, 'gone.log');
    // tail -F looks for a missing file once a second.
    const r = await follow(buildFileCommand(file, { lines: 10, marker, resume: { offset: 10 } }), async () => {
      writeFileSync(file, 'new\n');
      await sleep(1500);
    });
    expect(r.stdout.toString()).toBe('new\n');
    expect(r.stderr).toMatch(new RegExp(`^${marker}rotated\n${marker}start::0\ntail: cannot open`));
  });
});

describe('tail -F notices (real GNU tail is the oracle)', () => {
  it('replaced and truncated are recognised, other messages are not', async () => {
    const { file } = makeFile('rotate.log', 'one\n');
    const r = await follow(`LC_ALL=C exec tail -F -n 0 -- '${file}'`, async () => {
      renameSync(file, `${file}.1`);
      writeFileSync(file, 'two\n');
      await sleep(1500);
      truncateSync(file, 0);
      await sleep(1500);
      rmSync(file);
      await sleep(1500);
      writeFileSync(file, 'three\n');
      await sleep(1500);
    });
    const notices = r.stderr.split('\n').filter((l) => l !== '').map((l) => ({ line: l, kind: parseTailNotice(Buffer.from(l)) }));
    // A rename shows as "replaced", or as "inaccessible" then "appeared", depending on timing.
    expect(notices.map((n) => n.kind).filter((k) => k !== undefined)).toEqual(['replaced', 'truncated', 'replaced']);
    expect(notices.filter((n) => n.kind === undefined).every((n) => /has become inaccessible/.test(n.line))).toBe(true);
    expect(r.stdout.toString()).toBe('two\nthree\n');
  }, 15_000);
});

describe('parseFileMarker', () => {
  it.each([
    [`${marker}start:123:45`, { start: { inode: '123', offset: 45 } }],
    [`${marker}start::0`, { start: { inode: undefined, offset: 0 } }],
    [`${marker}rotated`, { rotated: true }],
    [`${marker}start:12`, undefined],
    [`${marker}4242`, undefined],
    [`other:start:1:2`, undefined],
    [`tail: ${marker}start:1:2`, undefined],
  ])('%j', (line, expected) => {
    expect(parseFileMarker(Buffer.from(line), marker)).toEqual(expected);
  });
});
