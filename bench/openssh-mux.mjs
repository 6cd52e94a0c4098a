// OpenSSH's own kept connections, as Ansible turns them on: ControlMaster=auto with
// ControlPersist, one master process per host, its socket under WORK.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { sshOptionText } from './peers.mjs';

/** The ssh options of the bench's OpenSSH peers, with connection sharing on. */
export function muxOptionText(lab, { sameCrypto = true } = {}) {
  const dir = path.join(lab.work, 'mux');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return sshOptionText(lab, { sameCrypto })
    .replace('-o ControlMaster=no -o ControlPath=none', `-o ControlMaster=auto -o ControlPath=${dir}/%C -o ControlPersist=600`);
}

/** Pids of the running masters (ssh renames itself `ssh: PATH [mux]`) whose socket is in WORK/mux. */
export function findMuxMasters(lab) {
  const dir = path.join(lab.work, 'mux');
  const pids = [];
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.startsWith('ssh: ') && cmd.includes(dir) && cmd.includes('[mux]')) pids.push(Number(d));
    } catch {}
  }
  return pids;
}

/** Stops every master of the bench (ssh -O exit would need each host; a TERM does the same). */
export function stopMuxMasters(lab) {
  for (const pid of findMuxMasters(lab)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {}
  }
  rmSync(path.join(lab.work, 'mux'), { recursive: true, force: true });
}

/** KiB of VmRSS and of Pss (smaps_rollup) of a process; NaN when it is gone. */
export function readMemoryKiB(pid) {
  const field = (text, name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    let pss = NaN;
    try {
      pss = field(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
    } catch {}
    return { rss: field(status, 'VmRSS'), pss };
  } catch {
    return { rss: NaN, pss: NaN };
  }
}

/** isuops's daemon: `{running, pid}` from `isuops daemon status --json` (none before it lands). */
export function readDaemon(repo) {
  try {
    const out = execFileSync('node', [`${repo}/bin/isuops`, 'daemon', 'status', '--json'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).toString();
    let first = {};
    try {
      first = JSON.parse(out.split('\n').find((l) => l.trim().startsWith('{')) ?? '{}');
    } catch {}
    return { running: true, pid: Number(first.pid) || findDaemonPid(), status: first };
  } catch {
    return { running: false };
  }
}

/** The daemon's pid by its command line (an isuops process with a `daemon` argument that is no `status`/`stop`). */
function findDaemonPid() {
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (argv.some((a) => /isuops/.test(a)) && argv.some((a) => /daemon/.test(a)) && !argv.some((a) => a === 'status' || a === 'stop')) return Number(d);
    } catch {}
  }
  return undefined;
}

/** Stops isuops's daemon when there is one (so that the next run is cold). */
export function stopDaemon(repo) {
  try {
    execFileSync('node', [`${repo}/bin/isuops`, 'daemon', 'stop'], { stdio: 'ignore', timeout: 20_000 });
  } catch {}
}
