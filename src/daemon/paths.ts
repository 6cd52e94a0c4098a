import { lstatSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// sun_path holds 108 bytes, its NUL included.
const MAX_SOCKET_PATH = 107;

/** Where one build's daemon lives: its socket, the token a client must present, its log. */
export interface DaemonPaths {
  dir: string;
  socket: string;
  token: string;
  log: string;
  build: string;
}

let buildId: string | undefined;

/** The running bundle (or module) file. */
function runningFile(): string {
  try {
    return fileURLToPath(import.meta.url);
  } catch {
    return process.argv[1] ?? '';
  }
}

/**
 * Identifies this build: a CLI talks only to a daemon of its own build (the id is in the socket's
 * name and in the handshake). The running file's size and mtime, as the V8 code cache does.
 * `bundle`: another file's id (the warm client, a small bundle of its own, asks for the CLI bundle's).
 */
export function currentBuild(bundle?: string): string {
  if (bundle === undefined && buildId) return buildId;
  const file = bundle ?? runningFile();
  let stamp = 'dev';
  try {
    const st = statSync(file);
    stamp = `${st.size}-${Math.floor(st.mtimeMs)}`;
  } catch {}
  const version = readVersion();
  const id = buildHash(`${version}:${file}:${stamp}`);
  if (bundle === undefined) buildId = id;
  return id;
}

/**
 * 12 hex digits of two FNV-1a hashes of `text`. Not node:crypto: the thin warm client computes it
 * on every start and loading node:crypto costs it ~3 ms; an id names a socket and is checked in the
 * handshake, it guards nothing.
 */
export function buildHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
    b = (b ^ (b >>> 15)) >>> 0;
  }
  return (a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0')).slice(0, 12);
}

function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0';
  }
}

/** A directory we own, mode 0700, not a symlink: created if missing; false when it cannot be trusted. */
function ownPrivateDir(dir: string, uid: number): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    return st.isDirectory() && st.uid === uid && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

function candidateDirs(env: NodeJS.ProcessEnv, uid: number): string[] {
  const out: string[] = [];
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg && path.isAbsolute(xdg)) {
    try {
      const st = lstatSync(xdg);
      // only a runtime dir that is ours: sudo keeps the caller's XDG_RUNTIME_DIR
      if (st.isDirectory() && st.uid === uid) out.push(path.join(xdg, 'isuops'));
    } catch {}
  }
  const home = env.HOME || os.homedir();
  if (home) out.push(path.join(home, '.isuops', 'run'));
  out.push(`/tmp/isuops-${uid}`);
  return out;
}

/**
 * The daemon's directory: $XDG_RUNTIME_DIR/isuops when that is set and ours, else ~/.isuops/run,
 * else /tmp/isuops-<uid>; the first one that is ours with mode 0700 and short enough for a unix
 * socket path. undefined: no safe place (kept connections are then off).
 */
export function daemonPaths(env: NodeJS.ProcessEnv = process.env, build: string = currentBuild()): DaemonPaths | undefined {
  const uid = process.getuid?.() ?? -1;
  for (const dir of candidateDirs(env, uid)) {
    const socket = path.join(dir, `d-${build}.sock`);
    if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) continue;
    if (dir.endsWith(`${path.sep}run`)) {
      try {
        mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 });
      } catch {}
    }
    if (!ownPrivateDir(dir, uid)) continue;
    return { dir, socket, token: path.join(dir, `d-${build}.token`), log: path.join(dir, `d-${build}.log`), build };
  }
  return undefined;
}
