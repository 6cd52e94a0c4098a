// Writes BENCHMARKS.md from a bench run: machine, date, command, peers, goals, one table per
// operation with isuops/peer ratios, failures, and how each tool was run.
import { writeFileSync } from 'node:fs';
import { FANOUT } from './exec.mjs';
import { SAME_CRYPTO } from './peers.mjs';

const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const ratio = (a, b) => (Number.isFinite(a / b) && b > 0 ? `${(a / b).toFixed(2)}x` : '');
const okCell = (r) => `${r.ok}/${r.runs}${r.error ? ` (${r.error.replace(/\|/g, '/')})` : ''}`;

function groupRows(rows, keep) {
  const groups = new Map();
  for (const r of rows.filter(keep)) {
    const key = `${r.bench} on ${r.hosts} hosts`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  return groups;
}

/** A table per operation: wall, isuops/tool wall, CPU per host, peak RSS. */
function fleetTables(out, groups) {
  for (const [key, rows] of groups) {
    const mine = rows.find((r) => r.tool === 'isuops');
    out.push(`### ${key}`, '', '| tool | wall s | isuops/tool wall | CPU ms per host | isuops/tool CPU | peak RSS MiB | runs ok |', '|---|---:|---:|---:|---:|---:|---|');
    for (const r of rows) {
      // isuops variants (isuops --gzip) are not peers
      const other = mine && !r.tool.startsWith('isuops');
      out.push(`| ${r.tool} | ${fmt(r.wallS, 3)} | ${other ? ratio(mine.wallS, r.wallS) : ''} | ${fmt(r.cpuMsPerHost, 1)} | ${other ? ratio(mine.cpuMsPerHost, r.cpuMsPerHost) : ''} | ${fmt(r.peakRssMiB, 0)} | ${okCell(r)} |`);
    }
    out.push('');
  }
}

const quote = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/** The command line of a row, as a shell would take it, with the lab's paths and host lists made generic. */
function showCommand(r, lab) {
  const hosts = lab.names.slice(0, r.hosts);
  const env = Object.entries(r.commandEnv ?? {}).map(([k, v]) => `${k}=${quote(v)}`);
  // a shell loop is shown as the script one would type
  const argv = r.command[0] === 'sh' && r.command[1] === '-c' ? [r.command[2]] : r.command.map((a) => quote(String(a)));
  return [...env, ...argv]
    .join(' ')
    .replaceAll(hosts.join(','), 'HOSTS')
    .replaceAll(hosts.join(' '), 'HOSTS')
    .replaceAll(lab.dir, 'LAB')
    .replaceAll(lab.work, 'WORK')
    .replaceAll(lab.repo, '.');
}

/** Issues 12 and 13: the heavy ~/.bashrc, kept connections, round trips, memory. */
function keptTables(out, rows) {
  const bashrc = rows.filter((r) => r.section === 'bashrc');
  const kept = rows.filter((r) => r.section === 'kept');
  const rtt = rows.filter((r) => r.section === 'rtt');
  const memory = rows.filter((r) => r.section === 'memory');
  if (!bashrc.length && !kept.length && !rtt.length && !memory.length) return;
  out.push('## Kept connections and the remote side (issues 12 and 13)', '');
  if (bashrc.length) {
    out.push(`### exec hostname on ${bashrc[0].hosts} hosts, cold (and warm): a light ~/.bashrc and a ~60 ms one`, '');
    out.push('The lab\'s two login users: `isucon` (Debian\'s default .bashrc) and `isuheavy`, whose .bashrc costs ~60 ms of CPU as pyenv/nvm/conda init do (README, lab). Cold: no connection kept (isuops\'s daemon, once there is one, is stopped before each run). Warm (user `..., warm`): one run just before (not timed), isuops over its kept connections, ssh over ControlPersist masters. Hosts\' CPU: user+sys of every process of the hosts (sshd, the login shell, the command) over the run, from /proc (bench/host-cpu.mjs), per host; client CPU: the tool and its children.', '');
    out.push('| user | tool | wall s | isuops/tool wall | hosts\' CPU ms per host | isuops/tool hosts\' CPU | client CPU ms per host | runs ok |', '|---|---|---:|---:|---:|---:|---:|---|');
    for (const r of bashrc) {
      const mine = bashrc.find((m) => m.user === r.user && m.tool === 'isuops');
      const other = mine && r !== mine;
      out.push(`| ${r.user} | ${r.tool} | ${fmt(r.wallS, 3)} | ${other ? ratio(mine.wallS, r.wallS) : ''} | ${fmt(r.hostCpuMsPerHost, 1)} | ${other ? ratio(mine.hostCpuMsPerHost, r.hostCpuMsPerHost) : ''} | ${fmt(r.cpuMsPerHost, 1)} | ${okCell(r)} |`);
    }
    out.push('');
  }
  if (kept.length) {
    out.push('### warm runs', '');
    out.push('Warm: the same command ran once just before (not timed), then a running isuops daemon was given up to 10 s to have its spare workers booted (as the next command of an operator finds them). `exec hostname, warm`: isuops and `xargs ssh` over masters took turns (isuops, ssh, isuops, ssh..., 3x the runs of the other rows, the daemon settled and then a second of quiet before each), so that both met the same machine; `isuops, runs back to back`: isuops\'s runs right after each other, after one settle. The re-push rows: isuops and `xargs rsync` took turns the same way; isuops cold and rsync over masters ran back to back after them. For isuops that leaves kept connections once its daemon exists (`kept` says whether `isuops daemon status` found one after the runs); OpenSSH\'s are ControlMaster=auto masters with ControlPersist=600 (`-o ControlMaster=auto -o ControlPath=WORK/mux/%C -o ControlPersist=600`, as Ansible keeps them). `isuops cold`: the daemon stopped before each run.', '');
    out.push('| operation | hosts | tool | wall s | isuops/tool wall | kept | client CPU ms per host | runs ok |', '|---|---:|---|---:|---:|---|---:|---|');
    for (const r of kept) {
      const mine = kept.find((m) => m.bench === r.bench && m.hosts === r.hosts && m.tool === 'isuops');
      const other = mine && r !== mine;
      out.push(`| ${r.bench} | ${r.hosts} | ${r.tool} | ${fmt(r.wallS, 3)} | ${other ? ratio(mine.wallS, r.wallS) : ''} | ${r.kept === undefined ? '' : r.kept ? 'daemon' : 'no daemon'} | ${fmt(r.cpuMsPerHost, 1)} | ${okCell(r)} |`);
    }
    out.push('');
  }
  if (rtt.length) {
    out.push(`### round trips at ${rtt[0].rttMs} ms RTT, exec hostname on ${rtt[0].hosts} hosts`, '');
    out.push(`A lab of ${rtt[0].hosts} hosts behind the lab\'s latency proxy (\`lab up --latency ${rtt[0].rttMs}ms\`); each tool is timed through the proxy and straight to sshd (port 22 of the same hosts). The runs alternate (direct, through the proxy, direct, ...; at least 5 pairs) so that the machine's load drifts the same for both; round trips = the median of the pairs' (wall through the proxy - wall direct) / RTT: what the tool waits for beyond the command's own time and its start-up. The wall columns are medians. The proxy also counts, per host, the round trips that clients waited for (a server reply after the client last sent; the TCP handshake is not delayed by the proxy and not counted) and new connections: exact, whatever the load.`, '');
    out.push('| tool | wall s direct | wall s at RTT | round trips by the clock | round trips counted by the proxy, per host | new connections per host | kept | runs ok |', '|---|---:|---:|---:|---:|---:|---|---|');
    for (const r of rtt) out.push(`| ${r.tool} | ${fmt(r.directWallS, 3)} | ${fmt(r.wallS, 3)} | ${fmt(r.roundTrips, 1)} | ${fmt(r.turnsPerHost, 1)} | ${fmt(r.connectionsPerHost, 1)} | ${r.kept === undefined ? '' : r.kept ? 'daemon' : 'no daemon'} | ${okCell(r)} |`);
    out.push('');
  }
  if (memory.length) {
    out.push(`### memory of kept connections to ${memory[0].hosts} hosts`, '');
    out.push('After one `exec true` on every host (isuops, fan-out 64) and one `xargs -P 64 ssh` with ControlPersist masters: the RSS and the PSS (shared pages divided among their users, from smaps_rollup) of the processes that keep the connections.', '');
    out.push('| tool | processes | RSS MiB | PSS MiB | isuops/tool RSS | runs ok |', '|---|---:|---:|---:|---:|---|');
    const mine = memory.find((r) => r.tool === 'isuops daemon');
    for (const r of memory) out.push(`| ${r.tool} | ${r.processes} | ${fmt(r.rssMiB, 1)} | ${fmt(r.pssMiB, 1)} | ${mine && r !== mine ? ratio(mine.rssMiB, r.rssMiB) : ''} | ${okCell(r)} |`);
    out.push('');
  }
}

export function writeReport(file, results) {
  const { rows } = results;
  const out = [];
  out.push('# Benchmarks', '');
  out.push(`Made by \`${results.command}\` on ${results.date}, in ${fmt(results.durationS / 60, 1)} min.`, '');
  const load = (l) => (l ? l.map((x) => x.toFixed(2)).join(' ') : 'n/a');
  out.push(`Machine: ${results.machine}. Load average (1, 5, 15 min) at the start: ${load(results.loadAvgStart)}; at the end: ${load(results.loadAvgEnd)}.`, '');
  out.push(`Lab: ${results.labHosts} real OpenSSH sshd hosts on loopback (\`isuops lab up ${results.labHosts} --dir LAB --base ${results.lab?.base ?? '127.X.9'}\`), up in ${fmt(results.labUpS, 1)} s. Medians of ${results.runs} runs (of the runs that succeeded). The raw figures of every run are in \`bench-results/latest.json\` and \`bench-results/${results.date.replace(/[:.]/g, '-')}.json\` (not committed: \`bench-results/\` is in .gitignore; every run writes its own dated file and overwrites latest.json).`, '');
  if (results.note) out.push(`**Note.** ${results.note}`, '');
  if (results.extraCa) out.push(`**Environment.** This machine's environment sets NODE_EXTRA_CA_CERTS (${results.extraCa}); Node parses that file before any JS of every process it starts. Users' shells rarely set it and OpenSSH's tools never read it, so every run here goes without it; the start-up table shows what it costs.`, '');
  out.push('Peers: ' + Object.entries(results.peers.versions).map(([k, v]) => `${k} (${v})`).join(', ') + '.', '');

  const targets = results.targets ?? [];
  if (targets.length) {
    out.push('## Goals from the issues', '', '| issue | goal | measured | met |', '|---|---|---|---|');
    for (const t of targets) out.push(`| #${t.issue} | ${t.goal} | ${t.measured} | ${t.info ? 'reported' : t.met === undefined ? 'not measured' : t.met ? 'yes' : '**no**'} |`);
    out.push('');
  }

  const startup = rows.filter((r) => r.section === undefined && (r.bench.startsWith('isuops ') || r.bench.startsWith('node -e')));
  if (startup.length) {
    out.push('## Start-up', '', '| command | wall ms | CPU ms | peak RSS MiB |', '|---|---:|---:|---:|');
    for (const r of startup) out.push(`| \`${r.bench}\` | ${fmt(r.wallS * 1000, 0)} | ${fmt(r.cpuMs, 0)} | ${fmt(r.peakRssMiB, 0)} |`);
    out.push('');
  }

  const exec = groupRows(rows, (r) => r.bench === 'exec hostname');
  if (exec.size) {
    out.push('## exec hostname', '');
    out.push(`Fan-out ${FANOUT} for every tool. CPU is user+sys of the tool and every process it waited for (ssh clients included), per host; the sshd side is not counted.`, '');
    fleetTables(out, exec);
  }
  const push = groupRows(rows, (r) => r.bench.startsWith('push '));
  if (push.size) {
    out.push('## push', '');
    out.push('First push: the remote target is removed before every run (not timed). Unchanged re-push: the same command again right after, nothing to send.', '');
    fleetTables(out, push);
  }
  const tail = rows.filter((r) => r.bench === 'tail');
  if (tail.length) {
    const mine = tail.find((r) => r.tool === 'isuops');
    out.push('## tail', '');
    out.push(`${tail[0].hosts} hosts, each appending ${(tail[0].lines / tail[0].hosts).toLocaleString('en')} lines of 200 bytes as fast as \`cat >>\` writes them; lines/s is all lines over the time from the first write to the last line on the tool's stdout. CPU is the whole run of the tool (connect, follow, stop) over the lines delivered. \`no lines\` is the CPU of the same run with nothing appended (start-up, connecting, stopping); \`per line\` is what the lines added to it.`, '');
    out.push('| tool | lines/s | isuops/tool lines/s | CPU ms per 100,000 lines | isuops/tool CPU | no lines: CPU ms | per line: CPU ms per 100,000 lines | isuops/tool per line | peak RSS MiB | runs exact |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
    for (const r of tail) {
      const other = mine && r !== mine;
      out.push(`| ${r.tool} | ${fmt(r.linesPerS, 0)} | ${other ? ratio(mine.linesPerS, r.linesPerS) : ''} | ${fmt(r.cpuMsPer100kLines, 0)} | ${other ? ratio(mine.cpuMsPer100kLines, r.cpuMsPer100kLines) : ''} | ${fmt(r.idleCpuS * 1000, 0)} | ${fmt(r.marginalCpuMsPer100kLines, 0)} | ${other ? ratio(mine.marginalCpuMsPer100kLines, r.marginalCpuMsPer100kLines) : ''} | ${fmt(r.peakRssMiB, 0)} | ${okCell(r)} |`);
    }
    out.push('');
  }
  keptTables(out, rows);
  const other = groupRows(rows, (r) => !r.section && r.hosts !== undefined && !['exec hostname', 'tail'].includes(r.bench) && !r.bench.startsWith('push '));
  if (other.size) {
    out.push('## Other operations', '');
    fleetTables(out, other);
  }

  if (Object.keys(results.peers.unavailable).length || results.errors.length) {
    out.push('## What did not run', '');
    for (const [k, v] of Object.entries(results.peers.unavailable)) out.push(`- peer ${k}: ${v}`);
    for (const e of results.errors) out.push(`- ${e.bench}: ${e.error}`);
    out.push('');
  }

  out.push('## How each tool was run', '');
  out.push(`Fairness: the same fan-out (${FANOUT}; ${tail[0]?.hosts ?? 5} for tail, the host count), the same lab, the same key and host key (ed25519). isuops (ssh2) negotiates curve25519-sha256 and aes128-gcm@openssh.com with the lab's sshd; every OpenSSH-based peer is given the same as its main setting (\`${SAME_CRYPTO.join(' ')}\`), and \`xargs+ssh (OpenSSH defaults)\` shows the OpenSSH client with its own choice (sntrup761x25519-sha512 + chacha20-poly1305), the baseline issue 2 names. No connection sharing anywhere: \`-o ControlMaster=no -o ControlPath=none\` for every OpenSSH-based peer (so ControlPersist never applies); ansible's default \`ssh_args\` (\`-C -o ControlMaster=auto -o ControlPersist=60s\`) is replaced by ours. Host keys are checked against the lab's known_hosts (StrictHostKeyChecking yes from LAB/ssh_config) by every tool.`, '');
  out.push('- pssh (`parallel-ssh`): `-x` passes the ssh options, `-i` prints each host\'s output, `-t 0` no timeout.');
  out.push('- pdsh: `-R ssh` with `PDSH_SSH_ARGS_APPEND` set to the ssh options; `-l isucon` because pdsh passes `-l <local user>` to ssh otherwise.');
  out.push('- clush: `-o` passes the ssh options; `-f 64`.');
  out.push(`- ansible: ad-hoc \`command\` module, \`-f ${FANOUT}\`, pipelining on (one ssh per host), \`ansible_python_interpreter=/usr/bin/python3\` in the inventory (no discovery round trip), \`ANSIBLE_SSH_ARGS\` = the ssh options, its own ansible.cfg in WORK.`);
  out.push('- prsync (`parallel-rsync`): `rsync -a` over `ssh` with the ssh options (its `-S` passes them); xargs+rsync: `rsync -ai`, which itemizes every change as isuops does (the issue\'s loop is `rsync -avRiK`).');
  out.push('- tail: `pdsh tail -F` runs the same ssh per host under pdsh, which labels every line with its host and keeps lines whole, as isuops does (the bare `xargs ssh` loop does neither); both are stopped through their ssh processes so that the tool reaps them and their CPU counts.');
  out.push('- Remote state for push is reset from the lab machine (each lab host\'s /home/isucon is LAB/hosts/<host>/home/isucon here).');
  out.push('- pull (bench/pull.mjs) and exec via a bastion (bench/bastion.mjs) come with their own commands, described at the top of those files; the bastion lab is a second lab (its own dir and base, `127.X.29`, 50 hosts in a network namespace reachable only through the bastion), brought up after the main lab is down.', '');
  out.push('LAB is the lab directory, WORK the bench\'s scratch directory (`$ISUOPS_BENCH_WORK`, else under the checkout\'s run directory), HOSTS the host list; `OPTS` below = `-F LAB/ssh_config -o BatchMode=yes -o ControlMaster=no -o ControlPath=none ' + SAME_CRYPTO.join(' ') + '`.', '');
  const lab = results.lab ?? results.latencyLab ?? { names: [], dir: 'LAB', work: 'WORK', repo: '.' };
  const opts = results.sshOptions;
  const seen = new Set();
  out.push('| operation | tool | command |', '|---|---|---|');
  for (const r of rows.filter((r) => r.command)) {
    const key = `${r.bench.replace(/, (first push|unchanged re-push)$/, '')} ${r.tool}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let cmd = showCommand(r, lab);
    if (opts) cmd = cmd.replaceAll(opts.replaceAll(lab.dir, 'LAB'), 'OPTS');
    out.push(`| ${r.bench.replace(/, (first push|unchanged re-push)$/, '')} | ${r.tool} | \`${cmd.replace(/\|/g, '\\|')}\` |`);
  }
  out.push('');
  writeFileSync(file, `${out.join('\n')}\n`);
}
