// Issue 12: memory of kept connections to 200 hosts: isuops's daemon (one process) beside 200
// OpenSSH ControlPersist masters (one process each), RSS and PSS (shared pages counted once).
import { FANOUT } from './exec.mjs';
import { measure } from './measure.mjs';
import { findMuxMasters, muxOptionText, readDaemon, readMemoryKiB, stopMuxMasters } from './openssh-mux.mjs';

export async function benchDaemonMemory({ lab, repo, hosts = 200 }) {
  const names = lab.names.slice(0, hosts);
  const n = names.length;
  const rows = [];
  const run = await measure(['node', `${repo}/bin/isuops`, 'exec', '-q', '-p', String(FANOUT), '-F', lab.sshConfig, '-H', names.join(','), 'true'], { timeoutMs: 300_000 });
  const daemon = readDaemon(repo);
  const mine = daemon.pid ? readMemoryKiB(daemon.pid) : { rss: NaN, pss: NaN };
  rows.push({
    section: 'memory', bench: `kept connections to ${n} hosts`, hosts: n, tool: 'isuops daemon', processes: daemon.pid ? 1 : 0,
    rssMiB: mine.rss / 1024, pssMiB: mine.pss / 1024, runs: 1, ok: daemon.pid && run.code === 0 ? 1 : 0,
    error: run.code !== 0 ? `isuops exec exited ${run.code}: ${run.stderr.split('\n').find((l) => l.trim()) ?? ''}` : daemon.pid ? undefined : 'no daemon running after the run (isuops keeps no connections yet)',
  });
  stopMuxMasters(lab);
  const argv = ['sh', '-c', `printf '%s\\n' ${names.join(' ')} | xargs -P ${FANOUT} -I{} ssh ${muxOptionText(lab)} {} true`];
  const warm = await measure(argv, { timeoutMs: 300_000 });
  const masters = findMuxMasters(lab);
  const mem = masters.map(readMemoryKiB);
  const sum = (k) => mem.reduce((a, m) => a + m[k], 0) / 1024;
  rows.push({
    section: 'memory', bench: `kept connections to ${n} hosts`, hosts: n, tool: 'OpenSSH ControlPersist masters', processes: masters.length,
    rssMiB: sum('rss'), pssMiB: sum('pss'), runs: 1, ok: warm.code === 0 && masters.length === n ? 1 : 0,
    error: masters.length === n ? undefined : `${masters.length} masters for ${n} hosts (xargs exited ${warm.code})`,
  });
  stopMuxMasters(lab);
  for (const r of rows) console.error(`memory: ${r.tool}: ${r.processes} processes, RSS ${r.rssMiB.toFixed(1)} MiB, PSS ${r.pssMiB.toFixed(1)} MiB${r.error ? ` (${r.error})` : ''}`);
  return rows;
}
