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
  return out;
}
