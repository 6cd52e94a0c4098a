// Runs one command under GNU time and returns wall seconds, CPU seconds (user+sys of it and
// every child it waited for) and peak RSS in KiB; plus the helpers every bench shares to turn
// samples into one row.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * `stopAfterLines`: once that many lines reached stdout, note the time (`linesDoneS`) and send
 * SIGINT to the command (as Ctrl-C would); GNU time ignores SIGINT, so it still reports.
 * `stopOnly`: send that SIGINT only to the command's processes of this name (e.g. `ssh`), so that
 * xargs and the shell above them reap them and their CPU is counted; `stopSignal` instead of
 * SIGINT there (pdsh's ssh children ignore SIGINT: pdsh handles Ctrl-C itself).
 * `timeoutMs`: SIGINT at that point, SIGKILL 5 s later (the sample then has `timedOut`).
 * `onLines(lines, seconds)`: called as stdout lines arrive.
 */
export function measure(argv, { env = process.env, input, stopAfterLines, stopOnly, stopSignal = 'SIGINT', timeoutMs, onLines } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-bench-'));
  const timeFile = path.join(dir, 'time');
  // its own process group, so a stop reaches every process of the command (xargs, sh, ssh, ...)
  const detached = stopAfterLines !== undefined || timeoutMs !== undefined;
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const since = () => Number(process.hrtime.bigint() - started) / 1e9;
    const child = spawn('/usr/bin/time', ['-o', timeFile, '-f', '%U %S %M', ...argv], {
      env,
      detached,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const signal = (sig) => signalPid(detached ? -child.pid : child.pid, sig);
    let stdout = 0;
    let lines = 0;
    let stderr = '';
    let firstLineS;
    let linesDoneS;
    let timedOut = false;
    let killTimer;
    const stop = () => {
      if (stopOnly && !timedOut) for (const pid of findDescendants(child.pid, stopOnly)) signalPid(pid, stopSignal);
      else signal('SIGINT');
      killTimer ??= setTimeout(() => signal('SIGKILL'), 5000);
    };
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => ((timedOut = true), stop()), timeoutMs);
    child.stdout.on('data', (d) => {
      stdout += d.length;
      for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) lines++;
      if (firstLineS === undefined && lines > 0) firstLineS = since();
      onLines?.(lines, since());
      if (stopAfterLines !== undefined && linesDoneS === undefined && lines >= stopAfterLines) {
        linesDoneS = since();
        stop();
      }
    });
    child.stderr.on('data', (d) => {
      if (stderr.length < 4000) stderr += d.toString();
    });
    if (input !== undefined) child.stdin.end(input);
    child.on('close', (code) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      const wall = since();
      let user = NaN, sys = NaN, rss = NaN;
      try {
        const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop();
        [user, sys, rss] = last.split(/\s+/).map(Number);
      } catch {}
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, wall, cpu: user + sys, rssKiB: rss, stdoutBytes: stdout, stdoutLines: lines, stderr, firstLineS, linesDoneS, timedOut });
    });
  });
}

function signalPid(pid, sig) {
  try {
    process.kill(pid, sig);
  } catch {}
}

/** Pids of the processes in process group `pgid` whose command name is `comm`. */
function findDescendants(root, comm) {
  const procs = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.push({ pid: Number(pid), ppid: Number(fields[1]), name });
    } catch {}
  }
  // by parent, not by process group: pdsh puts each ssh in a group of its own
  const mine = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) if (!mine.has(p.pid) && mine.has(p.ppid)) (mine.add(p.pid), (grew = true));
  }
  return procs.filter((p) => p.name === comm && mine.has(p.pid)).map((p) => p.pid);
}

export const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The first line of what a failed sample said, for the report. */
export function describeFailure(s) {
  if (!s) return '';
  if (s.timedOut) return `timed out after ${s.wall.toFixed(0)} s with ${s.stdoutLines} lines`;
  const said = s.stderr.split('\n').find((l) => l.trim() && !/^Command (exited|terminated)/.test(l)) ?? '';
  return `exit ${s.code}, ${s.stdoutLines} lines${said ? `: ${said.trim().slice(0, 200)}` : ''}`;
}

/**
 * One table row from a tool's samples: medians over the runs that passed `isOk` (over all runs
 * when none did, so a broken tool still shows what it cost), and why the others failed.
 */
export function summarize(samples, isOk, fields) {
  const ok = samples.filter(isOk);
  const use = ok.length ? ok : samples;
  const bad = samples.find((s) => !isOk(s));
  return {
    ...fields,
    runs: samples.length,
    ok: ok.length,
    wallS: median(use.map((s) => s.wall)),
    cpuS: median(use.map((s) => s.cpu)),
    peakRssMiB: median(use.map((s) => s.rssKiB)) / 1024,
    samples: samples.map((s) => ({ code: s.code, wall: s.wall, cpu: s.cpu, rssKiB: s.rssKiB, stdoutLines: s.stdoutLines, firstLineS: s.firstLineS, linesDoneS: s.linesDoneS })),
    error: bad ? `${samples.length - ok.length}/${samples.length} runs failed (${describeFailure(bad)})` : undefined,
  };
}

/** Runs `argv` `runs` times; `before(i)` resets state and `after(sample)` checks it (not timed). */
export async function repeat(runs, argv, { before, after, ...opts } = {}) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    if (before) await before(i);
    const s = await measure(typeof argv === 'function' ? argv(i) : argv, opts);
    if (after) await after(s);
    samples.push(s);
  }
  return samples;
}

/** "0.62x" or "n/a". */
export const ratio = (a, b) => (Number.isFinite(a / b) && b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a');
