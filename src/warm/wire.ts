/**
 * The warm run's wire (README, "Kept connections"): a thin client (bin/isuops) hands a whole
 * invocation to a pre-warmed worker process that the daemon keeps, and relays its stdio, signals
 * and exit code. Frames as the daemon's (src/daemon/protocol.ts); the first one, WARM_RUN, carries
 * the token and build like HELLO does, then the invocation. Pure but for invocationOf (isatty).
 */
import { isatty } from 'node:tty';

/** Frame kinds after WARM_RUN (client <-> worker; FALLBACK may also come from the daemon). */
export const WarmKind = {
  // worker (or daemon) -> client
  /** Run it yourself (no worker free, or the run is not one a worker may take): nothing was done. */
  fallback: 60,
  /** The worker took the run: from now on it must never be run again by the client. */
  commit: 61,
  stdout: 62,
  stderr: 63,
  /** The command reads stdin: relay it (STDIN frames, then STDIN_EOF). */
  wantStdin: 64,
  exit: 65,
  // client -> worker
  stdin: 70,
  stdinEof: 71,
  /** A signal the client got (SIGINT, SIGTERM, SIGHUP): the worker raises it on itself. */
  signal: 72,
  /** The client's stdout failed (its reader went away): the worker's stdout fails the same way. */
  stdoutGone: 73,
} as const;

/** What a stdio stream of the client is. */
export interface StreamInfo {
  isTTY: boolean;
}

/** One invocation of the CLI, as the client sees it: everything a worker needs to run it as that process would. */
export interface Invocation {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  umask: number;
  stdin: StreamInfo;
  stdout: StreamInfo;
  stderr: StreamInfo;
}

/** WARM_RUN's payload: the daemon's token and the build, as in HELLO, then the invocation. */
export interface WarmRunRequest extends Invocation {
  token: string;
  build: string;
}

/** The signals a client relays. */
export const RELAYED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type RelayedSignal = (typeof RELAYED_SIGNALS)[number];

export function isRelayedSignal(name: unknown): name is RelayedSignal {
  return typeof name === 'string' && (RELAYED_SIGNALS as readonly string[]).includes(name);
}

/** The commands a worker may run; every other one (top, lab, daemon, hosts, --help...) runs in the client. */
export const WARM_COMMANDS: ReadonlySet<string> = new Set(['exec', 'push', 'pull', 'tail']);

const NO_PERSIST = /^(no|false)$/;

/**
 * Whether a client should try a worker at all, before connecting anywhere: a fleet command, and
 * nothing that turns kept connections off for the whole run (ISUOPS_CONTROL_PERSIST=no,
 * `-o ControlPersist=no`) or the worker path itself (ISUOPS_WARM=no), and no argument that is not UTF-8. The worker decides the rest
 * (ControlPersist from ssh_config, hosts with no kept connection) before it does anything.
 */
export function mayTryWarm(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  if (!WARM_COMMANDS.has(argv[2] ?? '')) return false;
  // an argument that is not UTF-8 is read back from /proc/self/cmdline (commands/raw-argv.ts): the client's own
  if (argv.some((a) => a.includes('\ufffd'))) return false;
  if (env.ISUOPS_WARM === 'no') return false;
  if (NO_PERSIST.test(env.ISUOPS_CONTROL_PERSIST ?? '')) return false;
  for (let i = 3; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    const value = a === '-o' || a === '--option' ? argv[i + 1] : a.startsWith('--option=') ? a.slice(9) : a.startsWith('-o') ? a.slice(2) : undefined;
    if (value !== undefined && /^\s*controlpersist\s*(=|\s)\s*(no|false)\s*$/i.test(value)) return false;
  }
  return true;
}

/** The WARM_RUN payload of this process. */
export function invocationOf(proc: NodeJS.Process, token: string, build: string): WarmRunRequest {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(proc.env)) if (v !== undefined) env[k] = v;
  return {
    token,
    build,
    argv: [...proc.argv],
    cwd: proc.cwd(),
    env,
    umask: proc.umask(),
    // isatty, not proc.stdin.isTTY: that getter makes a stream for stdin (~2 ms) that a run that reads nothing never needs
    stdin: { isTTY: isatty(0) },
    stdout: { isTTY: isatty(1) },
    stderr: { isTTY: isatty(2) },
  };
}

/** The invocation in a WARM_RUN payload, without the credentials; undefined when it is not one. */
export function parseWarmRun(payload: Buffer): WarmRunRequest | undefined {
  let v: unknown;
  try {
    v = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  const r = v as Partial<WarmRunRequest>;
  const strings = (a: unknown): a is string[] => Array.isArray(a) && a.every((x) => typeof x === 'string');
  const stream = (s: unknown): s is StreamInfo => typeof s === 'object' && s !== null && typeof (s as StreamInfo).isTTY === 'boolean';
  if (typeof r !== 'object' || r === null || typeof r.token !== 'string' || typeof r.build !== 'string') return undefined;
  if (!strings(r.argv) || typeof r.cwd !== 'string' || typeof r.umask !== 'number') return undefined;
  if (typeof r.env !== 'object' || r.env === null || !Object.values(r.env).every((x) => typeof x === 'string')) return undefined;
  if (!stream(r.stdin) || !stream(r.stdout) || !stream(r.stderr)) return undefined;
  return r as WarmRunRequest;
}
