import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { ConnectError, HostKeyError } from '../errors.js';
import { buildAuthSteps } from './auth.js';
import { checkServerKey, hostKeyAlgorithmsFor, knownHostsName } from './host-key-check.js';
import type { ResolvedHost } from './types.js';
import { debug } from '../core/debug.js';


/** isuops's ConnectTimeout when neither the config nor a flag sets one (seconds). */
export const DEFAULT_CONNECT_TIMEOUT = 10;
// Keepalive is on even without ServerAliveInterval so a silent peer is noticed.
const DEFAULT_KEEPALIVE_SECONDS = 15;

export interface ConnectOptions {
  signal?: AbortSignal;
  /** An already-open stream to the host (a ProxyJump forward); otherwise TCP to hostname:port. */
  sock?: Duplex;
  /** Overrides the host's ConnectTimeout (the --connect-timeout flag). */
  connectTimeout?: number;
  /** Says what the connection could not honour but went on without (ssh's warnings). */
  warn?: (message: string) => void;
}

/** Turns an ssh2 connection error into one line an operator can act on. */
export function describeConnectError(err: Error & { level?: string; code?: string }, host: ResolvedHost, timeoutSec: number, hostKeyAlgorithms?: string[]): string {
  const where = `${host.hostname}:${host.port}`;
  // ssh: "Unable to negotiate with H port P: no matching host key type found. Their offer: ..."
  if (/no matching host key format/.test(err.message)) {
    return `unable to negotiate with ${where}: no matching host key type found (HostKeyAlgorithms offered: ${(hostKeyAlgorithms ?? []).join(',')})`;
  }
  if (err.level === 'client-timeout') return `timed out after ${timeoutSec}s connecting to ${where}`;
  if (/refusing to sign with SHA-1/.test(err.message)) return `${err.message.replace(/^Error signing data with key: /, '')} (${host.user}@${where})`;
  if (err.level === 'client-authentication') return `permission denied (publickey) for ${host.user}@${where}`;
  // ssh2's parser on bytes that are no SSH identification line (ssh: kex_exchange_identification)
  if (/^Invalid header|^Bad identification|^Protocol version not supported/.test(err.message)) return `not an SSH server at ${where} (${err.message})`;
  switch (err.code) {
    case 'EMFILE':
    case 'ENFILE': return `out of file descriptors on this machine (${err.code}: too many open files) connecting to ${where}: lower -p, or raise the limit (ulimit -n)`;
    case 'ECONNREFUSED': return `connection refused by ${where}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN': return `could not resolve hostname ${host.hostname}`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH': return `no route to ${where}`;
    case 'ECONNRESET': return `connection reset by ${where}`;
    default: return `${err.message} (${where})`;
  }
}

/** A failure of this machine, not of the host: out of file descriptors. */
function localError(err: Error & { code?: string }): boolean {
  return err.code === 'EMFILE' || err.code === 'ENFILE';
}

/**
 * Opens one authenticated ssh2 connection to `host`, checking its key against known_hosts.
 * Rejects with ConnectError (or HostKeyError) carrying ssh2's level; never hangs past the timeout.
 */
export async function connectHost(host: ResolvedHost, opts: ConnectOptions = {}): Promise<Client> {
  const { Client } = (await import('ssh2')).default;
  const timeoutSec = opts.connectTimeout ?? host.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT;
  const [authSteps, serverHostKey] = await Promise.all([buildAuthSteps(host, { warn: opts.warn }), hostKeyAlgorithmsFor(host)]);
  if (authSteps.length === 0) {
    throw new ConnectError(
      host.pubkeyAcceptedAlgorithms
        ? `no identity to offer ${host.user}@${host.hostname} that PubkeyAcceptedAlgorithms allows (${host.pubkeyAcceptedAlgorithms.join(',') || 'none'})`
        : `no identity to offer ${host.user}@${host.hostname}: start ssh-agent or pass -i FILE`,
      'client-authentication',
    );
  }
  const client = new Client();
  let keyFailure: string | undefined;
  return new Promise<Client>((resolve, reject) => {
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) {
        // destroy first: ssh2's destroy() skips a socket that end() already half-closed, and a peer
        // that keeps sending (garbage instead of SSH) would then hold the process until ssh2's own
        // readyTimeout
        client.destroy?.();
        client.end();
        reject(err);
      } else {
        coalesceWrites(client);
        resolve(client);
      }
    };
    const onAbort = (): void => finish(new ConnectError('interrupted while connecting', 'interrupted'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    // ssh2's readyTimeout misses a stalled TCP connect on some paths; one timer covers it all.
    const timer = setTimeout(
      () => finish(new ConnectError(`timed out after ${timeoutSec}s connecting to ${host.hostname}:${host.port}`, 'client-timeout')),
      timeoutSec * 1000,
    );
    // aborted while the keys were read: the listener added above will never fire
    if (opts.signal?.aborted) {
      onAbort();
      return;
    }
    client.on('ready', () => finish());
    client.on('error', (err: Error & { level?: string }) => {
      debug('%s: connect error %s (%s)', host.name, err.message, err.level);
      if (keyFailure) finish(new HostKeyError(keyFailure));
      else finish(new ConnectError(describeConnectError(err, host, timeoutSec, serverHostKey), localError(err) ? 'local' : err.level ?? 'client-socket', { cause: err }));
    });
    client.on('close', () => finish(new ConnectError(keyFailure ?? `connection closed by ${host.hostname}:${host.port}`, keyFailure ? 'host-key' : 'client-socket')));
    client.connect({
      host: host.hostname,
      port: host.port,
      username: host.user,
      sock: opts.sock,
      readyTimeout: timeoutSec * 1000,
      keepaliveInterval: (host.serverAliveInterval > 0 ? host.serverAliveInterval : DEFAULT_KEEPALIVE_SECONDS) * 1000,
      keepaliveCountMax: host.serverAliveCountMax,
      authHandler: authSteps,
      algorithms: { serverHostKey },
      // Returning nothing and calling `verify` later keeps ssh2 waiting; a returned Promise would be taken as "accept".
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void): undefined => {
        checkServerKey(host, key, opts.warn).then(
          (failure) => {
            keyFailure = failure;
            verify(failure === undefined);
          },
          (err: Error) => {
            keyFailure = `host key check for ${knownHostsName(host)} failed: ${err.message}`;
            verify(false);
          },
        );
        return undefined;
      },
    } as Parameters<Client['connect']>[0]);
    if (host.pubkeyAcceptedAlgorithms) restrictServerSigAlgs(client, host.pubkeyAcceptedAlgorithms);
  });
}

/**
 * PubkeyAcceptedAlgorithms, as ssh applies it: a signature algorithm is used only when both the
 * client's list and the server's server-sig-algs name it. ssh2 picks an RSA key's algorithm from
 * server-sig-algs alone (rsa-sha2-256, rsa-sha2-512, then ssh-rsa), so the list it is given is cut
 * to what isuops accepts: with `PubkeyAcceptedAlgorithms ssh-rsa` it signs with SHA-1, as ssh does.
 * ssh2 makes its Protocol (and its message handlers) in connect() and looks EXT_INFO up per message.
 */
function restrictServerSigAlgs(client: Client, accepted: readonly string[]): void {
  type Ext = { name: string; algs?: string[] };
  const handlers = (client as unknown as { _protocol?: { _handlers?: { EXT_INFO?: (p: unknown, exts: Ext[]) => void } } })._protocol?._handlers;
  const extInfo = handlers?.EXT_INFO;
  if (!handlers || typeof extInfo !== 'function') return;
  handlers.EXT_INFO = (p, exts) => extInfo(p, exts.map((e) => (e.name === 'server-sig-algs' && e.algs ? { ...e, algs: e.algs.filter((a) => accepted.includes(a)) } : e)));
}

/**
 * ssh2 writes every SSH packet to the socket on its own (one syscall per 32 KiB packet when a
 * transfer streams). Corking the socket for the rest of the current tick hands the kernel the
 * packets of one turn in a single writev.
 */
function coalesceWrites(client: Client): void {
  const sock = (client as unknown as { _sock?: NodeJS.WritableStream & { cork?: () => void; uncork?: () => void } })._sock;
  if (!sock || typeof sock.cork !== 'function' || typeof sock.uncork !== 'function') return;
  const write = sock.write.bind(sock) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = (): void => {
    corked = false;
    sock.uncork!();
  };
  sock.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      sock.cork!();
      process.nextTick(uncork);
    }
    return write(...args);
  }) as typeof sock.write;
}
