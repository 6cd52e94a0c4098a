import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { parseHostEntry } from '../../../src/hosts/parse-host-entry.js';
import type { HostEntry } from '../../../src/hosts/types.js';

const e = (name: string, host: string, user?: string, port?: number): HostEntry => ({
  name,
  host,
  groups: [],
  ...(user === undefined ? {} : { user }),
  ...(port === undefined ? {} : { port }),
});

describe('parseHostEntry', () => {
  it.each([
    ['isu01', e('isu01', 'isu01')],
    ['root@isu01', e('root@isu01', 'isu01', 'root')],
    ['isu01:2222', e('isu01:2222', 'isu01', undefined, 2222)],
    ['isucon@isu01:22', e('isucon@isu01:22', 'isu01', 'isucon', 22)],
    ['10.0.0.1', e('10.0.0.1', '10.0.0.1')],
    ['10.0.0.1:65535', e('10.0.0.1:65535', '10.0.0.1', undefined, 65535)],
    ['isu01:1', e('isu01:1', 'isu01', undefined, 1)],
    ['isu01:022', e('isu01:022', 'isu01', undefined, 22)],
    ['[::1]:22', e('[::1]:22', '::1', undefined, 22)],
    ['[::1]', e('[::1]', '::1')],
    ['user@[::1]:2222', e('user@[::1]:2222', '::1', 'user', 2222)],
    ['root@[fe80::1%eth0]', e('root@[fe80::1%eth0]', 'fe80::1%eth0', 'root')],
    ['[isu01]:2222', e('[isu01]:2222', 'isu01', undefined, 2222)],
    ['::1', e('::1', '::1')],
    ['fe80::1', e('fe80::1', 'fe80::1')],
    ['root@2001:db8::1', e('root@2001:db8::1', '2001:db8::1', 'root')],
    ['a@b@isu01', e('a@b@isu01', 'isu01', 'a@b')],
  ])('%s', (text, expected) => {
    expect(parseHostEntry(text)).toEqual(expected);
  });

  it('keeps the groups given, as a copy', () => {
    const groups = ['web'];
    const entry = parseHostEntry('isu01', groups);
    groups.push('db');
    expect(entry).toEqual({ name: 'isu01', host: 'isu01', groups: ['web'] });
  });

  it.each([
    ['isu01:0', 'bad host "isu01:0": port "0" is not a number from 1 to 65535'],
    ['isu01:65536', 'bad host "isu01:65536": port "65536" is not a number from 1 to 65535'],
    ['isu01:', 'bad host "isu01:": port "" is not a number from 1 to 65535'],
    ['isu01:ssh', 'bad host "isu01:ssh": port "ssh" is not a number from 1 to 65535'],
    ['isu01:-1', 'bad host "isu01:-1": port "-1" is not a number from 1 to 65535'],
    ['isu01:999999', 'bad host "isu01:999999": port "999999" is not a number from 1 to 65535'],
    ['[::1]:0', 'bad host "[::1]:0": port "0" is not a number from 1 to 65535'],
    ['[::1]:', 'bad host "[::1]:": port "" is not a number from 1 to 65535'],
    ['[::1]22', 'bad host "[::1]22": expected ":PORT" after "]", got "22"'],
    ['[::1', 'bad host "[::1": "[" is never closed'],
    ['[]:22', 'bad host "[]:22": no host name'],
    ['', 'bad host "": no host name'],
    ['root@', 'bad host "root@": no host name'],
    [':22', 'bad host ":22": no host name'],
    ['@isu01', 'bad host "@isu01": empty user before "@"'],
    ['isu[1-3', 'bad host "isu[1-3": unexpected "[" in the host name'],
    ['isu{a}', 'bad host "isu{a}": unexpected "{" in the host name'],
    ['isu 01', 'bad host "isu 01": unexpected " " in the host name'],
  ])('%j throws %j', (text, message) => {
    expect(() => parseHostEntry(text)).toThrow(new UsageError(message));
  });
});
