import { UsageError } from '../errors.js';
import { bringLabUp, labPaths, readLabStatus, takeLabDown } from '../lab/index.js';
import { labDefaultDir } from '../lab/layout.js';
import { HEAVY_USER } from '../lab/heavy-user.js';
import { findProxyPids, parseLatency } from '../lab/latency.js';
import { formatNameList } from '../lab/names.js';
import { readLabState } from '../lab/state.js';
import { selfCommand } from './invocation.js';

export { labDefaultDir } from '../lab/layout.js';
export { readLabState } from '../lab/state.js';

/** Options of the lab subcommands (`dir` defaults to labDefaultDir()). */
export interface LabCommandOptions {
  dir?: string;
  /** Address base `127.0.X` (lab up only). */
  base?: string;
  /** lab up --bastion: the fleet behind a bastion (undefined: as the running lab is). */
  bastion?: boolean;
  /** lab up --latency RTT (`20ms`; `0`: none); undefined: as the running lab is, else $ISUOPS_LAB_LATENCY. */
  latency?: string;
}

/** `isuops lab up [N]`: starts (or completes) a lab of N hosts; prints what it did and how to use it. */
export async function labUp(opts: LabCommandOptions & { count: number }): Promise<number> {
  const dir = opts.dir ?? labDefaultDir();
  try {
    const latencyText = opts.latency ?? (readLabState(dir) ? undefined : process.env.ISUOPS_LAB_LATENCY || undefined);
    const latencyMs = latencyText === undefined ? undefined : parseLatency(latencyText);
    const r = await bringLabUp({ dir, count: opts.count, base: opts.base, bastion: opts.bastion, latencyMs });
    const n = r.state.hosts.length;
    const did = [
      r.started.length ? `started ${formatNameList(r.started)}` : '',
      r.restarted.length ? `restarted sshd on ${formatNameList(r.restarted)}` : '',
      r.thawed.length ? `thawed ${formatNameList(r.thawed)}` : '',
      r.kept.length ? `kept ${formatNameList(r.kept)}` : '',
    ].filter(Boolean);
    console.log(`lab: ${n} host${n === 1 ? '' : 's'} up in ${dir} on ${r.state.base}.x (${did.join('; ')}; ${(r.durationMs / 1000).toFixed(1)} s)`);
    if (n > r.asked) console.log(`lab: asked for ${r.asked}, kept the ${n} already there (isuops lab down first to shrink)`);
    const moved = r.state.hosts.filter((h) => h.port !== 22);
    if (moved.length > 0) {
      console.log(`lab: port 22 was taken on ${moved.length === 1 ? moved[0]!.address : `${moved.length} addresses`}: ${formatNameList(moved.map((h) => h.name))} listen${moved.length === 1 ? 's' : ''} on port ${[...new Set(moved.map((h) => h.port))].join(', ')} (hosts.txt, ssh_config and known_hosts say so)`);
    }
    const lp = labPaths(dir);
    console.log(`  hosts file: ${lp.hostsTxt}`);
    console.log(`  ssh config: ${lp.sshConfig}`);
    console.log(`  login user with a heavy ~/.bashrc: ${lp.heavyHostsTxt} (${HEAVY_USER}@isuNN; or -l ${HEAVY_USER})`);
    console.log(`try: ${selfCommand()} exec -F ${lp.sshConfig} -f ${lp.hostsTxt} hostname`);
    console.log(`     ssh -F ${lp.sshConfig} ${r.state.hosts[0]?.name ?? 'isu01'}`);
    if (r.state.latency) console.log(`  latency: ${r.state.latency.rttMs} ms round trip added by a proxy (pid ${r.state.latency.pid}) on port ${[...new Set(Object.values(r.state.latency.ports))].join(', ')} in front of each sshd`);
    if (r.state.bastion) console.log(`  bastion: ${r.state.bastion.address}:${r.state.bastion.port} (the hosts are reachable through it only: ProxyJump bastion)`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    console.error(`lab up: ${(err as Error).message} (isuops lab down cleans up; sshd logs are in ${dir}/hosts/*/sshd.log)`);
    return 1;
  }
}

/** `isuops lab down`: kills every lab process; no process and no mount is left. */
export async function labDown(opts: LabCommandOptions = {}): Promise<number> {
  needRoot('down');
  const dir = opts.dir ?? labDefaultDir();
  const r = await takeLabDown(dir);
  if (r.hosts === 0 && r.killed === 0) {
    console.log(`lab: nothing running in ${dir}`);
  } else {
    console.log(`lab: down in ${dir} (${r.hosts} host${r.hosts === 1 ? '' : 's'}, ${r.killed} process${r.killed === 1 ? '' : 'es'} stopped)`);
  }
  return 0;
}

/** `isuops lab status`: one line per host; exit 0 when every host is up, 1 otherwise. */
export async function labStatus(opts: LabCommandOptions = {}): Promise<number> {
  // Another user cannot see root's processes: every host would look down.
  needRoot('status');
  const dir = opts.dir ?? labDefaultDir();
  const hosts = readLabStatus(dir);
  if (!hosts) {
    console.log(`lab: no lab in ${dir} (isuops lab up N starts one)`);
    return 1;
  }
  for (const { host, status } of hosts) {
    console.log(`${host.name}  ${host.address}:${host.port}  ${status}${status === 'down' ? '' : `  pid ${host.pid}`}`);
  }
  const latency = readLabState(dir)?.latency;
  if (latency) {
    const alive = findProxyPids(dir).includes(latency.pid);
    console.log(`latency proxy  ${latency.rttMs} ms round trip  ${alive ? `up  pid ${latency.pid}` : 'down (isuops lab up starts it again)'}`);
  }
  const up = hosts.filter((h) => h.status === 'up').length;
  console.log(`lab: ${up}/${hosts.length} up in ${dir}`);
  return up === hosts.length ? 0 : 1;
}

/** The lab's processes, mounts and files are root's: another user gets one line, exit 2. */
function needRoot(what: string): void {
  if (process.getuid?.() !== 0) throw new UsageError(`lab ${what} needs root (the lab's processes are root's): run it with sudo`);
}
