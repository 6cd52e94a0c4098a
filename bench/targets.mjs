// The goals the issues set, checked against a run's rows: each one {issue, goal, measured, met}.
// `met` is undefined when the run has no figure for it (bench skipped or failed).

const find = (rows, bench, tool, hosts) => rows.find((r) => r.bench === bench && r.tool === tool && (hosts === undefined || r.hosts === hosts) && r.ok > 0);
const x = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}x` : 'n/a');

const seconds = (v) => `${v.toFixed(3)} s`;

function ratioGoal(issue, goal, mine, theirs, max, what = 'wallS', unit = seconds) {
  const v = mine && theirs ? mine[what] / theirs[what] : NaN;
  return { issue, goal, measured: Number.isFinite(v) ? `${x(v)} (${unit(mine[what])} vs ${unit(theirs[what])})` : 'not measured', ratio: v, met: Number.isFinite(v) ? v <= max : undefined };
}

export function checkTargets(rows) {
  const out = [];
  const exec50 = (tool) => find(rows, 'exec hostname', tool, 50);
  out.push(ratioGoal(2, 'exec hostname, 50 hosts: wall <= 0.7x xargs -P 64 ssh (OpenSSH defaults)', exec50('isuops'), exec50('xargs+ssh (OpenSSH defaults)'), 0.7));
  out.push(ratioGoal(2, 'exec hostname, 50 hosts: wall <= 0.7x xargs -P 64 ssh (same kex/cipher as isuops)', exec50('isuops'), exec50('xargs+ssh'), 0.7));
  for (const n of [5, 50, 200]) {
    const r = find(rows, 'exec hostname', 'isuops', n);
    if (r) out.push({ issue: 2, goal: `exec hostname, ${n} hosts: CPU <= 5 ms per host`, measured: `${r.cpuMsPerHost.toFixed(1)} ms per host`, met: r.cpuMsPerHost <= 5 });
  }
  for (const what of ['64 MB file', '1,000 small files']) {
    for (const [phase, max] of [['first push', 1.0], ['unchanged re-push', 0.5]]) {
      const bench = `push ${what}, ${phase}`;
      out.push(ratioGoal(3, `push ${what}, ${phase}: wall <= ${max.toFixed(1)}x xargs+rsync`, find(rows, bench, 'isuops'), find(rows, bench, 'xargs+rsync'), max));
    }
  }
  const mine = rows.find((r) => r.bench === 'tail' && r.tool === 'isuops');
  const theirs = rows.find((r) => r.bench === 'tail' && r.tool === 'xargs+ssh tail -F');
  if (mine) {
    out.push({ issue: 4, goal: 'tail, 5 hosts: >= 200,000 lines/s aggregate', measured: `${Math.round(mine.linesPerS).toLocaleString('en')} lines/s`, met: mine.linesPerS >= 200_000 });
    out.push({ issue: 4, goal: 'tail: no line lost (every run delivered exactly the lines written)', measured: `${mine.ok}/${mine.runs} runs exact${mine.error ? ` (${mine.error})` : ''}`, met: mine.ok === mine.runs });
    if (theirs) out.push(ratioGoal(4, 'tail: CPU per line <= xargs+ssh tail -F', mine, theirs, 1.0, 'cpuMsPer100kLines', (v) => `${v.toFixed(0)} ms per 100,000 lines`));
    // Not the issue's figure: the same, without either tool's start-up, connect and stop.
    if (theirs && Number.isFinite(mine.marginalCpuMsPer100kLines)) out.push(ratioGoal(4, '(for reference) tail: CPU per line beyond a run with no lines <= xargs+ssh tail -F', mine, theirs, 1.0, 'marginalCpuMsPer100kLines', (v) => `${v.toFixed(0)} ms per 100,000 lines`));
  }
  const bastion = rows.filter((r) => r.bench === 'exec hostname via bastion');
  if (bastion.length) out.push(ratioGoal(5, 'exec hostname via bastion, 50 hosts: wall <= 0.7x xargs ssh -J', bastion.find((r) => r.tool === 'isuops' && r.ok), bastion.find((r) => r.tool !== 'isuops' && r.ok), 0.7));
  const pull = rows.filter((r) => r.bench.startsWith('pull') && r.ok);
  if (pull.length) {
    const loops = pull.filter((r) => !r.tool.startsWith('isuops')).sort((a, b) => a.wallS - b.wallS);
    out.push(ratioGoal(7, `pull 200 MB from 5 hosts: wall <= 1.0x the faster of xargs+scp / xargs+rsync (${loops[0]?.tool ?? 'n/a'})`, pull.find((r) => r.tool === 'isuops'), loops[0], 1.0));
  }
  out.push(...checkKeptTargets(rows));
  return out;
}

/** Issues 12 and 13. */
function checkKeptTargets(rows) {
  const out = [];
  const get = (section, pred) => rows.find((r) => r.section === section && r.ok > 0 && pred(r));
  const heavy = (tool) => get('bashrc', (r) => r.user === 'heavy' && r.tool === tool);
  const light = (tool) => get('bashrc', (r) => r.user === 'light' && r.tool === tool);
  if (rows.some((r) => r.section === 'bashrc')) {
    out.push(ratioGoal(13, 'exec hostname, 50 hosts, cold, ~60 ms .bashrc: wall <= 0.8x xargs -P 64 ssh (OpenSSH defaults)', heavy('isuops'), heavy('xargs+ssh (OpenSSH defaults)'), 0.8));
    out.push(ratioGoal(13, '(for reference) the same: wall <= 0.8x xargs -P 64 ssh (same kex/cipher as isuops)', heavy('isuops'), heavy('xargs+ssh'), 0.8));
    const ms = (v) => `${v.toFixed(1)} ms per host`;
    out.push(ratioGoal(13, "exec hostname, 50 hosts, ~60 ms .bashrc: hosts' CPU per command <= 1.1x ssh's (same kex/cipher)", heavy('isuops'), heavy('xargs+ssh'), 1.1, 'hostCpuMsPerHost', ms));
    out.push(ratioGoal(13, "exec hostname, 50 hosts, light .bashrc: hosts' CPU per command <= 1.1x ssh's (same kex/cipher)", light('isuops'), light('xargs+ssh'), 1.1, 'hostCpuMsPerHost', ms));
  }
  const kept = (hosts, tool, bench = 'exec hostname, warm') => get('kept', (r) => r.bench === bench && r.hosts === hosts && r.tool === tool);
  if (rows.some((r) => r.section === 'kept' && r.bench === 'exec hostname, warm')) {
    out.push(ratioGoal(12, 'warm exec hostname, 50 hosts: wall <= 0.7x xargs -P 64 ssh over warm ControlPersist masters', kept(50, 'isuops'), kept(50, 'xargs+ssh ControlPersist (warm masters)'), 0.7));
    out.push(ratioGoal(12, "warm exec hostname, 5 hosts: wall <= 0.35x isuops's own cold run", kept(5, 'isuops'), kept(5, 'isuops cold (no kept connection)'), 0.35));
  }
  const pushBench = 'push 1,000 small files, unchanged re-push, warm';
  if (rows.some((r) => r.section === 'kept' && r.bench === pushBench)) {
    out.push(ratioGoal(12, 'unchanged re-push of 1,000 files to 5 hosts, warm: wall <= 0.5x xargs+rsync', kept(5, 'isuops', pushBench), kept(5, 'xargs+rsync', pushBench), 0.5));
  }
  const warm = get('rtt', (r) => r.tool === 'isuops warm');
  // met by the proxy's count (exact); the clock's figure beside it
  if (warm) out.push({ issue: 12, goal: `warm exec on 5 hosts at ${warm.rttMs} ms RTT: within 2 round trips of the command's own time plus start-up`, measured: `${warm.turnsPerHost} round trips per host counted by the proxy, ${warm.roundTrips.toFixed(1)} by the clock (${rows.filter((r) => r.section === 'rtt' && r !== warm).map((r) => `${r.tool} ${r.turnsPerHost} / ${r.roundTrips.toFixed(1)}`).join(', ')})`, met: warm.turnsPerHost <= 2 });
  const mem = rows.filter((r) => r.section === 'memory');
  const daemon = mem.find((r) => r.tool === 'isuops daemon');
  const masters = mem.find((r) => r.tool !== 'isuops daemon' && r.ok);
  if (mem.length) out.push({ issue: 12, goal: `the daemon holding ${mem[0].hosts} connections: RSS beside the sum of ${mem[0].hosts} ssh masters' RSS (reported, no target)`, info: true, measured: daemon?.ok ? `${daemon.rssMiB.toFixed(1)} MiB vs ${masters ? `${masters.rssMiB.toFixed(1)} MiB (PSS ${masters.pssMiB.toFixed(1)} MiB)` : 'n/a'}` : `no daemon; ssh masters ${masters ? `${masters.rssMiB.toFixed(1)} MiB RSS, ${masters.pssMiB.toFixed(1)} MiB PSS` : 'n/a'}`, met: undefined });
  const version = rows.find((r) => r.bench === 'isuops --version');
  if (version) out.push({ issue: 12, goal: '`isuops --version` < 100 ms', measured: `${(version.wallS * 1000).toFixed(0)} ms`, met: version.wallS < 0.1 });
  return out;
}
