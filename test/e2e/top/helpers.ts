import { execa, type ResultPromise } from 'execa';
import { execOnHost, ISUOPS_BIN, labHosts } from '../helpers.js';

/** A running `isuops top` off a terminal: its output so far, and ways to end it. */
export interface TopRun {
  child: ResultPromise;
  stdout: () => string;
  stderr: () => string;
  /** The NDJSON objects so far. */
  objects: () => TopObject[];
  waitFor: (what: string, check: (run: TopRun) => boolean, ms?: number) => Promise<void>;
  /** Sends `signal`, then the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | undefined>;
}

export interface TopObject {
  host: string;
  time: string;
  cpu: { busy: number; user: number; system: number; iowait: number; steal: number } | null;
  load: [number, number, number] | null;
  mem: { usedBytes: number; availableBytes: number } | null;
  net: { rxBytesPerSec: number; txBytesPerSec: number } | null;
  disk: { readBytesPerSec: number; writeBytesPerSec: number; util: number } | null;
  top: Array<{ pid: number; command: string; cpu: number }>;
  error: string | null;
}

export function parseObjects(text: string): TopObject[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as TopObject);
}

export function startTop(args: string[]): TopRun {
  const child = execa('node', [ISUOPS_BIN, 'top', ...args], { reject: false, buffer: false, stdin: 'ignore' });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const run: TopRun = {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    objects: () => parseObjects(stdout.slice(0, stdout.lastIndexOf('\n') + 1)),
    async waitFor(what, check, ms = 20_000) {
      const until = Date.now() + ms;
      while (!check(run)) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n--- stdout (tail):\n${stdout.slice(-3000)}\n--- stderr:\n${stderr.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop(signal = 'SIGINT') {
      child.kill(signal);
      return (await child).exitCode;
    },
  };
  return run;
}

/** Processes of isuops top on a lab host (each host has its own pid space): the wrapper, the sampler's sh and its awk. */
export async function samplersOn(host: string): Promise<string[]> {
  const r = await execOnHost(host, 'ps -eo pid,args');
  return r.stdout.split('\n').filter((l) => /isuops-top|awk .*@isuops:/.test(l));
}

/** The sampler awks on a host: one per running sampler. */
export async function awksOn(host: string): Promise<string[]> {
  return (await samplersOn(host)).filter((l) => /^\s*\d+ awk /.test(l));
}

/** Waits until no host runs any of top's processes; returns what is left after `ms`. */
export async function leftBehind(hosts = labHosts(), ms = 4000): Promise<string[]> {
  const until = Date.now() + ms;
  for (;;) {
    const left = (await Promise.all(hosts.map(async (h) => (await samplersOn(h)).map((p) => `${h}: ${p}`)))).flat();
    if (left.length === 0 || Date.now() > until) return left;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts a CPU hog named `name` (a copy of yes) on a lab host; returns how to stop it. */
export async function startHog(host: string, name: string): Promise<() => Promise<void>> {
  await execOnHost(host, `cp /usr/bin/yes /tmp/${name} && (setsid /tmp/${name} >/dev/null 2>&1 </dev/null &)`);
  return async () => {
    await execOnHost(host, `for p in $(pgrep -x ${name}); do kill "$p"; done; rm -f /tmp/${name}`);
  };
}
