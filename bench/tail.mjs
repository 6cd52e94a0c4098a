// tail throughput from 5 lab hosts writing as fast as they can: the tool follows FILE on every host
// (one line of history, so its arrival says the follower is running), then each host's FILE gets
// LINES lines of 200 bytes appended at once (`cat >>`, 64 KiB writes); the clock runs from the
// first write to the moment the last line reaches the tool's stdout, then SIGINT (as Ctrl-C).
// isuops tail vs `xargs -P ssh tail -F` over OpenSSH (the issue's baseline) and pdsh (labelled lines).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { median, repeat, summarize } from './measure.mjs';
import { sshOptionText } from './peers.mjs';

const FILE = '/home/isucon/bench-tail.log';

/** LINES numbered log-like lines of 200 bytes each (with the newline). */
function writePayload(file, lines) {
  const pad = 'x'.repeat(200);
  const parts = [];
  for (let i = 1; i <= lines; i++) {
    const head = `2025-11-26T07:00:00+09:00 seq=${i} GET /api/condition/${i % 997} 200 `;
    parts.push(head + pad.slice(0, 199 - head.length));
  }
  writeFileSync(file, `${parts.join('\n')}\n`);
}

export async function benchTail({ lab, repo, runs, work, unavailable = {}, lines = 200_000, hosts = 5 }) {
  const names = lab.names.slice(0, hosts);
  const n = names.length;
  const payload = path.join(work, `tail-payload-${lines}.log`);
  writePayload(payload, lines);
  // each lab host's home is LAB/hosts/<name>/home/isucon on this machine
  const files = names.map((name) => path.join(lab.dir, 'hosts', name, FILE));
  const expected = n * (lines + 1);
  const cases = {
    isuops: { argv: ['node', `${repo}/bin/isuops`, 'tail', '-q', '--color', 'never', '-F', lab.sshConfig, '-H', names.join(','), '-n', '1', FILE] },
    // SIGINT to the ssh processes only, so that xargs reaps them and their CPU is counted. ssh
    // exits 255 on SIGINT, and GNU xargs aborts at once on a 255 without waiting for its other
    // children (whose CPU /usr/bin/time then never sees): `|| :` keeps xargs waiting for all five.
    'xargs+ssh tail -F': { argv: ['sh', '-c', `printf '%s\\n' ${names.join(' ')} | xargs -P ${n} -I{} sh -c 'ssh ${sshOptionText(lab)} {} tail -n 1 -F ${FILE} || :'`], stopOnly: 'ssh' },
    // The same ssh under pdsh, which (like isuops) labels every line with its host and never mixes
    // two hosts' lines: what the bare loop above leaves out. Stopped through its ssh children
    // (SIGTERM: pdsh has them ignore SIGINT), so that pdsh reaps them and their CPU is counted.
    ...(unavailable.pdsh
      ? {}
      : { 'pdsh tail -F (lines labelled)': { argv: ['pdsh', '-R', 'ssh', '-l', 'isucon', '-f', String(n), '-w', names.join(','), 'tail', '-n', '1', '-F', FILE], env: { ...process.env, PDSH_SSH_ARGS_APPEND: sshOptionText(lab) }, stopOnly: 'ssh', stopSignal: 'SIGTERM' } }),
  };
  const rows = [];
  for (const [tool, c] of Object.entries(cases)) {
    let writeStartS;
    const before = () => {
      writeStartS = undefined;
      for (const f of files) writeFileSync(f, 'ready\n');
    };
    const onLines = (count, at) => {
      if (writeStartS !== undefined || count < n) return;
      writeStartS = at;
      for (const f of files) spawn('sh', ['-c', 'cat "$1" >> "$2"', 'sh', payload, f], { stdio: 'ignore' });
    };
    const after = (s) => (s.writeStartS = writeStartS);
    const samples = await repeat(runs, c.argv, { before, after, onLines, env: c.env, stopAfterLines: expected, stopOnly: c.stopOnly, stopSignal: c.stopSignal, timeoutMs: 120_000 });
    // the same run with nothing appended: start-up, connecting, following and stopping alone
    const idle = await repeat(runs, c.argv, { before, env: c.env, stopAfterLines: n, stopOnly: c.stopOnly, stopSignal: c.stopSignal, timeoutMs: 60_000 });
    // exactly the lines written: none lost, none twice
    const row = summarize(samples, (s) => !s.timedOut && s.linesDoneS !== undefined && s.stdoutLines === expected, { bench: 'tail', hosts: n, tool, command: c.argv, lines: n * lines });
    const done = samples.filter((s) => s.linesDoneS !== undefined && s.writeStartS !== undefined);
    row.linesPerS = median(done.map((s) => (n * lines) / (s.linesDoneS - s.writeStartS)));
    row.cpuMsPer100kLines = (row.cpuS * 1000) / ((n * lines) / 100_000);
    row.idleCpuS = median(idle.filter((s) => !s.timedOut).map((s) => s.cpu));
    row.marginalCpuMsPer100kLines = ((row.cpuS - row.idleCpuS) * 1000) / ((n * lines) / 100_000);
    row.samples.forEach((x, i) => (x.writeStartS = samples[i].writeStartS));
    rows.push(row);
    console.error(`tail ${n} hosts x ${lines} lines ${tool}: ${Math.round(row.linesPerS)} lines/s, ${row.cpuMsPer100kLines.toFixed(0)} ms CPU per 100,000 lines (${row.marginalCpuMsPer100kLines.toFixed(0)} beyond the ${(row.idleCpuS * 1000).toFixed(0)} ms of a run with no lines)${row.error ? ` (${row.error})` : ''}`);
  }
  for (const f of files) writeFileSync(f, '');
  return rows;
}
