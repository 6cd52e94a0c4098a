import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { quoteCommand } from '../../../src/remote/quote.js';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSudoArgv, buildSudoCommands, rootFailure, type SudoOp } from '../../../src/ops/push/sudo-script.js';

// The root script is run here as the current user, through `sh -c` on the quoted command the
// host would get, minus `sudo -n --`: names with spaces, quotes and $(...) must stay data.
const root = mkdtempSync(path.join(os.tmpdir(), 'isuops-sudo-script-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const run = (ops: SudoOp[]): void => {
  execFileSync('/bin/sh', ['-c', quoteCommand(buildSudoArgv(ops).slice(3))], { cwd: root });
};
const EVIL = 'a b $(touch pwned) `x` \'q\' "d".conf';

describe('sudo script', () => {
  it('installs a staged file with mode and mtime, name kept literally, no temp left', () => {
    writeFileSync(path.join(root, 'staged'), 'new');
    run([['F', path.join(root, 'staged'), path.join(root, EVIL), '0640', '-', '1600000000']]);
    const st = lstatSync(path.join(root, EVIL));
    expect([readFileSync(path.join(root, EVIL), 'utf8'), (st.mode & 0o777).toString(8), Math.floor(st.mtimeMs / 1000)]).toEqual(['new', '640', 1600000000]);
    expect(readdirSync(root).filter((n) => n.includes('isuops-') || n === 'pwned')).toEqual([]);
  });
  it("installs a staged file as it was staged (mode, mtime) when the op leaves them alone ('-')", () => {
    const staged = path.join(root, 'staged-attrs');
    writeFileSync(staged, 'staged');
    execFileSync('chmod', ['0604', staged]);
    execFileSync('touch', ['-d', '@1500000000', staged]);
    run([['F', staged, path.join(root, 'kept'), '-', '-', '-']]);
    const st = lstatSync(path.join(root, 'kept'));
    expect([readFileSync(path.join(root, 'kept'), 'utf8'), (st.mode & 0o7777).toString(8), Math.floor(st.mtimeMs / 1000)]).toEqual(['staged', '604', 1500000000]);
  });
  it('G installs every staged file of a directory under its own name (any bytes), replacing what was there; no temp left', () => {
    const stage = path.join(root, 'stage-g');
    const dest = path.join(root, 'dest-g');
    mkdirSync(stage);
    mkdirSync(dest);
    const names = [EVIL, '.hidden', '..dots', '*', 'new\nline', '-n'];
    names.forEach((n, i) => {
      writeFileSync(path.join(stage, n), `v${i}`);
      execFileSync('touch', ['-d', '@1400000000', path.join(stage, n)]);
    });
    writeFileSync(path.join(dest, '.hidden'), 'old');
    run([['G', stage, dest, '-', '-', '-']]);
    expect(readdirSync(dest).sort()).toEqual([...names].sort());
    expect(names.map((n) => readFileSync(path.join(dest, n), 'utf8'))).toEqual(names.map((_, i) => `v${i}`));
    expect(Math.floor(lstatSync(path.join(dest, '*')).mtimeMs / 1000)).toBe(1400000000);
    expect(readdirSync(root).filter((n) => n === 'pwned')).toEqual([]);
  });
  it('G with a directory in the way fails, names the directory and removes its temp directory', () => {
    const stage = path.join(root, 'stage-g2');
    const dest = path.join(root, 'dest-g2');
    mkdirSync(stage);
    mkdirSync(path.join(dest, 'busy'), { recursive: true });
    writeFileSync(path.join(stage, 'busy'), 'x');
    writeFileSync(path.join(stage, 'fine'), 'y');
    expect(() => run([['G', stage, dest, '-', '-', '-']])).toThrow(/could not write files into/);
    expect(readdirSync(dest).filter((n) => n.startsWith('.isuops-'))).toEqual([]);
  });
  it('replaces a symlink with a link to a new target', () => {
    run([['L', 'target two', path.join(root, 'ln'), '-', '-', '1600000000']]);
    expect(readlinkSync(path.join(root, 'ln'))).toBe('target two');
  });
  it('R removes an empty directory in the way; a non-empty one stays, and the host hears why', () => {
    mkdirSync(path.join(root, 'way-empty'));
    mkdirSync(path.join(root, 'way-full'));
    writeFileSync(path.join(root, 'way-full', 'keep'), 'k');
    run([['R', '-', path.join(root, 'way-empty'), '-', '-', '-']]);
    expect(() => lstatSync(path.join(root, 'way-empty'))).toThrow();
    expect(() => run([['R', '-', path.join(root, 'way-full'), '-', '-', '-']])).toThrow(/a directory is in the way of .*way-full \(empty it, or use --delete\)/);
    expect(readFileSync(path.join(root, 'way-full', 'keep'), 'utf8')).toBe('k');
  });
  it('creates directories, deletes trees', () => {
    run([['D', '-', path.join(root, 'dir x'), '0700', '-', '-'], ['X', '-', path.join(root, 'ln'), '-', '-', '-']]);
    expect((lstatSync(path.join(root, 'dir x')).mode & 0o777).toString(8)).toBe('700');
    expect(() => lstatSync(path.join(root, 'ln'))).toThrow();
  });
  it('a failed install exits 1, names the path and removes its temp', () => {
    mkdirSync(path.join(root, 'isdir'));
    expect(() => run([['F', path.join(root, 'missing-stage'), path.join(root, 'isdir', 'f'), '0644', '-', '-']])).toThrow(/could not write/);
    expect(readdirSync(path.join(root, 'isdir'))).toEqual([]);
  });
  it('splits long op lists into commands under the argument limit, keeping every op', () => {
    const ops: SudoOp[] = Array.from({ length: 3000 }, (_, i) => ['A', '-', `/very/long/path/${'x'.repeat(60)}/${i}`, '-', '-', '1']);
    const commands = buildSudoCommands(ops);
    expect(commands.length).toBeGreaterThan(1);
    expect(Math.max(...commands.map((c) => c.length))).toBeLessThan(128 * 1024);
    expect(commands.join(' ').split('/very/long/path/').length - 1).toBe(3000);
  });
});

describe('rootFailure', () => {
  it.each([
    ['sudo: a password is required', 'sudo -n: sudo: a password is required'],
    ['sudo: a terminal is required to read the password; either use the -S option', 'sudo -n: sudo: a terminal is required to read the password; either use the -S option'],
    ['isuops: could not write /etc/x', 'could not write /etc/x'],
  ])('%s', (line, message) => {
    expect(rootFailure(line)).toBe(message);
  });
  it('words what is not sudo with the given describer', () => {
    expect(rootFailure('tar: x: Cannot open: Permission denied', (l) => `described ${l}`)).toBe('described tar: x: Cannot open: Permission denied');
  });
});


describe('sudo script: no symlink below the P directory is followed', () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'isuops-sudo-race-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const target = path.join(base, 'target');
  const outside = path.join(base, 'outside');
  mkdirSync(path.join(target, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'keep'), 'root file');
  writeFileSync(path.join(base, 'staged'), 'new');
  // `sub/evil` swapped for a symlink to the outside directory, as a racing user would do.
  execFileSync('ln', ['-s', outside, path.join(target, 'sub', 'evil')]);
  const P: SudoOp = ['P', '-', target, '-', '-', '-'];
  it.each([
    ['X through it', ['X', '-', path.join(target, 'sub', 'evil', 'keep'), '-', '-', '-'], /could not delete/],
    ['F through it', ['F', path.join(base, 'staged'), path.join(target, 'sub', 'evil', 'keep'), '0644', '-', '-'], /could not write/],
    ['A through it', ['A', '-', path.join(target, 'sub', 'evil', 'keep'), '0600', '-', '-'], /could not set attributes/],
    ['D through it', ['D', '-', path.join(target, 'sub', 'evil', 'new'), '0755', '-', '-'], /could not create directory/],
    ['R through it', ['R', '-', path.join(target, 'sub', 'evil', 'd'), '-', '-', '-'], /in the way/],
  ] as [string, SudoOp, RegExp][])('%s: refused, the outside file untouched', (_name, op, why) => {
    mkdirSync(path.join(outside, 'd'), { recursive: true });
    expect(() => run([P, op])).toThrow(why);
    expect([readFileSync(path.join(outside, 'keep'), 'utf8'), (lstatSync(path.join(outside, 'keep')).mode & 0o777).toString(8), readdirSync(outside).sort()]).toEqual(['root file', '644', ['d', 'keep']]);
  });
  it('X of the symlink itself removes the link only', () => {
    execFileSync('ln', ['-sf', outside, path.join(target, 'sub', 'link2')]);
    run([P, ['X', '-', path.join(target, 'sub', 'link2'), '-', '-', '-']]);
    expect(readdirSync(path.join(target, 'sub'))).toEqual(['evil']);
    expect(readdirSync(outside).sort()).toEqual(['d', 'keep']);
  });
  it('a symlink in the P directory itself is followed (the user chose that path)', () => {
    execFileSync('ln', ['-s', target, path.join(base, 'via-link')]);
    run([['P', '-', path.join(base, 'via-link'), '-', '-', '-'], ['F', path.join(base, 'staged'), path.join(base, 'via-link', 'sub', 'put'), '0640', '-', '-']]);
    expect(readFileSync(path.join(target, 'sub', 'put'), 'utf8')).toBe('new');
    expect(readdirSync(path.join(target, 'sub')).filter((n) => n.startsWith('.isuops-'))).toEqual([]);
  });
});
