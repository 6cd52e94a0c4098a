// Issue 12: round trips. A lab of 5 hosts behind the lab's latency proxy (`lab up --latency 20ms`),
// each tool timed through the proxy and straight to sshd (port 22, same lab): the difference over
// the RTT is how many round trips the tool waits for beyond the command's own time and start-up.
// isuops cold and warm (its second run, kept connections once the daemon lands) beside OpenSSH
// cold and over warm ControlPersist masters.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isuopsExec, xargsSsh } from './kept.mjs';
import { measure, median } from './measure.mjs';
import { muxOptionText, readDaemon, stopDaemon, stopMuxMasters } from './openssh-mux.mjs';
import { sshOptionText } from './peers.mjs';

export const RTT_MS = 20;

/** Brings up the latency lab with the built code; `direct` is a copy of its ssh_config at port 22. */
export async function startLatencyLab({ repo, dir, base, count = 5, work }) {
  const labMod = await import(pathToFileURL(path.join(repo, 'dist/lab/index.js')).href);
  const r = await labMod.bringLabUp({ dir, count, base, latencyMs: RTT_MS });
  const sshConfig = path.join(dir, 'ssh_config');
  const direct = path.join(dir, 'ssh_config.direct');
  writeFileSync(direct, readFileSync(sshConfig, 'utf8').replace(/^( {2}Port) \d+$/gm, '$1 22'));
  const names = r.state.hosts.map((h) => h.name);
  return { dir, sshConfig, direct, names, work, repo, stats: () => labMod.readLatencyStats(dir), down: () => labMod.takeLabDown(dir) };
}

export async function benchRtt({ lab, repo, runs }) {
  const names = lab.names.slice(0, 5);
  const n = names.length;
  const ok = (s) => s.code === 0 && s.stdoutLines === n;
  const via = { proxied: lab, direct: { ...lab, sshConfig: lab.direct } };
  const tools = {
    'isuops cold': (l) => ({ argv: isuopsExec(repo, l, names), cold: true }),
    'isuops warm': (l) => ({ argv: isuopsExec(repo, l, names), warm: true }),
    'xargs+ssh cold': (l) => ({ argv: xargsSsh(names, sshOptionText(l)) }),
    'xargs+ssh ControlPersist (warm masters)': (l) => ({ argv: xargsSsh(names, muxOptionText(l)), warm: true }),
  };
  const rows = [];
  for (const [tool, make] of Object.entries(tools)) {
    const cases = Object.fromEntries(Object.entries(via).map(([way, l]) => [way, make(l)]));
    if (cases.direct.cold) stopDaemon(repo);
    for (const c of Object.values(cases)) if (c.warm) await measure(c.argv, { timeoutMs: 120_000 });
    // pairs, alternating: a difference of two runs, on a busy machine
    const pairs = [];
    for (let i = 0; i < Math.max(runs, 5); i++) {
      const pair = {};
      for (const [way, c] of Object.entries(cases)) {
        if (c.cold) stopDaemon(repo);
        const before = way === 'proxied' ? await lab.stats() : undefined;
        pair[way] = await measure(c.argv, { timeoutMs: 120_000 });
        if (before) {
          // what the proxy saw: round trips waited for and new connections, per host
          const after = await lab.stats();
          const sum = (k) => names.reduce((a, h) => a + after[h][k] - before[h][k], 0) / n;
          pair.turns = sum('turns');
          pair.connections = sum('connections');
        }
      }
      pairs.push(pair);
    }
    const kept = tool === 'isuops warm' ? readDaemon(repo).running : undefined;
    for (const l of Object.values(via)) stopMuxMasters(l);
    const good = pairs.filter((p) => ok(p.direct) && ok(p.proxied));
    const use = good.length ? good : pairs;
    const roundTrips = median(use.map((p) => ((p.proxied.wall - p.direct.wall) * 1000) / RTT_MS));
    const all = pairs.flatMap((p) => ['direct', 'proxied'].map((way) => ({ way, code: p[way].code, wall: p[way].wall, stdoutLines: p[way].stdoutLines, ...(way === 'proxied' ? { turns: p.turns, connections: p.connections } : {}) })));
    rows.push({
      section: 'rtt', bench: `exec hostname at ${RTT_MS} ms RTT`, hosts: n, tool, kept, rttMs: RTT_MS,
      wallS: median(use.map((p) => p.proxied.wall)), directWallS: median(use.map((p) => p.direct.wall)), roundTrips,
      turnsPerHost: median(use.map((p) => p.turns)), connectionsPerHost: median(use.map((p) => p.connections)),
      minRoundTrips: ((Math.min(...use.map((p) => p.proxied.wall)) - Math.min(...use.map((p) => p.direct.wall))) * 1000) / RTT_MS,
      runs: pairs.length, ok: good.length, command: cases.proxied.argv,
      error: good.length === pairs.length ? undefined : `${pairs.length - good.length}/${pairs.length} pairs had a failed run`,
      samples: all,
    });
    const r = rows.at(-1);
    console.error(`rtt: ${tool}: ${r.directWallS.toFixed(3)} s direct, ${r.wallS.toFixed(3)} s at ${RTT_MS} ms RTT: ${roundTrips.toFixed(1)} round trips by the clock (from the fastest runs: ${r.minRoundTrips.toFixed(1)}); the proxy counted ${r.turnsPerHost} round trips and ${r.connectionsPerHost} new connections per host`);
  }
  return rows;
}
