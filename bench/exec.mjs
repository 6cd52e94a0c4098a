// exec hostname on N lab hosts: isuops vs an `xargs -P 64 ssh` loop over the OpenSSH client.
import { measure, median } from './measure.mjs';

export async function benchExec({ lab, repo, counts, runs, peers }) {
  const rows = [];
  for (const n of counts) {
    const names = lab.names.slice(0, n);
    const hostsArg = names.join(',');
    const cases = {
      isuops: ['node', `${repo}/bin/isuops`, 'exec', '-q', '-p', '64', '-F', lab.sshConfig, '-H', hostsArg, 'hostname'],
      'xargs+ssh': ['sh', '-c', `printf '%s\\n' ${names.join(' ')} | xargs -P 64 -I{} ssh -F ${lab.sshConfig} -o BatchMode=yes {} hostname`],
      ...Object.fromEntries(Object.entries(peers).map(([name, make]) => [name, make(names)]).filter(([, argv]) => argv)),
    };
    for (const [tool, argv] of Object.entries(cases)) {
      const samples = [];
      for (let i = 0; i < runs; i++) samples.push(await measure(argv));
      const ok = samples.filter((s) => s.code === 0 && s.stdoutLines === n);
      const row = {
        bench: 'exec hostname', hosts: n, tool, runs,
        ok: ok.length,
        wallS: median(samples.map((s) => s.wall)),
        cpuMsPerHost: median(samples.map((s) => s.cpu)) * 1000 / n,
        peakRssMiB: median(samples.map((s) => s.rssKiB)) / 1024,
        error: ok.length === runs ? undefined : `${runs - ok.length}/${runs} runs failed: ${samples.find((s) => s.code !== 0 || s.stdoutLines !== n)?.stderr.split('\n')[0] ?? ''}`,
      };
      rows.push(row);
      console.error(`exec ${n} hosts ${tool}: ${row.wallS.toFixed(3)} s, ${row.cpuMsPerHost.toFixed(1)} ms CPU/host, ${row.peakRssMiB.toFixed(0)} MiB${row.error ? ` (${row.error})` : ''}`);
    }
  }
  return rows;
}

export async function benchStartup({ repo, runs }) {
  const rows = [];
  for (const args of [['--version'], ['--help'], ['exec', '--help']]) {
    const samples = [];
    for (let i = 0; i < runs; i++) samples.push(await measure(['node', `${repo}/bin/isuops`, ...args]));
    rows.push({ bench: `isuops ${args.join(' ')}`, tool: 'isuops', runs, wallS: median(samples.map((s) => s.wall)), cpuMs: median(samples.map((s) => s.cpu)) * 1000, peakRssMiB: median(samples.map((s) => s.rssKiB)) / 1024 });
    console.error(`startup ${args.join(' ')}: ${(rows.at(-1).wallS * 1000).toFixed(0)} ms`);
  }
  return rows;
}
