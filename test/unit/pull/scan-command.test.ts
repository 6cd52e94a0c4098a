import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildScanArgv, describeScanErrors, parseScanOutput } from '../../../src/ops/pull/scan-command.js';

// The oracle: the scan script run here by the real sh and GNU find, checked against the files made.
const root = mkdtempSync(path.join(os.tmpdir(), 'isuops-pull-scan-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const at = (...p: string[]): string => path.join(root, ...p);
mkdirSync(at('logs', 'old'), { recursive: true });
writeFileSync(at('logs', 'a.log'), 'aa');
writeFileSync(at('logs', 'b log'), 'b');
writeFileSync(at('logs', 'old', 'c.log'), 'ccc');
writeFileSync(at('logs', '$(touch pwned)'), 'x');
writeFileSync(at('logs', 'new\nline'), 'n');
symlinkSync(at('logs', 'a.log'), at('link.log'));
symlinkSync(at('logs', 'a.log'), at('logs', 'old', 'inner-link'));

const scan = (...patterns: string[]) => {
  const [cmd, ...args] = buildScanArgv(patterns);
  return parseScanOutput(execFileSync(cmd, args, { cwd: root }));
};
const paths = (r: ReturnType<typeof scan>): string[] => r.items.map((i) => `${i.type} ${i.path}`).sort();

describe('scan script (real sh + find)', () => {
  it('walks a directory: files and directories, inner symlinks skipped', () =>
    expect(paths(scan(at('logs')))).toEqual([`dir ${at('logs')}`, `dir ${at('logs', 'old')}`, `file ${at('logs', '$(touch pwned)')}`, `file ${at('logs', 'a.log')}`, `file ${at('logs', 'b log')}`, `file ${at('logs', 'new\nline')}`, `file ${at('logs', 'old', 'c.log')}`].sort()));
  it('expands a glob; names with spaces stay whole', () => expect(paths(scan(at('logs', '*.log')))).toEqual([`file ${at('logs', 'a.log')}`]));
  it('glob with a space', () => expect(paths(scan(at('logs', 'b *')))).toEqual([`file ${at('logs', 'b log')}`]));
  it('a given symlink is followed', () => expect(scan(at('link.log')).items).toEqual([{ path: at('link.log'), type: 'file', size: 2, mtime: Math.floor(statSync(at('logs', 'a.log')).mtimeMs / 1000), mode: 0o644 }]));
  it('relative paths start at the working directory', () => expect(paths(scan('logs/a.log'))).toEqual([`file ${at('logs', 'a.log')}`]));
  it('missing paths and globs that match nothing', () => expect(scan(at('nope'), at('logs', '*.gz')).missing).toEqual([at('nope'), at('logs', '*.gz')]));
  it('overlapping patterns give each path once', () => expect(scan(at('logs', 'a.log'), at('logs', '*.log')).items).toHaveLength(1));
  it('names are data: nothing runs', () => {
    scan(at('logs', '$(touch pwned)'), at('logs', '$(touch*'), '$(touch pwned2)', '`touch pwned3`');
    expect([existsSync(at('pwned')), existsSync(at('pwned2')), existsSync(at('pwned3'))]).toEqual([false, false, false]);
  });
});

describe('parseScanOutput', () => {
  const rec = (s: string): Buffer => Buffer.from(s.split('|').join('\0'));
  it('file', () => expect(parseScanOutput(rec('f 12 1700000000.5000000000 640 /var/log/a|')).items).toEqual([{ path: '/var/log/a', type: 'file', size: 12, mtime: 1700000000, mode: 0o640 }]));
  it('file from before 1970 (whole seconds round down)', () => expect(parseScanOutput(rec('f 1 -86399.5000000000 644 /old|')).items).toEqual([{ path: '/old', type: 'file', size: 1, mtime: -86400, mode: 0o644 }]));
  it('dir, normalized', () => expect(parseScanOutput(rec('d 4096 1 755 //var/log/./x/|')).items[0].path).toBe('/var/log/x'));
  it('missing', () => expect(parseScanOutput(rec('M 0 0 0 /nope|')).missing).toEqual(['/nope']));
  it('denied', () => expect(parseScanOutput(rec('P 0 0 0 /var/log/mysql/slow.log|')).denied).toEqual(['/var/log/mysql/slow.log']));
  it('garbage ignored', () => expect(parseScanOutput(rec('hello|x 1 1 1 /a|')).items).toEqual([]));
});

describe('describeScanErrors', () => {
  it('GNU find quotes', () => expect(describeScanErrors(Buffer.from("find: ‘/var/log/mysql’: Permission denied\n"))).toEqual(['permission denied: /var/log/mysql (try --sudo)']));
  it('C locale quotes', () => expect(describeScanErrors(Buffer.from("find: '/a': Permission denied\n"))).toEqual(['permission denied: /a (try --sudo)']));
  it('other lines as they are', () => expect(describeScanErrors(Buffer.from('find: /x: Input/output error\n\n'))).toEqual(['/x: Input/output error']));
});
