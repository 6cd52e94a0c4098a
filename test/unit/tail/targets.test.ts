import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { parseTailTarget, parseTailTargets } from '../../../src/ops/tail/targets.js';

describe('parseTailTarget', () => {
  it.each([
    ['nginx', { kind: 'file', label: 'nginx', path: '/var/log/nginx/access.log' }],
    ['nginx-error', { kind: 'file', label: 'nginx-error', path: '/var/log/nginx/error.log' }],
    ['mysql-slow', { kind: 'file', label: 'mysql-slow', path: '/var/log/mysql/mysql-slow.log' }],
    ['/var/log/app.log', { kind: 'file', label: '/var/log/app.log', path: '/var/log/app.log' }],
    ['/var/log/with space.log', { kind: 'file', label: '/var/log/with space.log', path: '/var/log/with space.log' }],
    ['isu-go', { kind: 'unit', label: 'isu-go', unit: 'isu-go' }],
    ['isu-go.service', { kind: 'unit', label: 'isu-go.service', unit: 'isu-go.service' }],
    ['getty@tty1.service', { kind: 'unit', label: 'getty@tty1.service', unit: 'getty@tty1.service' }],
    ['mysql', { kind: 'unit', label: 'mysql', unit: 'mysql' }],
    ['nginxx.service', { kind: 'unit', label: 'nginxx.service', unit: 'nginxx.service' }],
    ['mysqld', { kind: 'unit', label: 'mysqld', unit: 'mysqld' }],
    ['sys-devices-x\\x2d1.device', { kind: 'unit', label: 'sys-devices-x\\x2d1.device', unit: 'sys-devices-x\\x2d1.device' }],
  ])('%j', (spec, expected) => {
    expect(parseTailTarget(spec)).toEqual(expected);
  });

  it.each([
    ['var/log/app.log', /relative path "var\/log\/app.log"/],
    ['./access.log', /relative path/],
    ['../x', /relative path/],
    ['nginx access', /unknown target "nginx access"/],
    ['-f', /unknown target "-f"/],
    ['.hidden', /unknown target/],
    ['', /unknown target ""/],
    ['isu;go', /unknown target/],
    ['$(reboot)', /unknown target/],
    ['/var/log/a\nb', /newlines/],
    // typos of a preset would follow a unit that does not exist
    ['nginxx', /^"nginxx" is no preset \(did you mean nginx\?\); for a systemd unit of that name write nginxx\.service$/],
    ['ngnix', /did you mean nginx\?/],
    ['Nginx', /did you mean nginx\?/],
    ['nginx-eror', /did you mean nginx-error\?/],
    ['mysql_slow', /did you mean mysql-slow\?/],
  ])('%j is refused', (spec, message) => {
    expect(() => parseTailTarget(spec)).toThrow(UsageError);
    expect(() => parseTailTarget(spec)).toThrow(message);
  });
});

describe('parseTailTargets', () => {
  it('drops duplicates and keeps the order', () => {
    expect(parseTailTargets(['nginx', 'isu-go', 'nginx']).map((t) => t.label)).toEqual(['nginx', 'isu-go']);
  });
  it('refuses more targets than one connection can follow', () => {
    expect(() => parseTailTargets(Array.from({ length: 10 }, (_, i) => `/var/log/${i}.log`))).toThrow(/too many targets \(10\)/);
  });
});
