import { spawn, type ChildProcess } from 'node:child_process';
import { Duplex } from 'node:stream';
import { UsageError } from '../errors.js';
import { expandTokens, PROXY_TOKENS } from './config/tokens.js';
import { sshHostnameProblem, sshUserProblem } from './names.js';
import type { ResolvedHost } from './types.js';
import { debug } from '../core/debug.js';

// Enough of the command's stderr to explain a failure in one line.
const STDERR_KEEP = 2000;

/**
 * ProxyCommand with `%h %n %p %r %%` expanded, as ssh does just before running it. What a token
 * brings in reaches a shell: a host, HostName or user with shell characters in it is refused
 * (UsageError) whichever way it came (ssh checks the command line's; isuops also the config's).
 */
export function expandProxyCommand(host: ResolvedHost): string {
  const command = host.proxyCommand ?? '';
  const used = new Set([...command.matchAll(/%(.)/g)].map((m) => m[1]));
  const names: Array<[string, string, (s: string) => string | undefined, string]> = [
    ['h', host.hostname, sshHostnameProblem, 'hostname'],
    ['n', host.alias, sshHostnameProblem, 'host'],
    ['r', host.user, sshUserProblem, 'remote username'],
  ];
  for (const [token, value, problemOf, what] of names) {
    const problem = used.has(token) ? problemOf(value) : undefined;
    if (problem) throw new UsageError(`${host.name}: ${what} "${value}" for %${token} in ProxyCommand contains invalid characters (${problem})`);
  }
  return expandTokens(command, { h: host.hostname, n: host.alias, p: String(host.port), r: host.user }, PROXY_TOKENS, 'ProxyCommand');
}

/** A running ProxyCommand: its stdin/stdout as one stream for ssh2's `sock`. */
export interface ProxyProcess {
  sock: Duplex;
  child: ChildProcess;
  /** Why it is no good, for the error message: its exit status and the last of its stderr. */
  describe(): string;
  /** Kills it (SIGTERM) unless it already exited. */
  kill(): void;
}

/**
 * Runs the host's ProxyCommand like ssh (`exec CMD` through $SHELL, else /bin/sh) and returns
 * its stdio as a stream. Its stderr is kept for messages and traced under NODE_DEBUG=isuops.
 */
export function spawnProxyCommand(host: ResolvedHost): ProxyProcess {
  const command = expandProxyCommand(host);
  const shell = process.env.SHELL || '/bin/sh';
  debug('%s: ProxyCommand %s', host.name, command);
  const child = spawn(shell, ['-c', `exec ${command}`], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let exit: string | undefined;
  let spawnError: string | undefined;
  child.stderr!.on('data', (chunk: Buffer) => {
    debug('%s: ProxyCommand stderr: %s', host.name, chunk.toString().trimEnd());
    stderr = (stderr + chunk.toString()).slice(-STDERR_KEEP);
  });
  child.on('error', (err) => (spawnError = err.message));
  child.on('exit', (code, signal) => (exit = signal ? `killed by ${signal}` : `exited with ${code}`));
  // ssh2 writes after the child may be gone; EPIPE must not crash the process.
  child.stdin!.on('error', (err) => debug('%s: ProxyCommand stdin: %s', host.name, err.message));
  const sock = Duplex.from({ readable: child.stdout!, writable: child.stdin! });
  sock.on('error', (err) => debug('%s: ProxyCommand stream: %s', host.name, err.message));
  // Its output ended (it exited, or closed it): the connection is over, whatever its stdin does.
  child.stdout!.once('close', () => sock.destroy());
  return {
    sock,
    child,
    describe: () => {
      const last = stderr.trim().split('\n').pop()?.trim();
      const status = spawnError ?? exit ?? 'closed its output';
      return `ProxyCommand '${command}' ${status}${last ? `: ${last}` : ''}`;
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
