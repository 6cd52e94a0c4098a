#!/usr/bin/env node
// `npm run bench`: brings up a lab, measures isuops beside the OpenSSH-based way of doing the
// same thing, in one run, and writes BENCHMARKS.md plus bench-results/latest.json.
// Usage: node bench/run.mjs [--runs N] [--hosts 5,50] [--keep-lab]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchExec, benchStartup } from './exec.mjs';
import { writeReport } from './report.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const runs = Number(flag('--runs', '5'));
const counts = flag('--hosts', '5,50').split(',').map(Number);
const labDir = process.env.ISUOPS_BENCH_LAB ?? '/tmp/isuops-bench-lab';
const isuops = (...a) => execFileSync('node', [`${repo}/bin/isuops`, ...a], { stdio: ['ignore', 'pipe', 'inherit'] }).toString();

const maxHosts = Math.max(...counts);
console.error(`bench: lab of ${maxHosts} hosts in ${labDir}`);
const labStarted = Date.now();
isuops('lab', 'up', String(maxHosts), '--dir', labDir, '--base', '127.0.9');
const labUpS = (Date.now() - labStarted) / 1000;
const lab = {
  dir: labDir,
  sshConfig: path.join(labDir, 'ssh_config'),
  names: JSON.parse(readFileSync(path.join(labDir, 'state.json'), 'utf8')).hosts.map((h) => h.name),
};

const results = { date: new Date().toISOString(), machine: machineInfo(), command: `npm run bench -- ${args.join(' ')}`.trim(), runs, labUpS, rows: [] };
try {
  results.rows.push(...(await benchStartup({ repo, runs })));
  results.rows.push(...(await benchExec({ lab, repo, counts, runs, peers: {} })));
} finally {
  if (!args.includes('--keep-lab')) isuops('lab', 'down', '--dir', labDir);
}
mkdirSync(path.join(repo, 'bench-results'), { recursive: true });
writeFileSync(path.join(repo, 'bench-results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
writeReport(path.join(repo, 'BENCHMARKS.md'), results);
console.error('bench: wrote BENCHMARKS.md and bench-results/latest.json');

function machineInfo() {
  const cpu = os.cpus();
  return `${cpu.length} x ${cpu[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, ${spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr.trim()}`;
}
