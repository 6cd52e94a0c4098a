import { createHash } from 'node:crypto';
import { UsageError } from '../../errors.js';

/** Values for `%` tokens; a token whose value is undefined is not allowed in that directive. */
export type TokenValues = Partial<Record<'C' | 'd' | 'h' | 'i' | 'k' | 'L' | 'l' | 'n' | 'p' | 'r' | 'u', string>>;

/** Tokens accepted by IdentityFile, UserKnownHostsFile, IdentityAgent (ssh_config(5) TOKENS). */
export const FILE_TOKENS = ['C', 'd', 'h', 'i', 'k', 'L', 'l', 'n', 'p', 'r', 'u'] as const;
/** Tokens accepted by ProxyCommand and ProxyJump. */
export const PROXY_TOKENS = ['h', 'n', 'p', 'r'] as const;

/** What ssh knows when it expands tokens for the connection (ssh.c's cinfo). */
export interface TokenContext {
  hostname: string;
  port: number;
  remoteUser: string;
  originalHost: string;
  localUser: string;
  home: string;
  uid: number;
  /** Local host name with domain (%l); %L is its part before the first dot. */
  localHost: string;
  hostKeyAlias?: string;
}

/** Builds the full token table for a context. */
export function makeTokenValues(ctx: TokenContext): Required<TokenValues> {
  const port = String(ctx.port);
  return {
    // %C: sha1 of %l%h%p%r in hex (OpenSSH 9.2; newer versions also hash %j)
    C: createHash('sha1').update(`${ctx.localHost}${ctx.hostname}${port}${ctx.remoteUser}`).digest('hex'),
    d: ctx.home,
    h: ctx.hostname,
    i: String(ctx.uid),
    k: ctx.hostKeyAlias ?? ctx.originalHost,
    L: ctx.localHost.split('.')[0] ?? ctx.localHost,
    l: ctx.localHost,
    n: ctx.originalHost,
    p: port,
    r: ctx.remoteUser,
    u: ctx.localUser,
  };
}

/**
 * percent_expand(): replaces `%x` for the allowed tokens and `%%` by `%`. Like ssh, an unknown
 * token or a trailing `%` is an error (ssh exits; we throw UsageError naming the directive).
 */
export function expandTokens(text: string, values: TokenValues, allowed: readonly string[], what: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== '%') {
      out += ch;
      continue;
    }
    const key = text[i + 1];
    i++;
    if (key === '%') {
      out += '%';
      continue;
    }
    const value = key !== undefined && allowed.includes(key) ? values[key as keyof TokenValues] : undefined;
    if (value === undefined) {
      throw new UsageError(`${what} '${text}': unknown token %${key ?? ''} (allowed: %% ${allowed.map((k) => `%${k}`).join(' ')})`);
    }
    out += value;
  }
  return out;
}

/** `${VAR}` expansion that ssh applies to file-like directives; an unset variable is an error. */
export function expandEnvVars(text: string, vars: Record<string, string | undefined>, what: string): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new UsageError(`${what} '${text}': environment variable \${${name}} is not set`);
    return value;
  });
}

/** `~` and `~/x` -> home (ssh's tilde_expand_filename); `~user` only for the local user, else left as is. */
export function expandTilde(path: string, home: string, localUser: string): string {
  if (!path.startsWith('~')) return path;
  const slash = path.indexOf('/');
  const name = slash < 0 ? path.slice(1) : path.slice(1, slash);
  if (name !== '' && name !== localUser) return path;
  const rest = slash < 0 ? '' : path.slice(slash);
  return rest === '' || rest === '/' ? home + rest : home.replace(/\/$/, '') + rest;
}
