// Differential test: resolveHost against the real `ssh -G` (and `ssh -v` for IdentityFile, which
// -G prints unexpanded). ssh takes ~ from the passwd entry, not $HOME, so each ssh runs in a private
// mount namespace with a temp dir bind-mounted over the passwd home (needs root, like the lab).
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { loadSshConfig, resolveHost } from '../../../src/ssh/config.js';
import { expandJumpTokens } from '../../../src/ssh/config/resolve.js';
import { parseJumpList } from '../../../src/ssh/jump.js';
import type { ConnectOverrides, ResolvedHost } from '../../../src/ssh/types.js';

const run = promisify(execFile);
const FIXTURES = new URL('../../fixtures/ssh-config/', import.meta.url).pathname;
const me = userInfo();
const SSH_DEFAULT_IDS = ['rsa', 'ecdsa', 'ecdsa_sk', 'ed25519', 'ed25519_sk', 'xmss', 'dsa'].map((k) => `~/.ssh/id_${k}`);

interface Case {
  fixture: string;
  host: string;
  target?: { user?: string; port?: number };
  o?: ConnectOverrides;
  /** Also ask `ssh -v` for the expanded identity files (not possible with -J: it conflicts with the probe's ProxyCommand). */
  probe?: boolean;
}

// prettier-ignore
const CASES: Case[] = [
  { fixture: 'basic.conf', host: 'web1' },
  { fixture: 'basic.conf', host: 'web2' },
  { fixture: 'basic.conf', host: 'up' },
  { fixture: 'basic.conf', host: 'db07' },
  { fixture: 'basic.conf', host: 'unknown' },
  { fixture: 'basic.conf', host: 'WEB1' },
  { fixture: 'basic.conf', host: 'web1', target: { user: 'root' } },
  { fixture: 'basic.conf', host: 'web1', target: { user: 'me', port: 2022 } },
  { fixture: 'basic.conf', host: 'web1', o: { user: 'cli', port: 2 } },
  { fixture: 'basic.conf', host: 'web2', o: { options: ['User=opt', 'Port 3333', 'user=second'] } },
  { fixture: 'basic.conf', host: 'db1', o: { connectTimeout: 5, options: ['ServerAliveInterval=1', 'ServerAliveCountMax=9'] } },
  { fixture: 'basic.conf', host: 'web1', o: { identityFiles: ['~/.ssh/id_cli'], options: ['IdentityFile=%d/.ssh/id_%r'] } },
  { fixture: 'basic.conf', host: 'web1', o: { options: ['HostName=over.%h', 'StrictHostKeyChecking=no', 'IdentitiesOnly=yes'] } },
  { fixture: 'basic.conf', host: 'web1', o: { user: 'l', port: 7, jump: 'j1,u@j2:99', options: ['ConnectTimeout=3'] }, probe: false },
  { fixture: 'patterns.conf', host: 'isu1' },
  { fixture: 'patterns.conf', host: 'isu9' },
  { fixture: 'patterns.conf', host: 'isu10' },
  { fixture: 'patterns.conf', host: 'x.prod' },
  { fixture: 'patterns.conf', host: 'bastion.prod' },
  { fixture: 'patterns.conf', host: 'a' },
  { fixture: 'patterns.conf', host: 'isu-web' },
  { fixture: 'patterns.conf', host: 'c2' },
  { fixture: 'patterns.conf', host: 'C1' },
  { fixture: 'include.conf', host: 'alpha' },
  { fixture: 'include.conf', host: 'beta' },
  { fixture: 'include.conf', host: 'rel' },
  { fixture: 'include.conf', host: 'inside' },
  { fixture: 'include.conf', host: 'other' },
  { fixture: 'include.conf', host: 'nomatch-1' },
  { fixture: 'identity.conf', host: 'keys' },
  { fixture: 'identity.conf', host: 'other' },
  { fixture: 'identity.conf', host: 'alias1' },
  { fixture: 'identity.conf', host: 'plain' },
  { fixture: 'identity.conf', host: 'keys', target: { user: 'tu' }, o: { options: ['UserKnownHostsFile=/cli/kh %h'] } },
  { fixture: 'match.conf', host: 'short' },
  { fixture: 'match.conf', host: 'long.example.net' },
  { fixture: 'match.conf', host: 'Short' },
  { fixture: 'match.conf', host: 'sx', o: { user: 'deploy' } },
  { fixture: 'match.conf', host: 'nolocal', target: { user: 'deploy' } },
  { fixture: 'final.conf', host: 'fin' },
  { fixture: 'final.conf', host: 'real.final.example' },
  { fixture: 'final.conf', host: 'other' },
  { fixture: 'proxy.conf', host: 'via1' },
  { fixture: 'proxy.conf', host: 'via2', target: { user: 'ru' } },
  { fixture: 'proxy.conf', host: 'direct' },
  { fixture: 'proxy.conf', host: 'cmd-first' },
  { fixture: 'proxy.conf', host: 'cmd-quoted', probe: false },
  { fixture: 'proxy.conf', host: 'anything' },
  { fixture: 'proxy.conf', host: 'via1', o: { jump: 'ssh://me@cli-jump:2200' }, probe: false },
  { fixture: 'proxy.conf', host: 'via1', o: { options: ['ProxyJump=none'] } },
  { fixture: 'proxy.conf', host: 'via1', o: { options: ['ProxyJump=%n-gw:2022'] } },
  { fixture: 'strict.conf', host: 's-yes' },
  { fixture: 'strict.conf', host: 's-no' },
  { fixture: 'strict.conf', host: 's-off' },
  { fixture: 'strict.conf', host: 's-ask' },
  { fixture: 'strict.conf', host: 's-new' },
  { fixture: 'strict.conf', host: 's-true' },
  { fixture: 'strict.conf', host: 's-false' },
  { fixture: 'strict.conf', host: 'unset' },
  { fixture: 'strict.conf', host: 's-yes', o: { options: ['StrictHostKeyChecking=accept-new'] } },
  ...['cp-no', 'cp-false', 'cp-yes', 'cp-true', 'cp-600', 'cp-10m', 'cp-mixed', 'cp-zero', 'cp-other', 'unset'].map((host) => ({ fixture: 'persist.conf', host })),
  { fixture: 'persist.conf', host: 'cp-600', o: { options: ['ControlPersist=no'] } },
  { fixture: 'persist.conf', host: 'cp-no', o: { options: ['ControlPersist 2m'] } },
];

