import { hostname as osHostname, userInfo } from 'node:os';
import SSHConfig, { LineType } from 'ssh-config';
import { UsageError } from '../../errors.js';
import { formatJumpList, jumpNameProblem, parseJumpList } from '../jump.js';
import type { ConnectOverrides, JumpSpec, ResolvedHost } from '../types.js';
import { applyOption, collectOptions, type CollectedOptions } from './evaluate.js';
import { parseHostKeyAlgorithms, parsePubkeyAcceptedAlgorithms } from './algorithms.js';
import { isKnownKeyword, keywordSpelling, REFUSED } from './keywords.js';
import { badOption, checkOptionValue, lineArgs, type SshConfigSource } from './source.js';
import { expandEnvVars, expandTilde, expandTokens, FILE_TOKENS, makeTokenValues, PROXY_TOKENS, type TokenValues } from './tokens.js';
import { parseControlPersistValue, parseCountValue, parseFlagValue, parsePortValue, parseStrictValue, parseTimeValue } from './values.js';

/** The local side of token expansion; everything but home/localUser defaults to this process. */
export interface ResolveEnv {
  home: string;
  localUser: string;
  uid?: number;
  /** For %l/%L; default os.hostname(). */
  localHost?: string;
  /** For `${VAR}` in file directives; default process.env. */
  vars?: Record<string, string | undefined>;
}

/** The host as written in the hosts list (`user@host:port`); name defaults to host. */
export interface ResolveTarget {
  host: string;
  user?: string;
  port?: number;
  name?: string;
}

/** What isuops tries when no IdentityFile was given (ssh -G lists more; only these are used). */
export const DEFAULT_IDENTITY_FILES = ['~/.ssh/id_ed25519', '~/.ssh/id_ecdsa', '~/.ssh/id_rsa'];
const DEFAULT_USER_KNOWN_HOSTS = ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'];
const DEFAULT_GLOBAL_KNOWN_HOSTS = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];
const COMMAND_LINE_ONLY = new Set(['host', 'match', 'include']);

/** Turns `-o Key=Value` (or `Key Value`) into a validated option, like ssh's process_config_line. */
export function parseOverrideOption(text: string): { key: string; args: string[] } {
  const line = [...SSHConfig.parse(text)].find((l) => l.type === LineType.DIRECTIVE);
  if (line === undefined || !('param' in line)) throw new UsageError(`-o '${text}': expected Key=Value`);
  const key = line.param.toLowerCase();
  if (COMMAND_LINE_ONLY.has(key)) throw new UsageError(`-o '${text}': ${line.param} is not allowed on the command line`);
  if (!isKnownKeyword(key)) throw new UsageError(badOption('command-line: line 0', key));
  const args = lineArgs(line);
  checkOptionValue(key, args, `-o '${text}'`);
  return { key, args };
}

/**
 * Resolves one host like `ssh -G -F config`: command line first (user@host:port as written, then
 * -l/--port/-i/-J/--connect-timeout, then -o in order), then the config, first value wins; then
 * ssh's defaults (isuops: StrictHostKeyChecking accept-new; IdentityFile default marked by
 * `identityFilesDefault`). Tokens and `~` are expanded where ssh expands them when connecting.
 */
