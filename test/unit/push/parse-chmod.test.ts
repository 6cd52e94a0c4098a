import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseChmod } from '../../../src/ops/push/parse-chmod.js';
import { UsageError } from '../../../src/errors.js';

// The oracle: the mode `rsync -rp --chmod=SPEC` gives a copy of a file or directory of that mode.
const root = mkdtempSync(path.join(os.tmpdir(), 'isuops-chmod-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

function rsyncMode(spec: string, mode: number, isDir: boolean): number {
  const dir = path.join(root, String(n++));
  mkdirSync(path.join(dir, 'd'), { recursive: true });
  const src = path.join(dir, 'x');
  if (isDir) mkdirSync(src);
  else writeFileSync(src, 'x');
  chmodSync(src, mode);
  execFileSync('rsync', ['-rp', `--chmod=${spec}`, src, `${dir}/d/`]);
  return lstatSync(path.join(dir, 'd', 'x')).mode & 0o7777;
}

const agrees = (spec: string, mode: number, isDir = false) => () => {
  expect(parseChmod(spec)(mode, isDir).toString(8)).toBe(rsyncMode(spec, mode, isDir).toString(8));
};

describe('parseChmod agrees with rsync --chmod', () => {
  it('octal', agrees('600', 0o644));
  it('F octal on a file', agrees('F640', 0o644));
  it('F octal leaves a directory', agrees('F640', 0o755, true));
  it('D octal on a directory', agrees('D700', 0o755, true));
  it('D and F together', agrees('D750,F640', 0o755, true));
  it('u+x', agrees('u+x', 0o644));
  it('go-w', agrees('go-w', 0o666));
  it('a=r', agrees('a=r', 0o755));
  it('no who: +x', agrees('+x', 0o644));
  it('X on a plain file', agrees('a+X', 0o644));
  it('X on an executable file', agrees('a+X', 0o744));
  it('X on a directory', agrees('go+X', 0o700, true));
  it('u=rwx,g=rx,o=', agrees('u=rwx,g=rx,o=', 0o644));
  it('Fu+s', agrees('Fu+s', 0o755));
  it('+t on a directory', agrees('+t', 0o777, true));
});

describe('parseChmod rejects', () => {
  it.each(['u+q', 'z=r', '999', ''])('%s', (spec) => {
    expect(() => parseChmod(spec)).toThrow(UsageError);
  });
});
