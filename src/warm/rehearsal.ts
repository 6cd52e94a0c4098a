import { Readable, Writable } from 'node:stream';
import { setRehearsing } from '../commands/fleet-memo.js';
import { setWarmGate } from './gate.js';
import type { Invocation } from './wire.js';

type Main = (argv: string[]) => Promise<number>;

class Rehearsed extends Error {}

// push too: its rehearsal resolves the fleet only, its local scan is left to the run
// (src/commands/push.ts): a scan says nothing a run could keep, and a big tree would cost each spare
const REHEARSED: ReadonlySet<string | undefined> = new Set(['exec', 'push']);

const STREAMS = ['stdout', 'stderr', 'stdin'] as const;

/**
 * A spare's rehearsal of `inv` (the invocation its daemon handed out last) while it waits for a
 * run: `exec` and `push`, run as that process up to its warm gate, where it stops before anything
 * connects; output goes nowhere, and the process's cwd, environment, argv and stdio are put back.
 * What it resolved waits in src/commands/fleet-memo.ts for a run with the same inputs.
 */
export async function rehearse(main: Main, inv: Invocation): Promise<void> {
  if (!REHEARSED.has(inv.argv[2])) return;
  const cwd = process.cwd();
  const env = { ...process.env };
  const argv = process.argv;
  const exit = process.exit;
  const exitCode = process.exitCode;
  const streams = STREAMS.map((name) => [name, Object.getOwnPropertyDescriptor(process, name)] as const);
  const sink = new Writable({ write: (_chunk, _enc, cb) => cb() });
  const empty = new Readable({ read() { this.push(null); } });
  try {
    process.chdir(inv.cwd);
    replaceEnv(inv.env);
    process.argv = [...inv.argv];
    process.exit = ((): never => {
      throw new Rehearsed();
    }) as typeof process.exit;
    for (const name of STREAMS) Object.defineProperty(process, name, { configurable: true, get: () => (name === 'stdin' ? empty : sink) });
    setRehearsing(true);
    setWarmGate(() => Promise.reject(new Rehearsed()));
    await main(process.argv);
  } catch {
    // a rehearsal that failed leaves nothing behind: the run resolves as usual
  } finally {
    setRehearsing(false);
    setWarmGate(undefined);
    for (const [name, desc] of streams) if (desc) Object.defineProperty(process, name, desc);
    process.exit = exit;
    process.exitCode = exitCode;
    process.argv = argv;
    replaceEnv(env);
    try {
      process.chdir(cwd);
    } catch {}
  }
}

function replaceEnv(env: Record<string, string | undefined>): void {
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, env);
}
