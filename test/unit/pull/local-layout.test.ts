import { describe, expect, it } from 'vitest';
import { findFolderClash, hostDirName, localPathFor } from '../../../src/ops/pull/local-layout.js';

describe('hostDirName', () => {
  it('plain', () => expect(hostDirName('isu01')).toBe('isu01'));
  it('user and port kept', () => expect(hostDirName('isucon@isu01:2222')).toBe('isucon@isu01:2222'));
  it('IPv6', () => expect(hostDirName('[::1]:22')).toBe('[::1]:22'));
  it('slash', () => expect(hostDirName('a/b')).toBe('a_b'));
  it('newline', () => expect(hostDirName('a\nb')).toBe('a_b'));
  it('dot', () => expect(hostDirName('.')).toBe('_.'));
  it('dot dot', () => expect(hostDirName('..')).toBe('_..'));
});

describe('localPathFor', () => {
  it('absolute', () => expect(localPathFor('/p/isu01', '/var/log/a.log')).toBe('/p/isu01/var/log/a.log'));
  it('dot dot stays inside', () => expect(localPathFor('/p/isu01', '/../../etc/passwd')).toBe('/p/isu01/etc/passwd'));
  it('root', () => expect(localPathFor('/p/isu01', '/')).toBe('/p/isu01/'));
});

describe('findFolderClash', () => {
  it('none', () => expect(findFolderClash(['isu01', 'isu02'])).toBeUndefined());
  it('same folder', () => expect(findFolderClash(['a/b', 'a_b'])).toBe('a/b and a_b'));
});
