import { formatWithOptions } from 'node:util';

/**
 * `NODE_DEBUG=isuops` lines, written as `util.debuglog('isuops')` writes them (`ISUOPS <pid>: ...`
 * on stderr), but switched by the environment of the run rather than only of the process's start:
 * Node reads NODE_DEBUG once, when it starts, and a warm worker (src/warm/worker.ts) starts with its
 * daemon's environment and takes a run's later (setDebugEnv), whose NODE_DEBUG then decides.
 */
export type Debug = (format: string, ...args: unknown[]) => void;

/** Whether `NODE_DEBUG` turns the `isuops` section on, by Node's own rule (lib/internal/util/debuglog.js). */
export function debugEnabled(nodeDebug: string | undefined, section = 'isuops'): boolean {
  if (!nodeDebug) return false;
  const pattern = nodeDebug.replace(/[|\\{}()[\]^$+?.]/g, '\\$&').replaceAll('*', '.*').replaceAll(',', '$|^');
  return new RegExp(`^${pattern}$`, 'i').test(section);
}

let enabled = debugEnabled(process.env.NODE_DEBUG);

/** The run's environment decides from now on (a warm worker, once it has taken a run). */
export function setDebugEnv(env: NodeJS.ProcessEnv): void {
  enabled = debugEnabled(env.NODE_DEBUG);
}

export const debug: Debug = (format, ...args) => {
  if (enabled) process.stderr.write(`ISUOPS ${process.pid}: ${formatWithOptions({ colors: false }, format, ...args)}\n`);
};
