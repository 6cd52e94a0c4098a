import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLabDirInside, renderEtcHosts, renderHostsTxt, keeperArgs, renderKnownHostsLine, renderSshConfig } from '../../../src/lab/render.js';
import type { LabHost } from '../../../src/lab/types.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBkY+Nic4i1g8dE4pblHQ6EwcDnZ9TvwxyX30wPuNeLF isuops-lab-isu01';
const host = (name: string, address: string, port: number): LabHost => ({ name, address, port, pid: 1, root: `/lab/hosts/${name}`, keeperPid: 1, ns: '' });
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'isuops-lab-render-'));

describe('renderKnownHostsLine (checked with ssh-keygen -F)', () => {
  it.each([
    [host('isu01', '127.0.1.1', 22), ['isu01', '127.0.1.1'], ['[isu01]:2222']],
    [host('isu02', '127.0.1.2', 2222), ['[isu02]:2222', '[127.0.1.2]:2222'], ['isu02', '127.0.1.2']],
  ])('%j', (h, found, notFound) => {
    const file = path.join(tmp(), 'known_hosts');
    fs.writeFileSync(file, `${renderKnownHostsLine(h, KEY)}\n`);
    const lookup = (name: string) => {
      try {
        return execFileSync('ssh-keygen', ['-F', name, '-f', file], { encoding: 'utf8' });
      } catch {
        return '';
      }
    };
    for (const n of found) expect(lookup(n), n).toContain('ssh-ed25519');
    for (const n of notFound) expect(lookup(n), n).toBe('');
  });
});

describe('renderSshConfig (checked with ssh -G)', () => {
  const dir = '/lab';
  const file = path.join(tmp(), 'ssh_config');
  fs.writeFileSync(file, renderSshConfig(dir, [host('isu01', '127.0.1.1', 22), host('isu02', '127.0.1.2', 2222)], 'isucon'));
  const resolve = (name: string) => Object.fromEntries(
    execFileSync('ssh', ['-G', '-F', file, name], { encoding: 'utf8' }).split('\n').map((l) => [l.split(' ')[0], l.slice(l.indexOf(' ') + 1)]),
  );
  it.each([
    ['isu01', 'hostname', '127.0.1.1'],
    ['isu01', 'port', '22'],
    ['isu02', 'port', '2222'],
    ['isu02', 'user', 'isucon'],
    ['isu01', 'identityfile', '/lab/id_ed25519'],
    ['isu01', 'identitiesonly', 'yes'],
    ['isu01', 'userknownhostsfile', '/lab/known_hosts'],
    ['isu01', 'stricthostkeychecking', 'true'],
    ['isu01', 'connecttimeout', '5'],
  ])('%s %s = %s', (name, key, value) => expect(resolve(name)[key]).toBe(value));
});

describe('small renderers', () => {
  it('hosts.txt has a [lab] group', () => expect(renderHostsTxt([{ name: 'isu01' }, { name: 'isu02' }])).toBe('[lab]\nisu01\nisu02\n'));
  it('hosts-heavy.txt has a [heavy] group of user@host', () => expect(renderHostsTxt([{ name: 'isu01' }, { name: 'isu02' }], 'isuheavy')).toBe('[heavy]\nisuheavy@isu01\nisuheavy@isu02\n'));
  it('etc-hosts appends the host', () => expect(renderEtcHosts('127.0.0.1 localhost', { name: 'isu03', address: '127.0.1.3' })).toBe('127.0.0.1 localhost\n127.0.1.3\tisu03\n'));
  it.each([
    ['/tmp', '/tmp/isuops-test-lab', 'isuops-test-lab'],
    ['/tmp', '/root/.isuops/lab', null],
    ['/var/log', '/var/log', null],
    ['/home/isucon', '/home/isucon/x/lab', 'x/lab'],
  ])('findLabDirInside(%s, %s) = %s', (p, dir, rel) => expect(findLabDirInside(p, dir)).toBe(rel));
  it('keeper binds the lab dir back when it lives under /tmp, before the rbind over /tmp', () => {
    const args = keeperArgs('/tmp/lab', 'isu01').join(' ');
    expect(args).toMatch(/^isu01 \/tmp\/lab\/hosts\/isu01\/etc-hosts /);
    expect(args).toContain('bind /tmp/lab /tmp/lab/hosts/isu01/tmp/lab rbind /tmp/lab/hosts/isu01/tmp /tmp');
    expect(args).toContain('bind /tmp/lab/hosts/isu01/var/log /var/log');
  });
});
