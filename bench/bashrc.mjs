// Issue 13: exec hostname on 50 hosts, cold, as the lab's light login user (isucon) and as the one
// whose ~/.bashrc costs ~60 ms of CPU (isuheavy, like pyenv/nvm/conda init): isuops vs `xargs -P
// 64 ssh`, wall time and the hosts' CPU per command (sshd, the login shell, the command; from /proc).
// Issue 12: the same warm (user `light, warm`...): isuops over its kept connections beside `xargs
// -P 64 ssh` over ControlPersist masters, both warmed by one run first (not timed).
import { measure, median as medianOf, repeat, summarize } from './measure.mjs';
import { FANOUT } from './exec.mjs';
import { settleHostsCpu } from './host-cpu.mjs';
import { muxOptionText, stopDaemon, stopMuxMasters } from './openssh-mux.mjs';
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
    const isuops = ['node', `${repo}/bin/isuops`, 'exec', '-q', '-p', String(FANOUT), '-F', lab.sshConfig, '-l', user, '-H', names.join(','), 'hostname'];
    const cases = [
      // cold: no kept connection (the daemon, once there is one, stopped before every run)
      ['isuops', { argv: isuops, cold: true }],
      ['xargs+ssh (OpenSSH defaults)', { argv: xargs(sshOptionText(lab, { sameCrypto: false })) }],
      ['xargs+ssh', { argv: xargs(sshOptionText(lab)) }],
      ['isuops', { argv: isuops, warm: true }],
      ['xargs+ssh ControlPersist (warm masters)', { argv: xargs(muxOptionText(lab)), warm: true }],
    ];
    for (const [tool, c] of cases) {
      const userKind = c.warm ? `${kind}, warm` : kind;
      if (c.warm) await measure(c.argv, { timeoutMs: 300_000 });
      let cpu0 = 0;
      const before = async () => {
        if (c.cold) stopDaemon(repo);
        cpu0 = await settleHostsCpu(states);
      };
      const after = async (s) => {
        s.hostCpuS = (await settleHostsCpu(states)) - cpu0;
      };
      const samples = await repeat(runs, c.argv, { before, after, timeoutMs: 300_000 });
      const row = summarize(samples, byLines, { section: 'bashrc', bench: `exec hostname, ${c.warm ? 'warm' : 'cold'}, ${kind} ~/.bashrc (${user})`, hosts: n, tool, user: userKind, command: c.argv });
      row.cpuMsPerHost = (row.cpuS * 1000) / n;
      const ok = samples.filter(byLines);
      row.hostCpuMsPerHost = (medianOf((ok.length ? ok : samples).map((s) => s.hostCpuS)) * 1000) / n;
      row.samples.forEach((x, i) => (x.hostCpuS = samples[i].hostCpuS));
      rows.push(row);
      if (c.warm && tool !== 'isuops') stopMuxMasters(lab);
      console.error(`bashrc ${userKind} ${n} hosts ${tool}: ${row.wallS.toFixed(3)} s, hosts' CPU ${row.hostCpuMsPerHost.toFixed(1)} ms per host, client CPU ${row.cpuMsPerHost.toFixed(1)} ms per host${row.error ? ` (${row.error})` : ''}`);
    }
  }
  return rows;
}
