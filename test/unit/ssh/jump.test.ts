import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { formatJumpList, parseJumpList } from '../../../src/ssh/jump.js';
import type { JumpSpec } from '../../../src/ssh/types.js';

// prettier-ignore
const OK: [string, JumpSpec[]][] = [
  ['bastion', [{ host: 'bastion' }]],
  ['ops@bastion', [{ user: 'ops', host: 'bastion' }]],
  ['ops@bastion:2222', [{ user: 'ops', host: 'bastion', port: 2222 }]],
  ['a,b:23,u@c', [{ host: 'a' }, { host: 'b', port: 23 }, { user: 'u', host: 'c' }]],
  ['ssh://u@h:2200', [{ user: 'u', host: 'h', port: 2200 }]],
  ['ssh://h', [{ host: 'h' }]],
  ['a,ssh://u@h:23', [{ host: 'a' }, { user: 'u', host: 'h', port: 23 }]],
  ['[::1]:22', [{ host: '::1', port: 22 }]],
  ['root@[fe80::1]', [{ user: 'root', host: 'fe80::1' }]],
  ['a@b@c', [{ user: 'a@b', host: 'c' }]],
  ['%r@%h-gw', [{ user: '%r', host: '%h-gw' }]],
  ['none', []],
  ['NONE', []],
];

// prettier-ignore
const BAD: string[] = ['', 'a,,b', 'u@', ':22', 'h:0', 'h:x', 'h:70000', 'h:22:33', '::1', '[::1', '[::1]x', 'a b', 'ssh://h/path'];

// prettier-ignore
const BAD_NAMES: [string, string][] = [
  ['b$(id)', `bad jump host 'b$(id)' in 'b$(id)': invalid hostname "b$(id)": "$" is not allowed (expected [user@]host[:port])`],
  ['a,-oProxyCommand=x', `bad jump host '-oProxyCommand=x' in 'a,-oProxyCommand=x': invalid hostname "-oProxyCommand=x": it starts with "-" (expected [user@]host[:port])`],
  ['`id`@gw', "bad jump host '`id`@gw' in '`id`@gw': invalid username \"`id`\": \"`\" is not allowed (expected [user@]host[:port])"],
  ['ssh://%3Bid@gw', `bad jump host 'ssh://%3Bid@gw' in 'ssh://%3Bid@gw': invalid username ";id": ";" is not allowed (expected [user@]host[:port])`],
];

describe('parseJumpList', () => {
  it.each(BAD_NAMES)('refuses the names ssh refuses: %s', (spec, message) => expect(() => parseJumpList(spec)).toThrow(new UsageError(message)));
  it.each(OK)('%s', (spec, want) => expect(parseJumpList(spec)).toEqual(want));
  it.each(BAD)('rejects %j', (spec) => expect(() => parseJumpList(spec)).toThrow(UsageError));
});

// prettier-ignore
const FORMAT: [JumpSpec[], string][] = [
  [[], 'none'],
  [[{ host: 'a' }, { user: 'u', host: 'b', port: 2 }], 'a,u@b:2'],
  [[{ host: '::1', port: 22 }], '[::1]:22'],
];

describe('formatJumpList', () => {
  it.each(FORMAT)('%j -> %s', (hops, want) => expect(formatJumpList(hops)).toBe(want));
});
