import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { expandHostList } from '../../../src/hosts/expand-host-list.js';

describe('expandHostList', () => {
  it.each([
    ['isu1', ['isu1']],
    ['isu1,isu2', ['isu1', 'isu2']],
    [' isu1  isu2\tisu3\n', ['isu1', 'isu2', 'isu3']],
    ['isu1, isu2,,isu3', ['isu1', 'isu2', 'isu3']],
    ['', []],
    ['isu[01-03]', ['isu01', 'isu02', 'isu03']],
    ['isu[1-3]', ['isu1', 'isu2', 'isu3']],
    ['isu[1,3,5-7]', ['isu1', 'isu3', 'isu5', 'isu6', 'isu7']],
    ['isu[08-11]', ['isu08', 'isu09', 'isu10', 'isu11']],
    ['isu[8-011]', ['isu8', 'isu9', 'isu10', 'isu11']],
    ['isu[001-3]', ['isu001', 'isu002', 'isu003']],
    ['isu[98-101]', ['isu98', 'isu99', 'isu100', 'isu101']],
    ['isu[0-0]', ['isu0']],
    ['isu[07]', ['isu07']],
    ['isu[1, 3]', ['isu1', 'isu3']],
    ['a[1-2]b', ['a1b', 'a2b']],
    ['[1-2]isu', ['1isu', '2isu']],
    ['a[1-2]b[01-02]', ['a1b01', 'a1b02', 'a2b01', 'a2b02']],
    ['x[0-1][0-1][0-1]', ['x000', 'x001', 'x010', 'x011', 'x100', 'x101', 'x110', 'x111']],
    ['isu[1-2],web[1-2]', ['isu1', 'isu2', 'web1', 'web2']],
    ['isu[1-2,2]', ['isu1', 'isu2', 'isu2']],
    ['root@isu[1-2]:2222', ['root@isu1:2222', 'root@isu2:2222']],
    ['isu{01..03}', ['isu01', 'isu02', 'isu03']],
    ['isu{8..10}', ['isu8', 'isu9', 'isu10']],
    ['{web,app}1', ['web1', 'app1']],
    ['{web,app}{1..2}', ['web1', 'web2', 'app1', 'app2']],
    ['{web,app}[1-2]', ['web1', 'web2', 'app1', 'app2']],
    ['isu{1,2} db', ['isu1', 'isu2', 'db']],
    ['{isu[1-2],db}', ['isu1', 'isu2', 'db']],
    ['[::1]:22', ['[::1]:22']],
    ['[::1]', ['[::1]']],
    ['user@[::1]:2222', ['user@[::1]:2222']],
    ['[fe80::1]:22,[::1]', ['[fe80::1]:22', '[::1]']],
    ['root@[10.0.0.1]:22', ['root@[10.0.0.1]:22']],
    ['::1', ['::1']],
    ['10.0.0.[1-3]', ['10.0.0.1', '10.0.0.2', '10.0.0.3']],
  ])('%j -> %j', (text, expected) => {
    expect(expandHostList(text)).toEqual(expected);
  });

  it.each([
    ['isu[05-01]', 'bad host range "isu[05-01]": 05-01 counts down (write the lower number first)'],
    ['isu[a-3]', 'bad host range "isu[a-3]": "a-3" is not a number or a range like 1-5 or 01-05'],
    ['isu[1-3-5]', 'bad host range "isu[1-3-5]": "1-3-5" is not a number or a range like 1-5 or 01-05'],
    ['isu[-3]', 'bad host range "isu[-3]": "-3" is not a number or a range like 1-5 or 01-05'],
    ['isu[1-]', 'bad host range "isu[1-]": "1-" is not a number or a range like 1-5 or 01-05'],
    ['isu[]', 'bad host range "isu[]": an empty range'],
    ['isu[1,,2]', 'bad host range "isu[1,,2]": an empty range'],
    ['isu[1-3', 'bad host list "isu[1-3": "[" is never closed'],
    ['isu{1..3', 'bad host list "isu{1..3": "{" is never closed'],
    ['isu1]', 'bad host list "isu1]": "]" without a matching opening bracket'],
    ['isu[1-3}', 'bad host list "isu[1-3}": "}" without a matching opening bracket'],
    ['x[1-10001]', 'host range "x[1-10001]" expands to more than 10000 hosts'],
    ['x[1-100][1-101]', 'host range "x[1-100][1-101]" expands to more than 10000 hosts'],
    ['x{1..10001}', 'host range "x{1..10001}" expands to more than 10000 hosts'],
    ['x[1-5000] y[1-5001]', 'host range "x[1-5000] y[1-5001]" expands to more than 10000 hosts'],
  ])('%j throws %j', (text, message) => {
    expect(() => expandHostList(text)).toThrow(new UsageError(message));
  });

  it('expands exactly 10000 hosts', () => {
    const hosts = expandHostList('x[00001-10000]');
    expect([hosts.length, hosts[0], hosts.at(-1)]).toEqual([10000, 'x00001', 'x10000']);
  });

  it('throws UsageError, not a plain Error', () => {
    expect(() => expandHostList('isu[05-01]')).toThrow(UsageError);
  });
});
