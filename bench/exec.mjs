// exec hostname on N lab hosts: isuops vs `xargs -P 64 ssh`, pssh, pdsh, clush and ansible ad-hoc,
// every OpenSSH-based one with the lab's ssh_config, fan-out 64 and no connection sharing.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { measure, median, repeat, summarize } from './measure.mjs';
import { sshOptionText } from './peers.mjs';

export const FANOUT = 64;

/** The commands, by tool: `{argv, env?, ok(sample)}`; peers that are unavailable are left out. */
export function makeExecCases({ lab, repo, names, work, unavailable = {} }) {
  const n = names.length;
  const hostsFile = path.join(work, `hosts-${n}.txt`);
  writeFileSync(hostsFile, `${names.join('\n')}\n`);
  const opts = sshOptionText(lab);
  const byLines = (s) => s.code === 0 && s.stdoutLines === n;
  const xargs = (o) => ['sh', '-c', `printf '%s\\n' ${names.join(' ')} | xargs -P ${FANOUT} -I{} ssh ${o} {} hostname`];
  const cases = {
    isuops: { argv: ['node', `${repo}/bin/isuops`, 'exec', '-q', '-p', String(FANOUT), '-F', lab.sshConfig, '-H', names.join(','), 'hostname'], ok: byLines },
    // the issue's baseline: OpenSSH's own key exchange (sntrup761x25519) and cipher (chacha20)
    'xargs+ssh (OpenSSH defaults)': { argv: xargs(sshOptionText(lab, { sameCrypto: false })), ok: byLines },
    'xargs+ssh': { argv: xargs(opts), ok: byLines },
    // -i prints "[k] time [SUCCESS] host" then the output: 2 lines a host
    pssh: { argv: ['parallel-ssh', '-h', hostsFile, '-p', String(FANOUT), '-t', '0', '-x', opts, '-i', 'hostname'], ok: (s) => s.code === 0 && s.stdoutLines === 2 * n, peer: 'pssh' },
    // pdsh's ssh module runs `ssh -2 -a -x -l USER HOST`; -l isucon since it defaults to the local user
    pdsh: { argv: ['pdsh', '-R', 'ssh', '-l', 'isucon', '-f', String(FANOUT), '-w', names.join(','), 'hostname'], env: { ...process.env, PDSH_SSH_ARGS_APPEND: opts }, shownEnv: { PDSH_SSH_ARGS_APPEND: opts }, ok: byLines, peer: 'pdsh' },
    clush: { argv: ['clush', '-f', String(FANOUT), '-o', opts, '-w', names.join(','), 'hostname'], ok: byLines, peer: 'clush' },
    ansible: { argv: ['ansible', 'all', '-i', writeInventory(work, names), '-m', 'command', '-a', 'hostname', '-f', String(FANOUT), '-o'], env: ansibleEnv(lab, work), shownEnv: { ANSIBLE_CONFIG: `${work}/ansible.cfg`, ANSIBLE_PIPELINING: 'True', ANSIBLE_SSH_ARGS: opts }, ok: byLines, peer: 'ansible' },
  };
  return Object.fromEntries(Object.entries(cases).filter(([, c]) => !c.peer || !unavailable[c.peer]));
}

function writeInventory(work, names) {
  const file = path.join(work, `inventory-${names.length}.ini`);
  writeFileSync(file, `[lab]\n${names.join('\n')}\n\n[lab:vars]\n# no interpreter discovery round trip\nansible_python_interpreter=/usr/bin/python3\n`);
  return file;
}

/**
 * Ansible's fastest common setup without connection sharing: pipelining on (one ssh per host and
 * module), its default `-C -o ControlMaster=auto -o ControlPersist=60s` replaced by ours.
 */
export function ansibleEnv(lab, work) {
  const cfg = path.join(work, 'ansible.cfg');
  mkdirSync(path.join(work, 'ansible-tmp'), { recursive: true });
  writeFileSync(cfg, `[defaults]\nhost_key_checking = True\nlocal_tmp = ${work}/ansible-tmp\nnocolor = True\nforks = ${FANOUT}\n`);
  return { ...process.env, ANSIBLE_CONFIG: cfg, ANSIBLE_HOME: path.join(work, 'ansible-home'), ANSIBLE_PIPELINING: 'True', ANSIBLE_SSH_ARGS: sshOptionText(lab) };
}

export async function benchExec({ lab, repo, counts, runs, work, unavailable }) {
  const rows = [];
  for (const n of counts) {
    const names = lab.names.slice(0, n);
    if (names.length < n) {
      console.error(`exec ${n} hosts: skipped, the lab has ${names.length}`);
      continue;
    }
    for (const [tool, c] of Object.entries(makeExecCases({ lab, repo, names, work, unavailable }))) {
      const samples = await repeat(runs, c.argv, { env: c.env, timeoutMs: 300_000 });
      const row = summarize(samples, c.ok, { bench: 'exec hostname', hosts: n, tool, command: c.argv, commandEnv: c.shownEnv });
      row.cpuMsPerHost = (row.cpuS * 1000) / n;
      rows.push(row);
      console.error(`exec ${n} hosts ${tool}: ${row.wallS.toFixed(3)} s, ${row.cpuMsPerHost.toFixed(1)} ms CPU/host, ${row.peakRssMiB.toFixed(0)} MiB${row.error ? ` (${row.error})` : ''}`);
    }
  }
  return rows;
}

export async function benchStartup({ repo, runs, extraCa }) {
  const rows = [];
  const cases = [
    { bench: 'node -e 0', argv: ['node', '-e', '0'] },
    ...[['--version'], ['--help'], ['exec', '--help']].map((args) => ({ bench: `isuops ${args.join(' ')}`, argv: ['node', `${repo}/bin/isuops`, ...args] })),
  ];
  // for reference: the same with the NODE_EXTRA_CA_CERTS this machine's environment sets (run.mjs)
  if (extraCa) {
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: extraCa };
    cases.push({ bench: 'node -e 0, with NODE_EXTRA_CA_CERTS', argv: ['node', '-e', '0'], env }, { bench: 'isuops --version, with NODE_EXTRA_CA_CERTS', argv: ['node', `${repo}/bin/isuops`, '--version'], env });
  }
  for (const c of cases) {
    const samples = [];
    for (let i = 0; i < runs; i++) samples.push(await measure(c.argv, c.env ? { env: c.env } : {}));
    rows.push({ bench: c.bench, tool: 'isuops', runs, wallS: median(samples.map((s) => s.wall)), cpuMs: median(samples.map((s) => s.cpu)) * 1000, peakRssMiB: median(samples.map((s) => s.rssKiB)) / 1024 });
    console.error(`startup ${c.bench}: ${(rows.at(-1).wallS * 1000).toFixed(0)} ms`);
  }
  return rows;
}
