// Writes the markdown table of a bench run, with isuops/peer ratios.
import { writeFileSync } from 'node:fs';

const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

export function writeReport(file, results) {
  const out = [];
  out.push('# Benchmarks', '');
  out.push(`Made by \`${results.command}\` on ${results.date}.`, '');
  out.push(`Machine: ${results.machine}. Lab: real OpenSSH sshd hosts on loopback (isuops lab), up in ${fmt(results.labUpS, 1)} s. Medians of ${results.runs} runs.`, '');
  const startup = results.rows.filter((r) => r.bench.startsWith('isuops '));
  if (startup.length) {
    out.push('## Start-up', '', '| command | wall ms | CPU ms | peak RSS MiB |', '|---|---:|---:|---:|');
    for (const r of startup) out.push(`| \`${r.bench}\` | ${fmt(r.wallS * 1000, 0)} | ${fmt(r.cpuMs, 0)} | ${fmt(r.peakRssMiB, 0)} |`);
    out.push('');
  }
  const groups = new Map();
  for (const r of results.rows.filter((r) => r.hosts !== undefined)) {
    const key = `${r.bench} on ${r.hosts} hosts`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  if (groups.size) {
    out.push('## Fleet operations', '', '| operation | tool | wall s | isuops/tool wall | CPU ms per host | peak RSS MiB | runs ok |', '|---|---|---:|---:|---:|---:|---:|');
    for (const [key, rows] of groups) {
      const mine = rows.find((r) => r.tool === 'isuops');
      for (const r of rows) {
        const ratio = mine && r !== mine ? fmt(mine.wallS / r.wallS) : '';
        out.push(`| ${key} | ${r.tool} | ${fmt(r.wallS, 3)} | ${ratio} | ${fmt(r.cpuMsPerHost, 1)} | ${fmt(r.peakRssMiB, 0)} | ${r.ok}/${r.runs}${r.error ? ` (${r.error})` : ''} |`);
      }
    }
    out.push('');
  }
  out.push('## How each tool was run', '');
  out.push('- isuops: `isuops exec -q -p 64 -F LAB/ssh_config -H isu01,... hostname` (ssh2, one connection per host, curve25519 key exchange, ed25519 key).');
  out.push('- xargs+ssh: `printf "%s\\n" HOSTS | xargs -P 64 -I{} ssh -F LAB/ssh_config -o BatchMode=yes {} hostname` (OpenSSH client defaults: its own key exchange order, no ControlMaster/ControlPersist).');
  out.push('- CPU is user+sys of the tool and every child it waited for (GNU time), divided by the number of hosts; peak RSS is the largest single process.');
  writeFileSync(file, `${out.join('\n')}\n`);
}
