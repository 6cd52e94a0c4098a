import { isIPv6 } from 'node:net';

// OpenSSH readconf.c ssh_valid_hostname(): these, whitespace and control characters are refused
// in a host given on the command line (they would reach a ProxyCommand's shell through %h / %n).
const SSH_BAD_HOST_CHARS = `'\`"$\\;&<>|(){},`;
// ssh_valid_ruser(): the same set, minus `$`, `\`, `,` (allowed in the middle of a user name).
const SSH_BAD_USER_CHARS = `'\`";&<>|(){}`;
// Control characters, C1 included, and U+FFFD (what bytes that are not UTF-8 become when read).
const CONTROL = /[\u0000-\u001f\u007f-\u009f\ufffd]/u;

/** Why `host` is not a host name ssh would take from its command line, or undefined when it is. */
export function sshHostnameProblem(host: string): string | undefined {
  if (host.startsWith('-')) return 'it starts with "-"';
  for (const ch of host) {
    if (SSH_BAD_HOST_CHARS.includes(ch)) return `${quoteChar(ch)} is not allowed`;
    if (/\s/u.test(ch)) return 'whitespace is not allowed';
    if (CONTROL.test(ch)) return ch === '\ufffd' ? 'it holds bytes that are not UTF-8' : 'control characters are not allowed';
  }
  return undefined;
}

/**
 * Why `user` is not a user name ssh would take from its command line (ssh_valid_ruser), or
 * undefined: an empty user, a leading `-`, control characters, quotes and shell punctuation,
 * a `-` after whitespace, a trailing `\`.
 */
export function sshUserProblem(user: string): string | undefined {
  if (user === '') return 'it is empty';
  if (user.startsWith('-')) return 'it starts with "-"';
  const chars = [...user];
  for (const [i, ch] of chars.entries()) {
    if (CONTROL.test(ch)) return ch === '\ufffd' ? 'it holds bytes that are not UTF-8' : 'control characters are not allowed';
    if (SSH_BAD_USER_CHARS.includes(ch)) return `${quoteChar(ch)} is not allowed`;
    if (/\s/u.test(ch) && chars[i + 1] === '-') return '"-" after whitespace is not allowed';
    if (ch === '\\' && i === chars.length - 1) return 'a trailing "\\" is not allowed';
  }
  return undefined;
}

/**
 * Why `host` is no host name for isuops's hosts lists: what ssh refuses (sshHostnameProblem),
 * plus what no host name holds: `/`, `[`, `]`, `=`, `%` outside an IPv6 zone, and `:` outside an
 * IPv6 address (`foo:bar:baz` is neither a host nor host:port).
 */
export function hostEntryProblem(host: string): string | undefined {
  const ssh = sshHostnameProblem(host);
  if (ssh !== undefined) return ssh;
  if (host.includes(':')) {
    return isIPv6(host.replace(/%[^%]+$/, '')) ? undefined : 'it has several ":" but is not an IPv6 address (write host:port, or [IPv6]:port)';
  }
  const bad = /[/[\]=%]/.exec(host);
  if (bad) return `"${bad[0]}" is not allowed`;
  return undefined;
}

function quoteChar(ch: string): string {
  return ch === '"' ? `'"'` : `"${ch}"`;
}
