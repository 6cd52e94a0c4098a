import { UsageError } from '../errors.js';
import { hostEntryProblem, sshUserProblem } from '../ssh/names.js';
import type { HostEntry } from './types.js';

/**
 * Parses one `[user@]host[:port]` as written. IPv6 goes in brackets when a port follows
 * (`[::1]:22`, `root@[fe80::1]`); a bare IPv6 (`::1`, `fe80::1`) is a host with no port.
 * `name` is the text exactly as written. Throws UsageError on an empty part, a bad port, or a host
 * or user name that ssh would refuse (see ssh/names.ts).
 */
export function parseHostEntry(text: string, groups: string[] = []): HostEntry {
  // ssh splits user from host at the last '@' too
  const at = text.lastIndexOf('@');
  const user = at === -1 ? undefined : text.slice(0, at);
  if (user === '') throw new UsageError(`bad host "${text}": empty user before "@"`);
  const rest = text.slice(at + 1);
  const { host, port } = splitHostPort(rest, text);
  if (host === '') throw new UsageError(`bad host "${text}": no host name`);
  const bad = /[\s[\]{},]/.exec(host);
  if (bad) throw new UsageError(`bad host "${text}": unexpected "${bad[0]}" in the host name`);
  // what ssh refuses too ("hostname contains invalid characters"): %h/%n reach a ProxyCommand's shell
  const hostProblem = hostEntryProblem(host);
  if (hostProblem) throw new UsageError(`bad host "${text}": invalid host name (${hostProblem})`);
  const userProblem = user === undefined ? undefined : sshUserProblem(user);
  if (userProblem) throw new UsageError(`bad host "${text}": invalid user name (${userProblem})`);
  const entry: HostEntry = { name: text, host, groups: [...groups] };
  if (user !== undefined) entry.user = user;
  if (port !== undefined) entry.port = parsePort(port, text);
  return entry;
}

function splitHostPort(rest: string, text: string): { host: string; port?: string } {
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close === -1) throw new UsageError(`bad host "${text}": "[" is never closed`);
    const after = rest.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) {
      throw new UsageError(`bad host "${text}": expected ":PORT" after "]", got "${after}"`);
    }
    return { host: rest.slice(1, close), ...(after === '' ? {} : { port: after.slice(1) }) };
  }
  const colon = rest.indexOf(':');
  // two or more colons without brackets: a bare IPv6 address, no port
  if (colon === -1 || rest.indexOf(':', colon + 1) !== -1) return { host: rest };
  return { host: rest.slice(0, colon), port: rest.slice(colon + 1) };
}

function parsePort(port: string, text: string): number {
  const n = /^\d{1,5}$/.test(port) ? Number(port) : NaN;
  if (!(n >= 1 && n <= 65535)) throw new UsageError(`bad host "${text}": port "${port}" is not a number from 1 to 65535`);
  return n;
}
