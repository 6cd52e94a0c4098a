/** How one host's part of a run ended. */
export type HostStatus = 'ok' | 'failed' | 'timeout' | 'unreachable' | 'interrupted';

/**
 * Every host ends in one of these, never in an exception. `ok` is true only for
 * status 'ok'. Commands add their own fields (push: changes).
 */
export interface HostResult {
  host: string;
  ok: boolean;
  status: HostStatus;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** One line saying what went wrong (connection, auth, timeout, remote failure), else null. */
  error: string | null;
  durationMs: number;
}

/** Builds a result with the shared shape; `ok` follows from `status`. */
export function makeResult(
  host: string,
  status: HostStatus,
  fields: Partial<Omit<HostResult, 'host' | 'ok' | 'status'>> = {},
): HostResult {
  return {
    host,
    ok: status === 'ok',
    status,
    exitCode: fields.exitCode ?? null,
    signal: fields.signal ?? null,
    timedOut: fields.timedOut ?? status === 'timeout',
    error: fields.error ?? null,
    durationMs: fields.durationMs ?? 0,
  };
}
