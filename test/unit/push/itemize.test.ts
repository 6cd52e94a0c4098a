import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { itemize } from '../../../src/ops/push/itemize.js';
import { parseChmod } from '../../../src/ops/push/parse-chmod.js';
import { toRemoteEntry } from '../../../src/ops/push/scan-remote.js';
import type { EntryType, LocalEntry } from '../../../src/ops/push/types.js';

// The oracle: `rsync -ni -rlptD [-c] [--chmod] src/ dst/` on the same two trees.
const T1 = new Date('2020-01-01T00:00:00Z');
const T2 = new Date('2021-06-01T00:00:00Z');
type Spec = { type: 'file'; body: string; mode?: number; time?: Date } | { type: 'dir'; mode?: number; time?: Date } | { type: 'link'; to: string; time?: Date } | null;
const f = (body: string, mode = 0o644, time = T1): Spec => ({ type: 'file', body, mode, time });
const d = (mode = 0o755, time = T1): Spec => ({ type: 'dir', mode, time });
const l = (to: string, time = T1): Spec => ({ type: 'link', to, time });

const root = mkdtempSync(path.join(os.tmpdir(), 'isuops-itemize-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function make(p: string, spec: Spec): void {
  if (!spec) return;
  if (spec.type === 'file') {
    writeFileSync(p, spec.body);
    chmodSync(p, spec.mode ?? 0o644);
    utimesSync(p, spec.time ?? T1, spec.time ?? T1);
  } else if (spec.type === 'dir') {
    mkdirSync(p);
    chmodSync(p, spec.mode ?? 0o755);
    utimesSync(p, spec.time ?? T1, spec.time ?? T1);
  } else {
    symlinkSync(spec.to, p);
    execFileSync('touch', ['-h', '-d', (spec.time ?? T1).toISOString(), p]);
  }
}

function localEntry(p: string): LocalEntry {
  const st = lstatSync(p);
  const type: EntryType = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'file';
  return { rel: 'x', localPath: p, type, mode: st.mode & 0o7777, size: type === 'file' ? st.size : 0, mtime: Math.floor(st.mtimeMs / 1000), linkTarget: type === 'symlink' ? readlinkSync(p) : undefined };
}

let n = 0;
function compare(src: Spec, dst: Spec, flags: { checksum?: boolean; chmod?: string } = {}): { ours: string; rsync: string } {
  const dir = path.join(root, String(n++));
  mkdirSync(path.join(dir, 's'), { recursive: true });
  mkdirSync(path.join(dir, 'd'));
  make(path.join(dir, 's', 'x'), src);
  make(path.join(dir, 'd', 'x'), dst);
  const args = ['-ni', '-rlptD', ...(flags.checksum ? ['-c'] : []), ...(flags.chmod ? [`--chmod=${flags.chmod}`] : []), `${dir}/s/x`, `${dir}/d/`];
  const out = execFileSync('rsync', args, { encoding: 'utf8' });
  const rsync = out.split('\n').find((line) => / x\/?( -> .*)?$/.test(line))?.slice(0, 11) ?? '(none)';
  const local = localEntry(path.join(dir, 's', 'x'));
  const remote = dst ? { ...toRemoteEntry(toAttrs(path.join(dir, 'd', 'x'))), linkTarget: dst.type === 'link' ? dst.to : undefined } : undefined;
  const wantMode = flags.chmod ? parseChmod(flags.chmod)(local.mode, local.type === 'dir') : local.mode;
  const sameContent = src?.type === 'file' && dst?.type === 'file' ? src.body === dst.body : undefined;
  const ours = itemize({ local, remote, wantMode, checksum: Boolean(flags.checksum), sameContent }).code ?? '(none)';
  return { ours, rsync };
}

function toAttrs(p: string) {
  const st = lstatSync(p);
  return { mode: st.mode, size: st.size, mtime: Math.floor(st.mtimeMs / 1000), uid: st.uid, gid: st.gid };
}

const same = (src: Spec, dst: Spec, flags?: { checksum?: boolean; chmod?: string }) => () => {
  const { ours, rsync } = compare(src, dst, flags);
  expect(ours).toBe(rsync);
};

describe('itemize agrees with rsync -ni -rlptD', () => {
  it('new file', same(f('a'), null));
  it('identical file', same(f('a'), f('a')));
  it('size and time differ', same(f('abc', 0o644, T2), f('a')));
  it('time only differs (quick check sends it)', same(f('b', 0o644, T2), f('a')));
  it('size only differs', same(f('abc'), f('a')));
  it('mode only differs', same(f('a', 0o600), f('a')));
  it('mode and time differ', same(f('b', 0o755, T2), f('a')));
  it('same size, same time, other content: quick check misses it', same(f('b'), f('a')));
  it('-c: same size, other content', same(f('b'), f('a'), { checksum: true }));
  it('-c: same content, other time', same(f('a', 0o644, T2), f('a'), { checksum: true }));
  it('-c: other size', same(f('abc', 0o644, T2), f('a'), { checksum: true }));
  it('-c: identical', same(f('a'), f('a'), { checksum: true }));
  it('new directory', same(d(), null));
  it('directory time differs', same(d(0o755, T2), d()));
  it('directory mode differs', same(d(0o700), d()));
  it('new symlink', same(l('t1'), null));
  it('symlink target differs', same(l('t2'), l('t1')));
  it('symlink target and time differ', same(l('t2', T2), l('t1')));
  it('symlink time differs', same(l('t1', T2), l('t1')));
  it('file replaces symlink', same(f('a'), l('t1')));
  it('symlink replaces file', same(l('t1'), f('a')));
  it('directory replaces file', same(d(), f('a')));
  it('--chmod F600 on a 644 file', same(f('a'), f('a'), { chmod: 'F600' }));
  it('--chmod go-r already applied', same(f('a'), f('a', 0o600), { chmod: 'go-r' }));
  it('--chmod D700 on a directory', same(d(), d(), { chmod: 'D700' }));
});