// prettier-ignore
const ERROR_CASES: Case[] = [
  { fixture: 'bad-port.conf', host: 'elsewhere' },
  { fixture: 'bad-strict.conf', host: 'x' },
  { fixture: 'basic.conf', host: 'web1', o: { options: ['Port=0'] } },
  { fixture: 'basic.conf', host: 'web1', o: { options: ['ConnectTimeout=soon'] } },
  { fixture: 'bad-persist.conf', host: 'x' },
  { fixture: 'basic.conf', host: 'web1', o: { options: ['ControlPersist=YES'] } },
  { fixture: 'basic.conf', host: 'web1', o: { options: ['ControlPersist=-1'] } },
];

let work = '';
let fix = '';
let fakeHome = '';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'isuops-sshcfg-'));
  fix = join(work, 'fixtures');
  fakeHome = join(work, 'home');
  await cp(FIXTURES, fix, { recursive: true });
  await cp(join(FIXTURES, 'home'), fakeHome, { recursive: true });
  await writeFile(join(fakeHome, '.ssh', 'id_cli'), 'not a key\n');
  // fixtures name their own directory as {{DIR}}
  for (const dir of [fix, join(fix, 'include.d')]) {
    for (const name of await readdir(dir)) {
      if (!/\.(conf|part)$/.test(name)) continue;
      const path = join(dir, name);
      await writeFile(path, (await readFile(path, 'utf8')).replaceAll('{{DIR}}', fix));
    }
  }
});

afterAll(async () => {
  if (work !== '') await rm(work, { recursive: true, force: true });
});

