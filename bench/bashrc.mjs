// Issue 13: exec hostname on 50 hosts, cold, as the lab's light login user (isucon) and as the one
// whose ~/.bashrc costs ~60 ms of CPU (isuheavy, like pyenv/nvm/conda init): isuops vs `xargs -P
// 64 ssh`, wall time and the hosts' CPU per command (sshd, the login shell, the command; from /proc).
import { median as medianOf, repeat, summarize } from './measure.mjs';
import { FANOUT } from './exec.mjs';
import { settleHostsCpu } from './host-cpu.mjs';
import { stopDaemon } from './openssh-mux.mjs';
import { sshOptionText } from './peers.mjs';

export const USERS = { light: 'isucon', heavy: 'isuheavy' };

export async function benchBashrc({ lab, repo, runs, hosts = 50 }) {
  const names = lab.names.slice(0, hosts);
  const n = names.length;
  const states = lab.hostStates.slice(0, n);
  const byLines = (s) => s.code === 0 && s.stdoutLines === n;
  const rows = [];
  for (const [kind, user] of Object.entries(USERS)) {
    const xargs = (o) => ['sh', '-c', `printf '%s\\n' ${names.join(' ')} | xargs -P ${FANOUT} -I{} ssh ${o} -l ${user} {} hostname`];
    const cases = {
      // cold: no kept connection (the daemon, once there is one, stopped before every run)
      isuops: { argv: ['node', `${repo}/bin/isuops`, 'exec', '-q', '-p', String(FANOUT), '-F', lab.sshConfig, '-l', user, '-H', names.join(','), 'hostname'], cold: true },
      'xargs+ssh (OpenSSH defaults)': { argv: xargs(sshOptionText(lab, { sameCrypto: false })) },
      'xargs+ssh': { argv: xargs(sshOptionText(lab)) },
    };
    for (const [tool, c] of Object.entries(cases)) {
      let cpu0 = 0;
      const before = async () => {
        if (c.cold) stopDaemon(repo);
        cpu0 = await settleHostsCpu(states);
      };
      const after = async (s) => {
        s.hostCpuS = (await settleHostsCpu(states)) - cpu0;
      };
      const samples = await repeat(runs, c.argv, { before, after, timeoutMs: 300_000 });
      const row = summarize(samples, byLines, { section: 'bashrc', bench: `exec hostname, cold, ${kind} ~/.bashrc (${user})`, hosts: n, tool, user: kind, command: c.argv });
      row.cpuMsPerHost = (row.cpuS * 1000) / n;
      const ok = samples.filter(byLines);
      row.hostCpuMsPerHost = (medianOf((ok.length ? ok : samples).map((s) => s.hostCpuS)) * 1000) / n;
      row.samples.forEach((x, i) => (x.hostCpuS = samples[i].hostCpuS));
      rows.push(row);
      console.error(`bashrc ${kind} ${n} hosts ${tool}: ${row.wallS.toFixed(3)} s, hosts' CPU ${row.hostCpuMsPerHost.toFixed(1)} ms per host, client CPU ${row.cpuMsPerHost.toFixed(1)} ms per host${row.error ? ` (${row.error})` : ''}`);
    }
  }
  return rows;
}
