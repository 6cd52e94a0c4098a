import { createHmac, randomBytes } from 'node:crypto';
import type { KnownHostLine } from './types.js';

/** Glob match with OpenSSH's `*` and `?` (no escapes, no classes), like match.c's match_pattern. */
export function matchPattern(text: string, pattern: string): boolean {
  let t = 0;
  let p = 0;
  // Backtracking point: the last `*` seen and where the text stood then.
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      t++;
      p++;
    } else if (p < pattern.length && pattern[p] === '*') {
      starP = p++;
      starT = t;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * Match a name against a comma list of patterns like match_hostname():
 * 1 positive, -1 when a `!pattern` matches (the line does not apply), 0 no match.
 * Case-insensitive: ssh lowercases both sides.
 */
export function matchHostPatterns(name: string, patterns: string[]): 1 | 0 | -1 {
  const lower = name.toLowerCase();
  let positive = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (!matchPattern(lower, pattern)) continue;
    if (negated) return -1;
    positive = true;
  }
  return positive ? 1 : 0;
}

/** HMAC-SHA1 of the name keyed by the salt: the digest in a `|1|salt|hash` entry. */
export function hashHostDigest(name: string, salt: Buffer): Buffer {
  return createHmac('sha1', salt).update(name).digest();
}

/** A `|1|salt|hash` host field for the name, with a fresh salt unless one is given (like ssh-keygen -H). */
export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  return `|1|${salt.toString('base64')}|${hashHostDigest(name, salt).toString('base64')}`;
}

/**
 * Whether a line is about this name. Hashed entries compare the exact name (case matters, as in
 * `ssh-keygen -F`); plain entries use the patterns, and a matching `!pattern` excludes the line.
 */
export function lineMatchesName(line: KnownHostLine, name: string): boolean {
  if (line.hashed) return hashHostDigest(name, line.hashed.salt).equals(line.hashed.hash);
  return matchHostPatterns(name, line.patterns) === 1;
}

/**
 * The name ssh looks up for a host: `host` on port 22, `[host]:port` otherwise; lowercased
 * because ssh lowercases the host (and HostKeyAlias) before it reads known_hosts.
 */
export function formatKnownHostsName(host: string, port = 22): string {
  const lower = host.toLowerCase();
  return port === 22 ? lower : `[${lower}]:${port}`;
}
