#!/usr/bin/env node
// `npm run bench`: brings up a lab, installs the peers operators use today, measures isuops beside
// them in one run, and writes BENCHMARKS.md plus bench-results/latest.json; ratios go to stderr.
// Usage: node bench/run.mjs [--quick] [--runs N] [--hosts 5,50,200] [--only exec,push,tail,...]
//   (benches: startup exec push tail pull bastion bashrc warm warm-push rtt daemon-mem)
//   [--no-install] [--keep-lab]; BENCH_NOTE=text adds a note to BENCHMARKS.md (e.g. a busy machine)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchBashrc } from './bashrc.mjs';
import { benchDaemonMemory } from './daemon-mem.mjs';
import { benchExec, benchStartup } from './exec.mjs';
import { benchWarmExec, benchWarmPush } from './kept.mjs';
import { benchRtt, startLatencyLab } from './rtt.mjs';
import { ensurePeers, sshOptionText } from './peers.mjs';
import { benchPush } from './push.mjs';
import { writeReport } from './report.mjs';
import { benchTail } from './tail.mjs';
import { checkTargets } from './targets.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const quick = args.includes('--quick');
const runs = Number(flag('--runs', quick ? '1' : '3'));
const counts = flag('--hosts', quick ? '5,50' : '5,50,200').split(',').map(Number);
const only = flag('--only', 'startup,exec,push,tail,pull,bastion,bashrc,warm,warm-push,rtt,daemon-mem').split(',');
// the labs' dirs and bases: $ISUOPS_BENCH_LAB_DIR/_BASE, $ISUOPS_BENCH_BASTION_LAB_DIR/_BASE, else
// this checkout's own (README, Development), so two checkouts' benches never share a lab
const runEnv = await import(pathToFileURL(path.join(repo, 'dist/lab/run-env.js')).href);
const { dir: labDir, base: labBase } = runEnv.findRunLab('bench');
const { dir: bastionDir, base: bastionBase } = runEnv.findRunLab('benchBastion');
const { dir: latencyDir, base: latencyBase } = runEnv.findRunLab('benchLatency');
const work = process.env.ISUOPS_BENCH_WORK || path.join(runEnv.findRunRoot(), 'bench-work');
const isuops = (...a) => execFileSync('node', [`${repo}/bin/isuops`, ...a], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const started = Date.now();
// This machine's environment sets NODE_EXTRA_CA_CERTS (a CA bundle): Node reads and parses that file
// before any JS in every process it starts (~45 ms per start here, measured in the start-up table).
// A user's shell rarely sets it and OpenSSH's tools never read it, so every run goes without it;
// the start-up table shows `node -e 0` and `isuops --version` with it too, for reference.
const extraCa = process.env.NODE_EXTRA_CA_CERTS;
delete process.env.NODE_EXTRA_CA_CERTS;
mkdirSync(work, { recursive: true });
console.error(`bench: labs ${labDir} (${labBase}.x) and ${bastionDir} (${bastionBase}.x), scratch ${work}`);

const results = {
  date: new Date().toISOString(), machine: machineInfo(), command: `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
  runs, counts, note: process.env.BENCH_NOTE, extraCa, rows: [], errors: [], loadAvgStart: os.loadavg(),
};
results.peers = ensurePeers({ install: !args.includes('--no-install') });

/** Runs one bench; a failure is recorded with why and the rest still runs. */
async function attempt(bench, fn) {
  if (!only.includes(bench)) return;
  try {
    results.rows.push(...(await fn()));
  } catch (e) {
    const error = (e.stderr?.toString().trim() || e.message).split('\n').slice(-3).join(' ');
    console.error(`bench: ${bench} failed: ${error}`);
    results.errors.push({ bench, error });
  }
}

/** bench/<name>.mjs when it exists (pull and bastion come from other work). */
async function optional(name) {
  const file = path.join(repo, 'bench', `${name}.mjs`);
  return existsSync(file) ? import(pathToFileURL(file).href) : undefined;
}

/** Runs `fn` with kept connections off for every isuops it starts (ISUOPS_CONTROL_PERSIST=no). */
async function cold(fn) {
  const before = process.env.ISUOPS_CONTROL_PERSIST;
  process.env.ISUOPS_CONTROL_PERSIST = 'no';
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.ISUOPS_CONTROL_PERSIST;
    else process.env.ISUOPS_CONTROL_PERSIST = before;
  }
}

await attempt('startup', () => benchStartup({ repo, runs: Math.max(runs, 3), extraCa }));

// as many hosts as the benches asked for need: --only rtt,bastion needs none of the main lab
const needs = { exec: Math.max(...counts), push: 5, tail: 5, pull: 5, bashrc: 50, warm: 50, 'warm-push': 5, 'daemon-mem': 200 };
const labHosts = Math.max(5, ...only.map((b) => needs[b] ?? 0));
const mainLab = only.some((b) => b in needs);
results.labHosts = labHosts;
let lab;
if (mainLab) try {
  console.error(`bench: lab of ${labHosts} hosts in ${labDir}`);
  const t = Date.now();
  isuops('lab', 'up', String(labHosts), '--dir', labDir, '--base', labBase, '--latency', '0');
  results.labUpS = (Date.now() - t) / 1000;
  const hostStates = JSON.parse(readFileSync(path.join(labDir, 'state.json'), 'utf8')).hosts;
  lab = { dir: labDir, base: labBase, sshConfig: path.join(labDir, 'ssh_config'), names: hostStates.map((h) => h.name), hostStates, work, repo };
} catch (e) {
  const error = `isuops lab up ${labHosts} failed: ${(e.stderr?.toString().trim() || e.message).split('\n').slice(-3).join(' ')}`;
  console.error(`bench: ${error}`);
  results.errors.push({ bench: 'lab', error });
}
if (lab) {
  results.lab = lab;
  results.sshOptions = sshOptionText(lab);
  const { unavailable } = results.peers;
  try {
    // These rows set isuops beside OpenSSH loops that connect afresh every run: isuops too, with no
    // kept connection (its daemon would make every run after the first warm). The warm rows below
    // set kept connections beside OpenSSH's ControlPersist masters.
    await cold(async () => {
      await attempt('exec', () => benchExec({ lab, repo, counts, runs, work, unavailable }));
      await attempt('push', () => benchPush({ lab, repo, runs, work, unavailable }));
      await attempt('tail', () => benchTail({ lab, repo, runs, work, unavailable }));
      await attempt('pull', async () => {
        const mod = await optional('pull');
        if (!mod?.benchPull) throw new Error('bench/pull.mjs (benchPull) does not exist yet');
        if (!/\bpull\b/.test(isuops('--help'))) throw new Error('isuops has no pull command yet');
        return mod.benchPull({ lab, repo, runs });
      });
    });
    await attempt('bashrc', () => benchBashrc({ lab, repo, runs }));
    await attempt('warm', () => benchWarmExec({ lab, repo, runs }));
    await attempt('warm-push', () => benchWarmPush({ lab, repo, runs, work }));
    await attempt('daemon-mem', () => benchDaemonMemory({ lab, repo }));
  } finally {
    if (!args.includes('--keep-lab')) isuops('lab', 'down', '--dir', labDir);
  }
}
// the bastion lab puts its fleet in a network namespace of its own: another lab, after this one
await cold(() => attempt('bastion', async () => {
  const mod = await optional('bastion');
  if (!mod?.benchBastion || !mod.startBastionLab) throw new Error('bench/bastion.mjs (benchBastion, startBastionLab) does not exist yet');
  const blab = await mod.startBastionLab({ repo, dir: bastionDir, base: bastionBase, count: 50 });
  try {
    return await mod.benchBastion({ lab: blab, repo, runs });
  } finally {
    if (!args.includes('--keep-lab')) await blab.down();
  }
}));

// the latency lab: 5 hosts behind the lab's latency proxy, after the others are down
await attempt('rtt', async () => {
  const llab = await startLatencyLab({ repo, dir: latencyDir, base: latencyBase, work });
  results.latencyLab = llab;
  try {
    return await benchRtt({ lab: llab, repo, runs });
  } finally {
    if (!args.includes('--keep-lab')) await llab.down();
  }
});

results.durationS = (Date.now() - started) / 1000;
results.loadAvgEnd = os.loadavg();
results.targets = checkTargets(results.rows);
mkdirSync(path.join(repo, 'bench-results'), { recursive: true });
// latest.json for BENCHMARKS.md, and one file per run so a later run does not lose it
const json = `${JSON.stringify(results, null, 2)}\n`;
writeFileSync(path.join(repo, 'bench-results', args.includes('--only') ? 'partial.json' : 'latest.json'), json);
writeFileSync(path.join(repo, 'bench-results', `${results.date.replace(/[:.]/g, '-')}.json`), json);
// a partial run (--only) leaves the committed BENCHMARKS.md alone: its report goes beside the JSON
const reportFile = args.includes('--only') ? path.join('bench-results', 'partial.md') : 'BENCHMARKS.md';
writeReport(path.join(repo, reportFile), results);
printRatios();
console.error(`bench: wrote ${reportFile} and bench-results/${args.includes("--only") ? "partial" : "latest"}.json in ${(results.durationS / 60).toFixed(1)} min`);

function printRatios() {
  console.error('\nisuops/peer (wall; tail: lines/s and CPU per line):');
  const groups = new Map();
  for (const r of results.rows.filter((r) => r.hosts !== undefined)) {
    const key = `${r.bench} on ${r.hosts} hosts`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [key, rows] of groups) {
    const mine = rows.find((r) => r.tool === 'isuops');
    if (!mine) continue;
    const parts = rows.filter((r) => !r.tool.startsWith('isuops')).map((r) => (r.bench === 'tail'
      ? `${r.tool} ${(mine.linesPerS / r.linesPerS).toFixed(2)}x lines/s, ${(mine.cpuMsPer100kLines / r.cpuMsPer100kLines).toFixed(2)}x CPU`
      : `${r.tool} ${(mine.wallS / r.wallS).toFixed(2)}x`));
    console.error(`  ${key}: ${parts.join(', ')}`);
  }
  console.error('goals:');
  for (const t of results.targets) console.error(`  #${t.issue} ${t.goal}: ${t.measured} -> ${t.info ? 'reported' : t.met === undefined ? 'not measured' : t.met ? 'met' : 'NOT met'}`);
  for (const e of results.errors) console.error(`  did not run: ${e.bench}: ${e.error}`);
  for (const [k, v] of Object.entries(results.peers.unavailable)) console.error(`  peer unavailable: ${k}: ${v}`);
}

function machineInfo() {
  const cpu = os.cpus();
  const debian = existsSync('/etc/debian_version') ? `Debian ${readFileSync('/etc/debian_version', 'utf8').trim()}, ` : '';
  return `${cpu.length} x ${cpu[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${debian}${os.type()} ${os.release()}, Node ${process.version}, ${spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr.trim()}`;
}
