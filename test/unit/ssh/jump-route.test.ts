// planJumpRoute against what OpenSSH really does: `ssh -v` prints each level's implicit ProxyCommand
// (`ssh ... -W '[host]:port' hop`, children inherit -v) and, at the innermost level, the direct
// connection. Every address is 127.0.0.x on a port nothing listens on, so ssh fails at once.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { loadSshConfig, resolveHost, type SshConfigSource } from '../../../src/ssh/config.js';
import { formatJumpList } from '../../../src/ssh/jump.js';
import { formatJumpRoute, planJumpRoute, type JumpHop, type ResolveHop } from '../../../src/ssh/jump-route.js';
import type { ConnectOverrides } from '../../../src/ssh/types.js';

const run = promisify(execFile);
const env = { home: userInfo().homedir, localUser: userInfo().username };

const CONFIG = `
Host a
  HostName 127.0.0.1
  Port 1
  User ua
Host b
  HostName 127.0.0.2
  Port 2
  ProxyJump c
Host c
  HostName 127.0.0.3
  Port 3
Host d
  HostName 127.0.0.4
  Port 4
  ProxyJump b
Host t
  HostName 127.0.0.9
  Port 9
  ProxyJump a,b
Host n
  HostName 127.0.0.10
  Port 10
  ProxyJump none
Host loop1
  ProxyJump loop2
Host loop2
  ProxyJump loop1
`;

/** What a route does, as ssh -v shows it: `fwd host:port via hop` per level, then `direct host:port`. */
function describePlan(host: { hostname: string; port: number }, hop: JumpHop | undefined): string[] {
  const steps: string[] = [];
  let target = host;
  for (let h = hop; h; h = h.via) {
    steps.push(`fwd ${target.hostname}:${target.port} via ${h.host.alias}`);
    target = h.host;
  }
  steps.push(`direct ${target.hostname}:${target.port}`);
  return steps;
}

/** The same steps from ssh -v's stderr. */
function describeSsh(stderr: string): string[] {
  const steps: string[] = [];
  for (const line of stderr.split(/\r?\n/)) {
    const fwd = /Executing proxy command: exec ssh .* -W '\[([^\]]+)\]:(\d+)' (\S+)$/.exec(line);
    if (fwd) steps.push(`fwd ${fwd[1]}:${fwd[2]} via ${fwd[3]}`);
    const direct = /debug1: Connecting to \S+ \[([^\]]+)\] port (\d+)\./.exec(line);
    if (direct) steps.push(`direct ${direct[1]}:${direct[2]}`);
  }
  return steps;
}

let dir: string;
let configFile: string;
let config: SshConfigSource;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'isuops-jump-route-'));
  configFile = join(dir, 'config');
  await writeFile(configFile, CONFIG);
  config = await loadSshConfig(configFile);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const resolveHop: ResolveHop = (hop, before) =>
  resolveHost({ host: hop.host, user: hop.user, port: hop.port }, config, before.length ? { jump: formatJumpList(before) } : {}, env);

function plan(host: string, o: ConnectOverrides = {}) {
  const target = resolveHost({ host }, config, o, env);
  return { target, hop: planJumpRoute(target, resolveHop) };
}

// prettier-ignore
const CASES: Array<{ host: string; jump?: string; route: string }> = [
  { host: 't', route: 'a,b' },                 // b's own ProxyJump c is overridden by -J a
  { host: 'b', route: 'c' },
  { host: 'd', route: 'c,b' },                 // b's own ProxyJump honoured when b is the first hop
  { host: 't', jump: 'c', route: 'c' },
  { host: 't', jump: 'none', route: '-' },
  { host: 'n', route: '-' },
  { host: 't', jump: 'zz@a:5', route: 'zz@a:5' },
  { host: 't', jump: 'c,d', route: 'c,d' },    // d's ProxyJump b overridden by -J c
  { host: 'n', jump: 'd,a', route: 'c,b,d,a' }, // d first: its own chain comes along
];

describe('planJumpRoute agrees with ssh -v', () => {
  it.each(CASES)('$host -J $jump -> $route', async ({ host, jump, route }) => {
    const { target, hop } = plan(host, jump === undefined ? {} : { jump });
    expect(formatJumpRoute(hop)).toBe(route);
    const r = await run('ssh', ['-v', '-F', configFile, '-o', 'BatchMode=yes', ...(jump ? ['-J', jump] : []), host, 'true'], { timeout: 20_000 }).catch((e) => e);
    expect(describePlan(target, hop)).toEqual(describeSsh(String(r.stderr)));
  });
});

describe('planJumpRoute', () => {
  it('hops of one chain share nothing with another chain through the same host', () => {
    expect(plan('t').hop!.key).not.toBe(plan('b').hop!.key);
  });
  it('the same hop reached the same way is one key', () => {
    expect(plan('t', { jump: 'c' }).hop!.key).toBe(plan('d', { jump: 'c' }).hop!.key);
  });
  it('a hop given another user is another connection', () => {
    expect(plan('t', { jump: 'x@c' }).hop!.key).not.toBe(plan('t', { jump: 'c' }).hop!.key);
  });
  it('a ProxyJump loop is a usage error naming the fix', () => {
    expect(() => plan('loop1')).toThrow(UsageError);
    expect(() => plan('loop1')).toThrow(/ProxyJump none/);
  });
});
