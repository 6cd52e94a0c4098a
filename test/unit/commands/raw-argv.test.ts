import { describe, expect, it } from 'vitest';
import { rawArgv } from '../../../src/commands/raw-argv.js';

const cmdline = (...args: Array<string | Buffer>) => () => Buffer.concat(args.flatMap((a) => [Buffer.from(a), Buffer.alloc(1)]));
const latin1 = Buffer.from([0x63, 0xe9]);

describe('rawArgv', () => {
  it.each([
    ['UTF-8 arguments: /proc is not read', ['node', 'bin', 'push', 'é'], () => { throw new Error('read'); }, ['node', 'bin', 'push', 'é']],
    ['a latin-1 argument: its bytes', ['node', 'bin', 'push', 'c\ufffd'], cmdline('node', '--flag', 'bin', 'push', latin1), ['node', 'bin', 'push', 'c\udce9']],
    ['cmdline that does not agree: as given', ['node', 'bin', 'push', 'c\ufffd'], cmdline('node', 'bin', 'pull', latin1), ['node', 'bin', 'push', 'c\ufffd']],
    ['no /proc: as given', ['node', 'bin', 'c\ufffd'], () => { throw new Error('ENOENT'); }, ['node', 'bin', 'c\ufffd']],
  ])('%s', (_what, argv, read, want) => {
    expect(rawArgv(argv, read)).toEqual(want);
  });
});
