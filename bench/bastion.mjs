// exec hostname on N hosts through a bastion: isuops (one connection to the bastion, every host a
// forwarded channel on it) vs `xargs -P 64 ssh` with ProxyJump (one bastion connection per host).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { measure, median } from './measure.mjs';

/** Brings up a bastion lab with the built code; returns what benchBastion takes as `lab`. */
export async function startBastionLab({ repo, dir, base, count }) {
  const labMod = await import(pathToFileURL(path.join(repo, 'dist/lab/index.js')).href);
  const r = await labMod.bringLabUp({ dir, count, base, bastion: true });
  return { dir, sshConfig: path.join(dir, 'ssh_config'), names: r.state.hosts.map((h) => h.name), labUpS: r.durationMs / 1000, down: () => labMod.takeLabDown(dir) };
}

export async function benchBastion({ lab, repo, runs, hosts = 50 }) {
  const n = Math.min(hosts, lab.names.length);
  const names = lab.names.slice(0, n);
  // the lab's ssh_config has `Host isu*  ProxyJump bastion`; -J says it again for the record
  const cases = {
    isuops: ['node', `${repo}/bin/isuops`, 'exec', '-q', '-p', '64', '-F', lab.sshConfig, '-J', 'bastion', '-H', names.join(','), 'hostname'],
    'xargs+ssh -J': ['sh', '-c', `printf '%s\\n' ${names.join(' ')} | xargs -P 64 -I{} ssh -F ${lab.sshConfig} -o BatchMode=yes -J bastion {} hostname`],
  };
  const rows = [];
  for (const [tool, argv] of Object.entries(cases)) {
    const samples = [];
    for (let i = 0; i < runs; i++) samples.push(await measure(argv));
    const ok = samples.filter((s) => s.code === 0 && s.stdoutLines === n);
    const row = {
      bench: 'exec hostname via bastion', hosts: n, tool, runs,
      ok: ok.length,
      wallS: median(samples.map((s) => s.wall)),
      cpuMsPerHost: median(samples.map((s) => s.cpu)) * 1000 / n,
      peakRssMiB: median(samples.map((s) => s.rssKiB)) / 1024,
      error: ok.length === runs ? undefined : `${runs - ok.length}/${runs} runs failed: ${samples.find((s) => s.code !== 0 || s.stdoutLines !== n)?.stderr.split('\n')[0] ?? ''}`,
    };
    rows.push(row);
    console.error(`bastion ${n} hosts ${tool}: ${row.wallS.toFixed(3)} s, ${row.cpuMsPerHost.toFixed(1)} ms CPU/host, ${row.peakRssMiB.toFixed(0)} MiB${row.error ? ` (${row.error})` : ''}`);
  }
  const [mine, theirs] = rows;
  if (mine && theirs) console.error(`bastion ${n} hosts: isuops takes ${(mine.wallS / theirs.wallS).toFixed(2)}x the wall time of xargs+ssh -J (goal: at most 0.7x)`);
  return rows;
}
