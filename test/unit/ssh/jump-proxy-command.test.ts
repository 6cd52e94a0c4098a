// ProxyCommand token expansion and spawning, against what OpenSSH runs: the command is a script
// that writes its arguments to a file and exits, and what ssh made it write is the oracle.
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSshConfig, resolveHost } from '../../../src/ssh/config.js';
import { describeForwardFailure } from '../../../src/ssh/jump-connect.js';
import { spawnProxyCommand } from '../../../src/ssh/proxy-command.js';

const run = promisify(execFile);
const env = { home: userInfo().homedir, localUser: userInfo().username };

let dir: string;
let configFile: string;
let script: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'isuops-proxy-command-'));
  script = join(dir, 'pc.sh');
  // exits with 7 after saying so on stderr, so isuops's message can be checked too
  await writeFile(script, `#!/bin/sh\nprintf '%s\\n' "$*" > "$0.out"\necho "pc: giving up on $1" >&2\nexit 7\n`);
  await chmod(script, 0o755);
  configFile = join(dir, 'config');
  await writeFile(
    configFile,
    [
      'Host p1', '  HostName 127.0.0.21', '  Port 2201', '  User alice', `  ProxyCommand ${script} %h %p %r %n`,
      'Host p2', '  HostName 127.0.0.%h', `  ProxyCommand ${script} [%h]:%p 100%%`,
      'Host p3', `  ProxyCommand ${script} %n`,
      '',
    ].join('\n'),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** What the script was given when ssh ran it. */
async function sshArgs(host: string): Promise<string> {
  await rm(`${script}.out`, { force: true });
  await run('ssh', ['-F', configFile, '-o', 'BatchMode=yes', host, 'true'], { timeout: 20_000 }).catch(() => {});
  return readFile(`${script}.out`, 'utf8');
}

/** What the script was given when isuops ran it, and isuops's description of how it ended. */
async function isuopsArgs(host: string): Promise<{ args: string; message: string }> {
  await rm(`${script}.out`, { force: true });
  const config = await loadSshConfig(configFile);
  const proxy = spawnProxyCommand(resolveHost({ host }, config, {}, env));
  proxy.sock.resume();
  await new Promise((resolve) => proxy.child.once('close', resolve));
  return { args: await readFile(`${script}.out`, 'utf8'), message: proxy.describe() };
}

describe('ProxyCommand as ssh runs it', () => {
  it.each(['p1', 'p2', 'p3'])('%s: same arguments as ssh gives it', async (host) => {
    const want = await sshArgs(host);
    expect(want).not.toBe('');
    expect((await isuopsArgs(host)).args).toBe(want);
  });
  it('its exit status and last stderr line make the message', async () => {
    expect((await isuopsArgs('p1')).message).toBe(`ProxyCommand '${script} 127.0.0.21 2201 alice p1' exited with 7: pc: giving up on 127.0.0.21`);
  });
});

// prettier-ignore
const FORWARD_CASES: Array<[string, { reason?: number; message: string }, string]> = [
  ['bastion', { reason: 1, message: '(SSH) Channel open failure: open failed' }, 'bastion refused forwarding to 10.0.0.1:22 (administratively prohibited)'],
  ['bastion', { reason: 2, message: '(SSH) Channel open failure: Connection refused' }, 'via bastion: connection refused by 10.0.0.1:22'],
  ['gw:2222', { reason: 2, message: '(SSH) Channel open failure: No route to host' }, 'via gw:2222: could not connect to 10.0.0.1:22 (No route to host)'],
  ['bastion', { reason: 4, message: '(SSH) Channel open failure: ' }, 'via bastion: forwarding to 10.0.0.1:22 failed'],
];

describe('describeForwardFailure', () => {
  it.each(FORWARD_CASES)('%s %o', (hop, err, want) => {
    expect(describeForwardFailure(hop, '10.0.0.1:22', Object.assign(new Error(err.message), { reason: err.reason }))).toBe(want);
  });
});
