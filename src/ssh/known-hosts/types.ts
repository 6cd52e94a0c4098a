/** A public key as it travels: the key type name and the whole SSH wire blob (what known_hosts base64-encodes). */
export interface HostKey {
  /** e.g. `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`. */
  type: string;
  /** The full wire blob, type string included. */
  data: Buffer;
}

/**
 * A line's marker. `revoked` lines refuse their key for the hosts they name;
 * `cert-authority` lines are parsed but never used: isuops checks plain host keys only.
 */
export type KnownHostMarker = 'revoked' | 'cert-authority';

/** One valid known_hosts line. Comments, blank lines and bad lines produce none, but keep their numbers. */
export interface KnownHostLine {
  /** The file it came from, as given to parseKnownHosts. */
  file: string;
  /** 1-based line number in that file. */
  line: number;
  marker?: KnownHostMarker;
  /** The host field as written (`isu01,10.0.0.1`, `[isu02]:2222`, `|1|salt|hash`, `!bad,isu*`). */
  hosts: string;
  /** Set for `|1|salt|hash` entries: the HMAC-SHA1 salt and digest. */
  hashed?: { salt: Buffer; hash: Buffer };
  /** Comma-separated patterns of a plain host field, lowercased, `!` kept (empty when hashed). */
  patterns: string[];
  key: HostKey;
  comment: string;
}

/**
 * What known_hosts says about a host key.
 * - `match`: a plain line for one of the names has this very key.
 * - `revoked`: a `@revoked` line for one of the names has this key (wins over everything).
 * - `mismatch`: lines exist for the names but none has this key (`line` prefers one of the same type).
 * - `unknown`: no line is about these names.
 */
export interface LookupResult {
  status: 'match' | 'mismatch' | 'revoked' | 'unknown';
  /** The deciding line: the matching, revoked or offending one. */
  line?: KnownHostLine;
  /** Which of the lookup names that line applies to (for `ssh-keygen -R NAME`). */
  name?: string;
}
