import { describe, expect, it } from 'vitest';
import { describeLocalError, PullError } from '../../../src/ops/pull/pull-error.js';

const fsError = (code: string, syscall = 'write'): Error => Object.assign(new Error(`${code}: x, ${syscall}`), { code, syscall });

describe('describeLocalError', () => {
  it.each([
    [fsError('ENOSPC'), { message: 'no space left on device: /to/h/a (pulling /a)', halt: true }],
    [fsError('EDQUOT'), { message: 'disk quota exceeded: /to/h/a (pulling /a)', halt: true }],
    [fsError('EROFS', 'open'), { message: 'read-only file system: /to/h/a (pulling /a)', halt: true }],
    [fsError('EISDIR', 'rename'), { message: 'a directory is in the way: /to/h/a (pulling /a)', halt: false }],
    [fsError('EWEIRD'), { message: 'EWEIRD: /to/h/a (pulling /a)', halt: false }],
    [new PullError('permission denied: /a (try --sudo)'), undefined],
    [Object.assign(new Error('unexpected end of file'), { code: 'Z_BUF_ERROR' }), undefined],
  ])('%s', (err, want) => {
    expect(describeLocalError(err, '/to/h/a', '/a')).toEqual(want);
  });
});
