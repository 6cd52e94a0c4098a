// Issue 12: kept connections. isuops as it runs now (once the daemon lands, its second run on the
// same hosts reuses the connections the first one left), beside `xargs -P 64 ssh` over OpenSSH's
// own ControlPersist masters (warmed by one run first, as Ansible keeps them), and beside isuops
// cold (the daemon stopped before each run). Whether a daemon kept anything is in each row.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { FANOUT } from './exec.mjs';
import { measure, repeat, summarize } from './measure.mjs';
import { muxOptionText, readDaemon, stopDaemon, stopMuxMasters } from './openssh-mux.mjs';
import { sshOptionText } from './peers.mjs';
import { makePushSources } from './push.mjs';

const isuopsExec = (repo, lab, names, cmd = 'hostname') => ['node', `${repo}/bin/isuops`, 'exec', '-q', '-p', String(FANOUT), '-F', lab.sshConfig, '-H', names.join(','), cmd];
const xargsSsh = (names, opts, cmd = 'hostname') => ['sh', '-c', `printf '%s\\n' ${names.join(' ')} | xargs -P ${FANOUT} -I{} ssh ${opts} {} ${cmd}`];

/**
 * Runs one case: `warm` runs the command once (not timed) before the samples, then lets a running
 * daemon settle (its spare workers booted, as they are by an operator's next command), `cold`
 * stops the daemon before each. The samples themselves run back to back.
 */
async function runCase({ argv, runs, warm, cold, repo }) {
  if (cold) stopDaemon(repo);
  if (warm) {
    await measure(argv, { timeoutMs: 300_000 });
    await settleDaemon(repo);
  }
  return repeat(runs, argv, { before: () => cold && stopDaemon(repo), timeoutMs: 300_000 });
}

/** Waits (at most 10 s) until a running daemon has every spare worker ready and none booting. */
async function settleDaemon(repo) {
  for (const until = Date.now() + 10_000; Date.now() < until; ) {
    const d = readDaemon(repo);
    const warm = d.status?.warm;
    if (!d.running || !warm || (warm.booting === 0 && warm.ready >= 3)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function makeRow(samples, ok, fields, n) {
  const row = summarize(samples, ok, { section: 'kept', hosts: n, ...fields });
  row.cpuMsPerHost = (row.cpuS * 1000) / n;
  console.error(`kept: ${row.bench} ${row.tool}: ${row.wallS.toFixed(3)} s${row.kept !== undefined ? `, daemon ${row.kept ? 'kept connections' : 'not running'}` : ''}${row.error ? ` (${row.error})` : ''}`);
  return row;
}

/**
 * Warm samples of two commands taken in turn (A, B, A, B...), each after the daemon settled and a
 * second of quiet (as an operator's next command finds the machine, seconds after the last), so
 * that both see the same machine: a run of 50 `ssh` and one of a single process load a small
 * machine differently, and run one block after the other they met different loads (README).
 */
async function interleaved({ a, b, runs, repo }) {
  await measure(a, { timeoutMs: 300_000 });
  await measure(b, { timeoutMs: 300_000 });
  const samples = [[], []];
  for (let i = 0; i < runs; i++) {
    for (const [k, argv] of [a, b].entries()) {
      await settleDaemon(repo);
      // and a quiet second: what the run before left (ssh's masters closing 50 sessions) is done
      await new Promise((resolve) => setTimeout(resolve, 1000));
      samples[k].push(await measure(argv, { timeoutMs: 300_000 }));
    }
  }
  return samples;
}

/**
 * Warm exec hostname on 50 and 5 hosts: isuops and `xargs ssh` over masters in turn (`interleaved`,
 * 3x the runs), isuops's runs back to back after one settle (`runCase`), and isuops cold.
 */
export async function benchWarmExec({ lab, repo, runs, counts = [50, 5] }) {
  const rows = [];
  for (const n of counts) {
    const names = lab.names.slice(0, n);
    const ok = (s) => s.code === 0 && s.stdoutLines === n;
    const bench = `exec hostname, warm`;
    const argv = isuopsExec(repo, lab, names);
    stopMuxMasters(lab);
    // (after the stop, which removes the masters' directory that this makes)
    const mux = xargsSsh(names, muxOptionText(lab));
    const [warm, muxed] = await interleaved({ a: argv, b: mux, runs: runs * 3, repo });
    const kept = readDaemon(repo).running;
    rows.push(makeRow(warm, ok, { bench, tool: 'isuops', kept, command: argv, interleaved: true }, n));
    rows.push(makeRow(muxed, ok, { bench, tool: 'xargs+ssh ControlPersist (warm masters)', command: mux, interleaved: true }, n));
    rows.push(makeRow(await runCase({ argv, runs, warm: true, repo }), ok, { bench, tool: 'isuops, runs back to back', kept: readDaemon(repo).running, command: argv }, n));
    const cold = await runCase({ argv, runs, cold: true, repo });
    rows.push(makeRow(cold, ok, { bench, tool: 'isuops cold (no kept connection)', command: argv }, n));
    stopMuxMasters(lab);
  }
  return rows;
}

/** Unchanged re-push of the 1,000-file tree to 5 hosts, warm, beside xargs+rsync (in turns, 3x the runs), isuops cold, and xargs+rsync over masters. */
export async function benchWarmPush({ lab, repo, runs, work, hosts = 5 }) {
  const names = lab.names.slice(0, hosts);
  const n = names.length;
  const src = makePushSources(work);
  const dest = '/home/isucon/bench-kept-small';
  const reset = () => names.forEach((name) => rmSync(path.join(lab.dir, 'hosts', name, dest), { recursive: true, force: true }));
  reset();
  const bench = 'push 1,000 small files, unchanged re-push, warm';
  const isuops = ['node', `${repo}/bin/isuops`, 'push', '-q', '-p', String(FANOUT), '-F', lab.sshConfig, '-H', names.join(','), '--dest', dest, `${src.small}/`];
  const rsync = (opts) => ['sh', '-c', `printf '%s\\n' ${names.join(' ')} | xargs -P ${FANOUT} -I{} rsync -ai -e 'ssh ${opts}' ${src.small}/ {}:${dest}`];
  const ok = (s) => s.code === 0;
  const rows = [];
  // the first pushes (not timed) send the tree and warm the connections; then isuops and
  // xargs+rsync take turns, as the warm exec rows do
  const [warm, rsynced] = await interleaved({ a: isuops, b: rsync(sshOptionText(lab)), runs: runs * 3, repo });
  rows.push(makeRow(warm, ok, { bench, tool: 'isuops', kept: readDaemon(repo).running, command: isuops, interleaved: true }, n));
  rows.push(makeRow(rsynced, ok, { bench, tool: 'xargs+rsync', command: rsync(sshOptionText(lab)), interleaved: true }, n));
  rows.push(makeRow(await runCase({ argv: isuops, runs, cold: true, repo }), ok, { bench, tool: 'isuops cold (no kept connection)', command: isuops }, n));
  stopMuxMasters(lab);
  rows.push(makeRow(await runCase({ argv: rsync(muxOptionText(lab)), runs, warm: true, repo }), ok, { bench, tool: 'xargs+rsync ControlPersist (warm masters)', command: rsync(muxOptionText(lab)) }, n));
  stopMuxMasters(lab);
  reset();
  return rows;
}

export { isuopsExec, xargsSsh };
