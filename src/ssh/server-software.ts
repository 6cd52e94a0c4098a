/**
 * Whether a server that announced `software` (the SSH identification string's software
 * version, e.g. `OpenSSH_9.2p1`) turns a session's "signal" channel request into killpg() of
 * the session's process group: OpenSSH's sshd does from 7.9 (session.c, session_signal_req; it
 * refuses forced-command and subsystem sessions). Anything else is taken not to.
 */
export function takesSessionSignals(software: string | undefined): boolean {
  const m = /^OpenSSH_(\d+)\.(\d+)/.exec(software ?? '');
  if (!m) return false;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > 7 || (major === 7 && minor >= 9);
}
