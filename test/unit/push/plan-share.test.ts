import { describe, expect, it } from 'vitest';
import { makePlanShare, sameTree, sharedRemote } from '../../../src/ops/push/plan-share.js';
import type { PushSource, RemoteEntry } from '../../../src/ops/push/types.js';
import type { ScannedTree } from '../../../src/transport/sftp-scan.js';

const tree = (over: Partial<ScannedTree> = {}): ScannedTree => ({ rels: ['', 'a', 'l'], nums: [0o40755, 0, 1, 1000, 1000, 0o100644, 3, 2, 1000, 1000, 0o120777, 1, 3, 1000, 1000], targets: [[2, 'a']], ...over });
const source: PushSource = { arg: 'x/', localRoot: '/x', contentsOnly: true, entries: [] };

describe('sameTree', () => {
  // prettier-ignore
  it.each<[string, ScannedTree, boolean]>([
    ['the same tree', tree(), true],
    ['another name', tree({ rels: ['', 'b', 'l'] }), false],
    ['another size', tree({ nums: [0o40755, 0, 1, 1000, 1000, 0o100644, 4, 2, 1000, 1000, 0o120777, 1, 3, 1000, 1000] }), false],
    ['another owner', tree({ nums: [0o40755, 0, 1, 1000, 1000, 0o100644, 3, 2, 0, 1000, 0o120777, 1, 3, 1000, 1000] }), false],
    ['another link target', tree({ targets: [[2, 'b']] }), false],
    ['one entry more', tree({ rels: ['', 'a', 'l', 'm'], nums: [...tree().nums, 0o100644, 0, 0, 0, 0] }), false],
  ])('%s: %s', (_name, other, same) => expect(sameTree(tree(), other)).toBe(same));
});

describe('sharedRemote: a host whose tree reads as another host\'s gets that host\'s entries', () => {
  it('builds once for the same source, root and tree; anew for another tree, root or source, or without a share', () => {
    const share = makePlanShare();
    let builds = 0;
    const build = (): Map<string, RemoteEntry> => (builds++, new Map());
    const first = sharedRemote(share, source, '/srv', tree(), build);
    expect(sharedRemote(share, source, '/srv', tree(), build)).toBe(first);
    expect(builds).toBe(1);
    expect(sharedRemote(share, source, '/srv', tree({ targets: [[2, 'b']] }), build)).not.toBe(first);
    expect(sharedRemote(share, source, '/other', tree(), build)).not.toBe(first);
    expect(sharedRemote(share, { ...source }, '/srv', tree(), build)).not.toBe(first);
    expect(sharedRemote(undefined, source, '/srv', tree(), build)).not.toBe(first);
    expect(builds).toBe(5);
  });
});
