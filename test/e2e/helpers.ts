import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { expect, inject } from 'vitest';
import { bringLabUp, labExecOnHost, readLabState } from '../../src/lab/index.js';
import type { LabExecResult, LabState } from '../../src/lab/index.js';

import { labFreezeHost as freezeListener, labStopHost as stopListener } from '../../src/lab/index.js';

export { labExecOnHost, labStartHost, labThawHost, readLabState } from '../../src/lab/index.js';

/**
 * Stops a lab host: its sshd listener, and the sessions it still serves, as a host that goes
 * down takes them along (a kept connection to it then dies as on a real host).
 */
export async function labStopHost(dir: string, name: string): Promise<void> {
  await stopListener(dir, name);
  await labExecOnHost(dir, name, "pkill -KILL -f '^sshd: [^/]' || true");
}

/** Freezes a lab host's listener after cutting its sessions: a new connection gets TCP and no answer. */
export async function labFreezeHost(dir: string, name: string): Promise<void> {
  await labExecOnHost(dir, name, "pkill -KILL -f '^sshd: [^/]' || true");
  freezeListener(dir, name);
}

/** Ends the daemon (and every kept connection) of the tests' runtime dir, when one runs. */
export async function stopDaemon(env?: Record<string, string>): Promise<void> {
  await execa('node', [ISUOPS_BIN, 'daemon', 'stop'], { reject: false, env });
}

/** The repository root. */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The built CLI, as a user runs it. */
export const ISUOPS_BIN = path.join(REPO, 'bin/isuops');

/** The shared e2e lab's directory (from the global setup). */
export function labDir(): string {
  const dir = inject('labDir') || process.env.ISUOPS_TEST_LAB;
  if (!dir) throw new Error('no e2e lab: run e2e tests through the e2e vitest project (its globalSetup starts the lab)');
  return dir;
}

/** `-F DIR/ssh_config -f DIR/hosts.txt`: point isuops at the lab. */
export function labArgs(dir = labDir()): string[] {
  return ['-F', path.join(dir, 'ssh_config'), '-f', path.join(dir, 'hosts.txt')];
}

/** The lab's state.json (throws when the lab is not up). */
export function labState(dir = labDir()): LabState {
  const state = readLabState(dir);
  if (!state) throw new Error(`no lab in ${dir}`);
  return state;
}

/** The port a run connects to for a lab host: its sshd's (22, or 2222), or the latency proxy's in front of it. */
export function labPort(name: string, dir = labDir()): number {
  const state = labState(dir);
  return state.latency?.ports[name] ?? state.hosts.find((h) => h.name === name)!.port;
}

/** Host names of the lab, in order (isu01..isu05). */
export function labHosts(dir = labDir()): string[] {
  return labState(dir).hosts.map((h) => h.name);
}

/** Runs a shell command as root inside a lab host, without ssh (for checking remote state). */
export function execOnHost(name: string, shellCmd: string, dir = labDir()): Promise<LabExecResult> {
  return labExecOnHost(dir, name, shellCmd);
}

/** Puts every lab host back up (restarts stopped sshd, thaws frozen ones): call after breaking hosts. */
export async function restoreLab(dir = labDir()): Promise<void> {
  await bringLabUp({ dir, count: labState(dir).hosts.length });
}

/** What runIsuops returns. */
export interface IsuopsRun {
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
  signal: string | undefined;
}

/** Runs `node bin/isuops ...args` (never throws on failure) and returns its output and exit status. */
export async function runIsuops(
  args: string[],
  opts: { input?: string; env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {},
): Promise<IsuopsRun> {
  const r = await execa('node', [ISUOPS_BIN, ...args], {
    reject: false,
    input: opts.input ?? '',
    env: opts.env,
    cwd: opts.cwd ?? REPO,
    timeout: opts.timeoutMs ?? 60_000,
    stripFinalNewline: false,
  });
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode, signal: r.signal };
}

/** Runs the OpenSSH client against a lab host (the reference that isuops is compared with). */
export async function runSsh(name: string, command: string, extra: string[] = [], dir = labDir()): Promise<IsuopsRun> {
  const r = await execa('ssh', ['-F', path.join(dir, 'ssh_config'), ...extra, name, command], { reject: false, input: '', timeout: 30_000, stripFinalNewline: false });
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode, signal: r.signal };
}

/** True when the runs of this test process go through kept connections (the default). */
export const KEPT = process.env.ISUOPS_CONTROL_PERSIST !== 'no';

/** How many connections a run made: exactly `n` when connecting directly, at most `n` with kept connections. */
export function expectConnections(made: number, n: number): void {
  if (KEPT) expect(made).toBeLessThanOrEqual(n);
  else expect(made).toBe(n);
}
