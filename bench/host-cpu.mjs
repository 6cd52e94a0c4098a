// The lab hosts' side of a command: CPU that each host's processes spent (sshd, its sessions, the
// login shell, the command), read from /proc. Per host: every live process in the trees under its
// sshd listener and its keeper (pid 1 of the host; orphans end up there), each counted with
// utime+stime+cutime+cstime, so a session that ended is in its reaper's c-times and one still open
// (a kept connection) in its own: a difference of two readings is what ran in between.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_S = 0.01; // USER_HZ: 100 on Linux

function readProcs() {
  const procs = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields after the name: state ppid ... utime(12) stime(13) cutime(14) cstime(15)
      procs.set(Number(d), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
    } catch {}
  }
  return procs;
}

/** Seconds of CPU of the given hosts' process trees now (hosts: state.json entries with pid, keeperPid). */
export function readHostsCpu(hosts) {
  const procs = readProcs();
  const children = new Map();
  for (const [pid, p] of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  let ticks = 0;
  const seen = new Set();
  const walk = (pid) => {
    if (seen.has(pid) || !procs.has(pid)) return;
    seen.add(pid);
    ticks += procs.get(pid).ticks;
    for (const c of children.get(pid) ?? []) walk(c);
  };
  for (const h of hosts) {
    walk(h.pid);
    walk(h.keeperPid);
  }
  return ticks * TICK_S;
}

/** Waits until the hosts' CPU stops moving (sessions that are ending get reaped), up to maxMs. */
export async function settleHostsCpu(hosts, maxMs = 3000) {
  let last = readHostsCpu(hosts);
  const deadline = Date.now() + maxMs;
  for (;;) {
    await new Promise((r) => setTimeout(r, 150));
    const now = readHostsCpu(hosts);
    if (now === last || Date.now() > deadline) return now;
    last = now;
  }
}
