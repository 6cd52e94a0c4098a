/** StrictHostKeyChecking as isuops understands it (`ask` is treated as `yes`: nobody is there to ask). */
export type StrictMode = 'yes' | 'accept-new' | 'no';

/** One jump host in a ProxyJump chain, as written (`[user@]host[:port]`). */
export interface JumpSpec {
  user?: string;
  host: string;
  port?: number;
}

/** A host after ssh config resolution: what `ssh -G` would print for the directives isuops uses. */
export interface ResolvedHost {
  /** The host name as written by the user (output label). */
  name: string;
  /** The `host` argument ssh would get (before HostName), used for known_hosts lookups via HostKeyAlias/host. */
  alias: string;
  hostname: string;
  user: string;
  port: number;
  identityFiles: string[];
  /**
   * True when no IdentityFile was set (config, -i, -o): identityFiles then holds isuops's defaults
   * (~/.ssh/id_ed25519, id_ecdsa, id_rsa), to be tried only if they exist.
   */
  identityFilesDefault?: boolean;
  identitiesOnly: boolean;
  identityAgent?: string;
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  strictHostKeyChecking: StrictMode;
  hostKeyAlias?: string;
  /** HostKeyAlgorithms when set (resolved to ssh2's names, in order); unset: isuops's default order. */
  hostKeyAlgorithms?: string[];
  /** PubkeyAcceptedAlgorithms when set: the signature algorithms user authentication may use (unset: DEFAULT_PUBKEY_ALGORITHMS, no SHA-1). */
  pubkeyAcceptedAlgorithms?: string[];
  /** RevokedHostKeys files (a KRL from `ssh-keygen -k`, or public keys one per line). */
  revokedHostKeys?: string[];
  /** HashKnownHosts: a new host is written as `|1|salt|hash`. */
  hashKnownHosts?: boolean;
  /** Seconds; undefined means none set (isuops then uses its default of 10). */
  connectTimeout?: number;
  serverAliveInterval: number;
  serverAliveCountMax: number;
  /** Empty when none (`ProxyJump none` or unset). */
  proxyJump: JumpSpec[];
  proxyCommand?: string;
  /**
   * ControlPersist as set (config or -o), as `ssh -G` prints it: `no`, `yes` (for ever) or idle
   * seconds; undefined when unset (isuops then keeps a connection 10 minutes, see daemon/).
   */
  controlPersist?: 'no' | 'yes' | number;
}

/** Command-line settings that override the ssh config (`-l`, `--port`, `-i`, `-J`, `-o`). */
export interface ConnectOverrides {
  user?: string;
  port?: number;
  identityFiles?: string[];
  jump?: string;
  /** `-o Key=Value` in order; like ssh, the first value given wins. */
  options?: string[];
  connectTimeout?: number;
}
