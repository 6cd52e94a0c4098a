import { UsageError } from '../errors.js';
import { sshHostnameProblem, sshUserProblem } from './names.js';
import type { JumpSpec } from './types.js';

/**
 * Parses a `-J` / ProxyJump value: `[user@]host[:port]` or `ssh://[user@]host[:port]`, comma
 * separated, IPv6 as `[::1]:22`; `none` means no jump (ssh's own spelling).
 */
export function parseJumpList(spec: string): JumpSpec[] {
  const text = spec.trim();
  if (text.toLowerCase() === 'none') return [];
  if (text === '') throw new UsageError('empty jump host list: give [user@]host[:port][,...] or none');
  return text.split(',').map((hop) => parseJumpHop(hop, spec));
}

/** One hop; `whole` is only used for the message. */
function parseJumpHop(hop: string, whole: string): JumpSpec {
  const bad = (why: string): UsageError =>
    new UsageError(`bad jump host '${hop}' in '${whole}': ${why} (expected [user@]host[:port])`);
  let rest = hop.trim();
  if (rest === '') throw bad('empty hop');
  if (/\s/.test(rest)) throw bad('contains whitespace');
  const isUri = rest.toLowerCase().startsWith('ssh://');
  if (isUri) {
    rest = rest.slice('ssh://'.length).replace(/\/$/, '');
    if (rest.includes('/')) throw bad('ssh:// URI with a path');
  }
  let user: string | undefined;
  // like ssh, the last '@' separates user from host
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (user === '') throw bad('empty user');
    if (isUri) user = decodeURIComponent(user.replace(/;.*$/, ''));
  }
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw bad("unclosed '['");
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) throw bad("junk after ']'");
      portText = after.slice(1);
    }
  } else {
    const colon = rest.indexOf(':');
    // like ssh, an IPv6 address must be bracketed: `h:1:2` and bare `::1` are refused
    if (colon >= 0 && rest.indexOf(':', colon + 1) >= 0) throw bad('write an IPv6 address as [addr]:port');
    host = colon >= 0 ? rest.slice(0, colon) : rest;
    if (colon >= 0) portText = rest.slice(colon + 1);
  }
  if (host === '') throw bad('empty host');
  const result: JumpSpec = { host };
  if (user !== undefined) result.user = user;
  if (portText !== undefined) {
    if (!/^\d+$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw bad(`port '${portText}' is not a number from 1 to 65535`);
    }
    result.port = Number(portText);
  }
  const problem = jumpNameProblem(result);
  if (problem) throw bad(problem);
  return result;
}

/**
 * Why a hop's names are no good, as ssh's parse_jump checks a -J (and the ssh it runs for a
 * ProxyJump checks its own host and -l): ssh_valid_hostname and ssh_valid_ruser.
 */
export function jumpNameProblem(hop: JumpSpec): string | undefined {
  const hostProblem = sshHostnameProblem(hop.host);
  if (hostProblem) return `invalid hostname "${hop.host}": ${hostProblem}`;
  const userProblem = hop.user === undefined ? undefined : sshUserProblem(hop.user);
  if (userProblem) return `invalid username "${hop.user}": ${userProblem}`;
  return undefined;
}

/** Formats hops back to `-J` text (IPv6 hosts bracketed), e.g. for `isuops hosts`. */
export function formatJumpList(hops: JumpSpec[]): string {
  if (hops.length === 0) return 'none';
  return hops
    .map((h) => {
      const host = h.host.includes(':') ? `[${h.host}]` : h.host;
      return `${h.user !== undefined ? `${h.user}@` : ''}${host}${h.port !== undefined ? `:${h.port}` : ''}`;
    })
    .join(',');
}
