import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { labDir, runIsuops } from './helpers.js';

// CVE-2023-51385 class: a name that reaches ProxyCommand's shell through %h, %n or %r must be
// refused before anything runs; `ssh` refuses the same names ("hostname contains invalid characters").
let dir: string;
let mark: string;
let config: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-names-'));
  mark = path.join(dir, 'ran');
  config = path.join(dir, 'ssh_config');
  const lab = path.join(labDir(), 'ssh_config');
  writeFileSync(
    config,
    [
      'Host evil',
      `  HostName x$(id>${mark})`,
      'Host hop',
      '  ProxyCommand true %r %h',
      'Host viahop',
      `  ProxyJump u$(id>${mark})@hop`,
      'Host evil viahop',
      '  ProxyCommand true %h %n %r',
      `Include ${lab}`,
      'Host *',
      '  ProxyCommand true %h %n %r',
      '',
    ].join('\n'),
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const payload = () => `$(id>${mark})`;

describe('names that would reach a ProxyCommand shell are refused', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ['a host in -H', () => ['-H', `x${payload()}`], /^isuops: -H: bad host "x\$\(id>.*\)": invalid host name \("\$" is not allowed\)$/],
    ['a user in -H', () => ['-H', `${payload()}@isu01`], /invalid user name \("\(" is not allowed\)$/],
    ['-l', () => ['-H', 'isu01', '-l', payload()], /invalid user name \("\(" is not allowed\)$/],
    ['-J', () => ['-H', 'isu01', '-J', `b${payload()}`], /invalid hostname "b\$\(id>.*\)": "\$" is not allowed/],
    ['HostName from the config', () => ['-H', 'evil'], /^isuops: evil: hostname "x\$\(id>.*\)" for %h in ProxyCommand contains invalid characters \("\$" is not allowed\)$/],
    ['ProxyJump from the config', () => ['-H', 'viahop'], /invalid username "u\$\(id>.*\)": "\(" is not allowed/],
    ['-o User', () => ['-H', 'isu01', '-o', `User=${payload()}`], /remote username "\$\(id>.*\)" for %r in ProxyCommand contains invalid characters/],
  ];
  it.each(cases)('%s', async (_what, args, message) => {
    const r = await runIsuops(['exec', '-F', config, ...args(), 'true']);
    expect(existsSync(mark)).toBe(false);
    expect(r.exitCode).toBe(2);
    // commander's own hint line after a bad flag value is the project's usage-error form
    const lines = r.stderr.split('\n').filter((l) => l !== '' && l !== '(run with --help for usage)');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it('a hosts file line, with its FILE:LINE', async () => {
    const hosts = path.join(dir, 'hosts.txt');
    writeFileSync(hosts, `isu01\nx${payload()}\n`);
    const r = await runIsuops(['exec', '-F', config, '-f', hosts, 'true']);
    expect(existsSync(mark)).toBe(false);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^isuops: ${hosts}:2: bad host "x\\$\\(id>.*\\)": invalid host name \\("\\$" is not allowed\\)\\n$`));
  });

  it('ssh refuses the same host name (the oracle)', async () => {
    const { execa } = await import('execa');
    const r = await execa('ssh', ['-G', '-F', config, `x${payload()}`], { reject: false });
    expect(r.exitCode).toBe(255);
    expect(r.stderr).toContain('hostname contains invalid characters');
    expect(existsSync(mark)).toBe(false);
  });

  it('a plain name still goes through a ProxyCommand that uses %h %p %r', async () => {
    const lab = path.join(labDir(), 'ssh_config');
    const proxy = `node -e "const s=require('net').connect(+process.argv[1],process.argv[2]);process.stdin.pipe(s).pipe(process.stdout)" %p %h %r`;
    const r = await runIsuops(['exec', '-F', lab, '-H', 'isu01', '-o', `ProxyCommand=${proxy}`, 'hostname']);
    expect(r.stderr).toContain('1 ok');
    expect(r.stdout).toBe('isu01: isu01\n');
    expect(r.exitCode).toBe(0);
  });
});
