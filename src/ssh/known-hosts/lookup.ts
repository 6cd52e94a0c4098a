import { lineMatchesName } from './match-host.js';
import type { HostKey, KnownHostLine, LookupResult } from './types.js';

/** The lookup name a line applies to, if any (a line applies when it is about any of the names). */
function findAppliedName(line: KnownHostLine, names: string[]): string | undefined {
  return names.find((name) => lineMatchesName(line, name));
}

function sameKey(a: HostKey, b: HostKey): boolean {
  return a.type === b.type && a.data.equals(b.data);
}

/**
 * Decide what known_hosts says about `key` for a host known by `names` (e.g. `isu01` or
 * `[isu01]:2222`, plus HostName when it differs; see formatKnownHostsName).
 * Revoked beats everything; then any plain line with this key is a match; then any plain line
 * for the names is a mismatch, even of another key type (stricter than ssh, which calls a host
 * with only other-type keys "new": isuops refuses it, see listKnownKeyTypes for avoiding that);
 * `@cert-authority` lines never count, isuops does not check certificates.
 */
export function lookupHostKey(lines: KnownHostLine[], names: string[], key: HostKey): LookupResult {
  let firstOther: LookupResult | undefined;
  let firstSameType: LookupResult | undefined;
  let matched: LookupResult | undefined;
  for (const line of lines) {
    if (line.marker === 'cert-authority') continue;
    const name = findAppliedName(line, names);
    if (name === undefined) continue;
    const same = sameKey(line.key, key);
    if (line.marker === 'revoked') {
      if (same) return { status: 'revoked', line, name };
      continue;
    }
    if (same) matched ??= { status: 'match', line, name };
    else if (line.key.type === key.type) firstSameType ??= { status: 'mismatch', line, name };
    else firstOther ??= { status: 'mismatch', line, name };
  }
  return matched ?? firstSameType ?? firstOther ?? { status: 'unknown' };
}

/**
 * Key types known for these names, in file order (revoked and CA lines left out), so a
 * connection can offer them first like ssh's HostKeyAlgorithms ordering does.
 */
export function listKnownKeyTypes(lines: KnownHostLine[], names: string[]): string[] {
  const types = new Set<string>();
  for (const line of lines) {
    if (line.marker) continue;
    if (findAppliedName(line, names) !== undefined) types.add(line.key.type);
  }
  return [...types];
}

/** The lines that apply to a name, in order (what `ssh-keygen -F name` lists, bad lines aside). */
export function findHostLines(lines: KnownHostLine[], name: string): KnownHostLine[] {
  return lines.filter((line) => lineMatchesName(line, name));
}
