/**
 * Thrown for what the user did wrong (bad hosts file, bad flag, missing local path).
 * Nothing was attempted on any host; the CLI exits 2 with the message alone.
 */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A host could not be reached or authenticated. Keeps ssh2's `level`
 * ('client-socket', 'client-timeout', 'client-authentication', 'protocol', ...)
 * so renderers and the exit-code rule can tell unreachable from failed.
 */
export class ConnectError extends Error {
  override name = 'ConnectError';
  readonly level: string;
  constructor(message: string, level: string, options?: { cause?: unknown }) {
    super(message, options);
    this.level = level;
  }
}

/** The host's key did not match known_hosts (changed, revoked, or unknown under StrictHostKeyChecking=yes). */
export class HostKeyError extends ConnectError {
  override name = 'HostKeyError';
  constructor(message: string) {
    super(message, 'host-key');
  }
}