export function resolveHost(
  target: ResolveTarget,
  config: SshConfigSource,
  overrides: ConnectOverrides,
  env?: ResolveEnv,
): ResolvedHost {
  const info = env === undefined || env.uid === undefined ? userInfo() : undefined;
  const home = env?.home ?? (info as NonNullable<typeof info>).homedir;
  const localUser = env?.localUser ?? (info as NonNullable<typeof info>).username;
  const opts: CollectedOptions = { single: new Map(), identityFiles: [] };
  applyCommandLine(opts, target, overrides);

  const base = { originalHost: target.host, localUser };
  const wantFinal = collectOptions(config, opts, { ...base, hostArg: target.host, final: false });
  const hostname = expandTokens(opts.single.get('hostname')?.[0] ?? target.host, { h: target.host }, ['h'], 'HostName').toLowerCase();
  if (wantFinal) {
    // like ssh: `Match final` re-reads the config with Host/Match host seeing the HostName
    opts.single.set('hostname', [hostname]);
    collectOptions(config, opts, { ...base, hostArg: hostname, final: true });
  }

  refuseUnimplemented(opts, target.host);
  const get = (key: string): string | undefined => opts.single.get(key)?.[0];
  const user = get('user') ?? localUser;
  const port = get('port') === undefined ? 22 : parsePortValue(get('port') as string, 'Port');
  const hostKeyAlias = get('hostkeyalias');
  const tokens = makeTokenValues({
    hostname, port, remoteUser: user, originalHost: target.host, localUser, home,
    uid: env?.uid ?? (info as NonNullable<typeof info>).uid,
    localHost: env?.localHost ?? osHostname(),
    hostKeyAlias,
  });
  const vars = env?.vars ?? process.env;
  const expandFile = (p: string, what: string): string =>
    expandTokens(expandEnvVars(expandTilde(p, home, localUser), vars, what), tokens, FILE_TOKENS, what);

  const explicitIds = opts.identityFiles.length > 0;
  const knownHosts = opts.single.get('userknownhostsfile') ?? DEFAULT_USER_KNOWN_HOSTS;
  const resolved: ResolvedHost = {
    name: target.name ?? target.host,
    alias: target.host,
    hostname,
    user,
    port,
    identityFiles: (explicitIds ? opts.identityFiles : DEFAULT_IDENTITY_FILES).map((p) => expandFile(p, 'IdentityFile')),
    identityFilesDefault: !explicitIds,
    identitiesOnly: get('identitiesonly') === undefined ? false : parseFlagValue(get('identitiesonly') as string, 'IdentitiesOnly'),
    userKnownHostsFiles: knownHosts[0] === 'none' ? [] : knownHosts.map((p) => expandFile(p, 'UserKnownHostsFile')),
    // ssh expands neither ~ nor tokens here
    globalKnownHostsFiles: opts.single.get('globalknownhostsfile') ?? DEFAULT_GLOBAL_KNOWN_HOSTS,
    strictHostKeyChecking: get('stricthostkeychecking') === undefined ? 'accept-new' : parseStrictValue(get('stricthostkeychecking') as string, 'StrictHostKeyChecking'),
    serverAliveInterval: get('serveraliveinterval') === undefined ? 0 : parseTimeValue(get('serveraliveinterval') as string, 'ServerAliveInterval'),
    serverAliveCountMax: get('serveralivecountmax') === undefined ? 3 : parseCountValue(get('serveralivecountmax') as string, 'ServerAliveCountMax'),
    proxyJump: [],
  };
  if (hostKeyAlias !== undefined) resolved.hostKeyAlias = hostKeyAlias;
  const algorithms = get('hostkeyalgorithms');
  if (algorithms !== undefined) resolved.hostKeyAlgorithms = parseHostKeyAlgorithms(algorithms, 'HostKeyAlgorithms');
  // one option under two names in ssh (PubkeyAcceptedKeyTypes is the old one)
  const pubkey = get('pubkeyacceptedalgorithms') ?? get('pubkeyacceptedkeytypes');
  if (pubkey !== undefined) resolved.pubkeyAcceptedAlgorithms = parsePubkeyAcceptedAlgorithms(pubkey, 'PubkeyAcceptedAlgorithms');
  const revoked = opts.single.get('revokedhostkeys');
  if (revoked !== undefined && revoked[0]!.toLowerCase() !== 'none') resolved.revokedHostKeys = revoked.map((p) => expandFile(p, 'RevokedHostKeys'));
  if (get('hashknownhosts') !== undefined) resolved.hashKnownHosts = parseFlagValue(get('hashknownhosts') as string, 'HashKnownHosts');
  const timeout = get('connecttimeout');
  if (timeout !== undefined && timeout !== 'none') resolved.connectTimeout = parseTimeValue(timeout, 'ConnectTimeout');
  const persist = get('controlpersist');
  if (persist !== undefined) resolved.controlPersist = parseControlPersistValue(persist, 'ControlPersist');
  const agent = get('identityagent');
  if (agent !== undefined) resolved.identityAgent = agent === 'none' || agent === 'SSH_AUTH_SOCK' ? agent : expandFile(agent, 'IdentityAgent');
  applyProxy(resolved, opts.single.get('proxy'), tokens);
  return resolved;
}

/** A keyword isuops does not implement, set for this host to something but ssh's default: exit 2. */
function refuseUnimplemented(opts: CollectedOptions, host: string): void {
  for (const [key, { args, where }] of opts.refused ?? []) {
    const allowed = REFUSED.get(key) ?? [];
    if (allowed.includes((args[0] ?? '').toLowerCase())) continue;
    const name = keywordSpelling(key);
    const fix = allowed.length > 0 ? `set ${name} ${allowed[0]}` : `remove it from what applies to ${host}`;
    throw new UsageError(`${where}: ${name} ${args.join(' ')}: isuops does not implement ${name} (${fix})`);
  }
}

/** Command-line values go in before the config so that they win (first value obtained wins). */
function applyCommandLine(opts: CollectedOptions, target: ResolveTarget, o: ConnectOverrides): void {
  if (target.user !== undefined) applyOption(opts, 'user', [target.user]);
  if (target.port !== undefined) applyOption(opts, 'port', [String(target.port)]);
  if (o.user !== undefined) applyOption(opts, 'user', [o.user]);
  if (o.port !== undefined) applyOption(opts, 'port', [String(o.port)]);
  for (const file of o.identityFiles ?? []) applyOption(opts, 'identityfile', [file]);
  if (o.jump !== undefined) {
    parseJumpList(o.jump);
    applyOption(opts, 'proxyjump', [o.jump]);
  }
  if (o.connectTimeout !== undefined) applyOption(opts, 'connecttimeout', [String(o.connectTimeout)]);
  for (const text of o.options ?? []) {
    const { key, args } = parseOverrideOption(text);
    applyOption(opts, key, args);
  }
}

/** ProxyJump (tokens %h %n %p %r %% in each hop) or ProxyCommand (kept raw); `none` means direct. */
function applyProxy(resolved: ResolvedHost, slot: string[] | undefined, tokens: TokenValues): void {
  if (slot === undefined) return;
  const [key, ...args] = slot;
  if (key === 'proxyjump') {
    resolved.proxyJump = expandJumpTokens(parseJumpList(args[0] as string), tokens);
  } else if (args.join(' ') !== 'none') {
    resolved.proxyCommand = args.join(' ');
  }
}

/** Expands ProxyJump tokens in each hop's user and host (ssh does it via its implicit ProxyCommand). */
export function expandJumpTokens(hops: JumpSpec[], tokens: TokenValues): JumpSpec[] {
  return hops.map((hop) => {
    const out: JumpSpec = { ...hop, host: expandTokens(hop.host, tokens, PROXY_TOKENS, 'ProxyJump') };
    if (hop.user !== undefined) out.user = expandTokens(hop.user, tokens, PROXY_TOKENS, 'ProxyJump');
    // a token may have brought in what the hop as written did not hold
    const problem = jumpNameProblem(out);
    if (problem) throw new UsageError(`ProxyJump ${formatJumpList([hop])}: ${problem}`);
    return out;
  });
}