/** Runs ssh with the fake home mounted over the passwd home; returns exit code and output. */
async function runSsh(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = 'mount --bind "$1" "$2" && shift 2 && exec ssh "$@"';
  try {
    const r = await run('unshare', ['-m', 'sh', '-c', script, 'sh', fakeHome, me.homedir, ...args], { timeout: 20_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The ssh command line equivalent to a case (command-line options before the destination). */
function sshArgs(c: Case, configFile: string, extra: string[]): string[] {
  const o = c.o ?? {};
  const args = ['-F', configFile, ...extra];
  if (o.user !== undefined) args.push('-l', o.user);
  if (o.port !== undefined) args.push('-p', String(o.port));
  for (const i of o.identityFiles ?? []) args.push('-i', i);
  if (o.jump !== undefined) args.push('-J', o.jump);
  if (o.connectTimeout !== undefined) args.push('-o', `ConnectTimeout=${o.connectTimeout}`);
  for (const opt of o.options ?? []) args.push('-o', opt);
  const t = c.target ?? {};
  if (t.port !== undefined) args.push(`ssh://${t.user !== undefined ? `${t.user}@` : ''}${c.host}:${t.port}`);
  else args.push(`${t.user !== undefined ? `${t.user}@` : ''}${c.host}`);
  return args;
}

/** `ssh -G` through a wrapper that adds isuops's default (accept-new) after the fixture. */
async function sshG(c: Case): Promise<{ code: number; keys: Map<string, string[]>; stderr: string }> {
  const wrapper = join(work, `wrap-${c.fixture}`);
  await writeFile(wrapper, `Include ${join(fix, c.fixture)}\nMatch all\n  StrictHostKeyChecking accept-new\n`);
  const r = await runSsh(['-G', ...sshArgs(c, wrapper, [])]);
  const keys = new Map<string, string[]>();
  for (const line of r.stdout.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp < 0) continue;
    const key = line.slice(0, sp);
    keys.set(key, [...(keys.get(key) ?? []), line.slice(sp + 1)]);
  }
  return { code: r.code, keys, stderr: r.stderr };
}

/** The identity files ssh really tries (-v), via a ProxyCommand that opens no connection. */
async function sshIdentityFiles(c: Case): Promise<string[]> {
  const r = await runSsh(sshArgs(c, join(fix, c.fixture), ['-v', '-o', 'ProxyCommand=true', '-o', 'BatchMode=yes']));
  const files = [...r.stderr.matchAll(/^debug1: identity file (.*) type -?\d+$/gm)].map((m) => m[1] as string);
  // each key is followed by its "-cert" companion
  return files.filter((_f, i) => i % 2 === 0);
}

async function resolveCase(c: Case): Promise<ResolvedHost> {
  const config = await loadSshConfig(join(fix, c.fixture), { home: fakeHome });
  return resolveHost({ host: c.host, ...c.target }, config, c.o ?? {}, { home: me.homedir, localUser: me.username });
}

const STRICT_FROM_SSH: Record<string, string> = { ask: 'yes', true: 'yes', false: 'no', 'accept-new': 'accept-new' };

function label(c: Case): string {
  return `${c.fixture} ${c.target?.user ?? ''}${c.target?.user !== undefined ? '@' : ''}${c.host}${c.target?.port !== undefined ? `:${c.target.port}` : ''} ${JSON.stringify(c.o ?? {})}`;
}

describe('resolveHost agrees with ssh -G', () => {
  it('has ssh and a private mount namespace to run it in', async () => {
    const r = await runSsh(['-V']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/OpenSSH_/);
  });

  it.each(CASES.map((c) => [label(c), c] as const))('%s', async (_l, c) => {
    const ssh = await sshG(c);
    expect(ssh.code, ssh.stderr).toBe(0);
    const one = (k: string): string | undefined => ssh.keys.get(k)?.[0];
    const ours = await resolveCase(c);

    const sshView = {
      hostname: one('hostname'),
      user: one('user'),
      port: Number(one('port')),
      identitiesOnly: one('identitiesonly') === 'yes',
      userKnownHostsFiles: (one('userknownhostsfile') ?? '').split(' '),
      globalKnownHostsFiles: (one('globalknownhostsfile') ?? '').split(' '),
      strictHostKeyChecking: STRICT_FROM_SSH[one('stricthostkeychecking') ?? ''],
      connectTimeout: one('connecttimeout') === 'none' ? undefined : Number(one('connecttimeout')),
      serverAliveInterval: Number(one('serveraliveinterval')),
      serverAliveCountMax: Number(one('serveralivecountmax')),
      hostKeyAlias: one('hostkeyalias'),
      proxyCommand: one('proxycommand'),
      controlPersist: /^\d+$/.test(one('controlpersist') ?? '') ? Number(one('controlpersist')) : one('controlpersist'),
    };
    const oursView = {
      hostname: ours.hostname,
      user: ours.user,
      port: ours.port,
      identitiesOnly: ours.identitiesOnly,
      userKnownHostsFiles: ours.userKnownHostsFiles,
      globalKnownHostsFiles: ours.globalKnownHostsFiles,
      strictHostKeyChecking: ours.strictHostKeyChecking,
      connectTimeout: ours.connectTimeout,
      serverAliveInterval: ours.serverAliveInterval,
      serverAliveCountMax: ours.serverAliveCountMax,
      hostKeyAlias: ours.hostKeyAlias,
      proxyCommand: ours.proxyCommand,
      // unset: ssh prints `no` (it keeps no master); isuops keeps 10 minutes then (its own default)
      controlPersist: ours.controlPersist ?? 'no',
    };
    expect(oursView).toEqual(sshView);

    // ssh -G prints ProxyJump raw; ssh expands %h %n %p %r in it when it builds the jump command
    const jump = one('proxyjump');
    const tokens = { h: sshView.hostname, n: c.host, p: String(sshView.port), r: sshView.user };
    expect(ours.proxyJump).toEqual(jump === undefined ? [] : expandJumpTokens(parseJumpList(jump), tokens));

    // identity files: -G shows ssh's built-in defaults unexpanded, so compare "default" there
    const sshIds = ssh.keys.get('identityfile') ?? [];
    const sshDefault = JSON.stringify(sshIds) === JSON.stringify(SSH_DEFAULT_IDS);
    expect(ours.identityFilesDefault).toBe(sshDefault);
    if (c.probe !== false) {
      const tried = await sshIdentityFiles(c);
      const expected = sshDefault
        ? ['ed25519', 'ecdsa', 'rsa'].map((k) => `${me.homedir}/.ssh/id_${k}`).filter((p) => tried.includes(p))
        : tried;
      expect(ours.identityFiles).toEqual(expected);
    }
  });

  it.each(ERROR_CASES.map((c) => [label(c), c] as const))('rejects like ssh: %s', async (_l, c) => {
    const ssh = await sshG(c);
    expect(ssh.code).toBe(255);
    await expect(resolveCase(c)).rejects.toBeInstanceOf(UsageError);
  });
});
