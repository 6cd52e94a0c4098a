import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lstatLocal } from '../../../src/ops/pull/local-state.js';
import { decidePull } from '../../../src/ops/pull/plan.js';
import type { RemoteItem } from '../../../src/ops/pull/types.js';

// The oracle: `rsync -ni -rt [-c] remote local` (pull keeps local modes, like rsync without -p).
const T1 = new Date('2020-01-01T00:00:00Z');
const T2 = new Date('2021-06-01T00:00:00Z');
type Spec = { body: string; time: Date; mode?: number } | 'dir' | null;
const root = mkdtempSync(path.join(os.tmpdir(), 'isuops-pull-plan-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function make(p: string, spec: Spec): void {
  if (spec === 'dir') mkdirSync(p);
  else if (spec) {
    writeFileSync(p, spec.body);
    chmodSync(p, spec.mode ?? 0o644);
    utimesSync(p, spec.time, spec.time);
  }
}

let n = 0;
async function compare(remote: Exclude<Spec, null>, local: Spec, checksum = false): Promise<void> {
  const dir = path.join(root, String(n++));
  mkdirSync(dir);
  const src = path.join(dir, 'remote');
  const dst = path.join(dir, 'local');
  make(src, remote);
  make(dst, local);
  const out = execFileSync('rsync', ['-ni', '-rt', ...(checksum ? ['-c'] : []), remote === 'dir' ? `${src}/` : src, dst], { encoding: 'utf8' });
  const want = out.split('\n').find((l) => /^[<>c.][fd][.+c][.+s][.+t]/.test(l))?.split(' ')[0] ?? null;
  const r = await lstatLocal(src);
  const item: RemoteItem = { path: '/x', type: r!.type === 'dir' ? 'dir' : 'file', size: r!.size, mtime: r!.mtime, mode: r!.mode };
  const sameContent = checksum && remote !== 'dir' && local && local !== 'dir' ? remote.body === local.body : undefined;
  const got = decidePull(item, await lstatLocal(dst), { checksum, sameContent, umask: 0o022 });
  expect(got.code).toBe(want);
}

describe('decidePull agrees with rsync -ni -rt', () => {
  it('new file', () => compare({ body: 'a', time: T1 }, null));
  it('same size and time', () => compare({ body: 'a', time: T1 }, { body: 'b', time: T1 }));
  it('grown', () => compare({ body: 'ab', time: T2 }, { body: 'a', time: T1 }));
  it('time only', () => compare({ body: 'a', time: T2 }, { body: 'a', time: T1 }));
  it('size only', () => compare({ body: 'ab', time: T1 }, { body: 'a', time: T1 }));
  it('other mode locally is kept, not reported', () => compare({ body: 'a', time: T1, mode: 0o600 }, { body: 'a', time: T1, mode: 0o644 }));
  it('-c same content, other time', () => compare({ body: 'a', time: T2 }, { body: 'a', time: T1 }, true));
  it('-c other content, same size and time', () => compare({ body: 'a', time: T1 }, { body: 'b', time: T1 }, true));
  it('new directory', () => compare('dir', null));
});

describe('decidePull modes', () => {
  const file: RemoteItem = { path: '/x', type: 'file', size: 1, mtime: 1, mode: 0o666 };
  it('new file: remote mode less the umask', () => expect(decidePull(file, undefined, { checksum: false, umask: 0o022 }).mode).toBe(0o644));
  it('existing file: its own mode', () => expect(decidePull(file, { type: 'file', size: 2, mtime: 1, mode: 0o600, uid: 0, gid: 0 }, { checksum: false, umask: 0o022 }).mode).toBe(0o600));
  it('-c same content: only the time is set', () => expect(decidePull(file, { type: 'file', size: 1, mtime: 2, mode: 0o600, uid: 0, gid: 0 }, { checksum: true, sameContent: true, umask: 0 })).toMatchObject({ transfer: false, setTime: true }));
});
