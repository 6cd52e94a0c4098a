// push one 64 MB file and a tree of 1,000 small files to 5 lab hosts, then push again unchanged:
// isuops vs parallel-rsync (pssh's prsync) and an `xargs -P` loop of rsync over OpenSSH.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repeat, summarize } from './measure.mjs';
import { sshOptionText } from './peers.mjs';
import { FANOUT } from './exec.mjs';

const BIG = 64 * 1024 * 1024;
const SMALL_FILES = 1000;

/** The local sources, made once: big.bin (random, so nothing compresses) and small/dNN/fNNN. */
export function makePushSources(work) {
  const root = path.join(work, 'push-src');
  const big = path.join(root, 'big.bin');
  const small = path.join(root, 'small');
  if (!existsSync(big) || statSync(big).size !== BIG) {
    mkdirSync(root, { recursive: true });
    writeFileSync(big, randomBytes(BIG));
  }
  if (countFiles(small) !== SMALL_FILES) {
    rmSync(small, { recursive: true, force: true });
    for (let i = 0; i < SMALL_FILES; i++) {
      const dir = path.join(small, `d${String(i % 10).padStart(2, '0')}`);
      mkdirSync(dir, { recursive: true });
      // 100 B to 8 KiB, like a web app's source tree
      writeFileSync(path.join(dir, `f${String(i).padStart(4, '0')}.txt`), randomBytes(50 + ((i * 7919) % 4096)).toString('hex'));
    }
  }
  return { big, small };
}

function countFiles(dir) {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

export async function benchPush({ lab, repo, runs, work, unavailable = {}, hosts = 5 }) {
  const names = lab.names.slice(0, hosts);
  const n = names.length;
  const src = makePushSources(work);
  const hostsFile = path.join(work, `hosts-${n}.txt`);
  writeFileSync(hostsFile, `${names.join('\n')}\n`);
  const opts = sshOptionText(lab);
  // each lab host's home is LAB/hosts/<name>/home/isucon on this machine: reset it from here
  const remote = (name, dest) => path.join(lab.dir, 'hosts', name, dest);
  const sets = [
    { what: '64 MB file', src: src.big, rsyncSrc: src.big, dest: '/home/isucon/bench-big', landed: (f) => existsSync(f) && statSync(f).size === BIG },
    { what: '1,000 small files', src: src.small, rsyncSrc: `${src.small}/`, dest: '/home/isucon/bench-small', landed: (f) => countFiles(f) === SMALL_FILES },
    // root-owned targets (each lab host has its own /etc/systemd/system): isuops --sudo vs
    // rsync run as root on the host (`--rsync-path='sudo -n rsync'`)
    { what: '1,000 small files as root', sudo: true, src: src.small, rsyncSrc: `${src.small}/`, dest: '/etc/systemd/system/bench-small', landed: (f) => countFiles(f) === SMALL_FILES },
  ];
  const rows = [];
  for (const set of sets) {
    const reset = () => names.forEach((name) => rmSync(remote(name, set.dest), { recursive: true, force: true }));
    const cases = {
      // the same source form as rsync's (`small/`: its contents into DEST): with `small`, the second
      // run would put a new copy in DEST/small, as rsync would, and not be a re-push at all
      isuops: ['node', `${repo}/bin/isuops`, 'push', '-q', '-p', String(FANOUT), '-F', lab.sshConfig, '-H', names.join(','), ...(set.sudo ? ['--sudo'] : []), '--dest', set.dest, set.rsyncSrc],
      ...(unavailable.prsync || set.sudo ? {} : { prsync: ['parallel-rsync', '-h', hostsFile, '-p', String(FANOUT), '-t', '0', '-a', '-S', opts, set.rsyncSrc, set.dest] }),
      // -i: rsync itemizes every change, as isuops does (the issue's loop is `rsync -avRiK`)
      ...(unavailable.rsync ? {} : { 'xargs+rsync': ['sh', '-c', `printf '%s\\n' ${names.join(' ')} | xargs -P ${FANOUT} -I{} rsync -ai ${set.sudo ? `--rsync-path='sudo -n rsync' ` : ''}-e 'ssh ${opts}' ${set.rsyncSrc} {}:${set.dest}`] }),
    };
    for (const [tool, argv] of Object.entries(cases)) {
      const landed = (s) => (s.landed = names.every((name) => set.landed(remote(name, set.dest))));
      const first = await repeat(runs, argv, { before: reset, after: landed, timeoutMs: 300_000 });
      const again = await repeat(runs, argv, { timeoutMs: 300_000 });
      reset();
      for (const [phase, samples, ok] of [
        ['first push', first, (s) => s.code === 0 && s.landed],
        ['unchanged re-push', again, (s) => s.code === 0],
      ]) {
        const row = summarize(samples, ok, { bench: `push ${set.what}, ${phase}`, hosts: n, tool, command: argv });
        row.cpuMsPerHost = (row.cpuS * 1000) / n;
        rows.push(row);
        console.error(`push ${set.what} ${phase} to ${n} hosts ${tool}: ${row.wallS.toFixed(3)} s, ${row.cpuMsPerHost.toFixed(0)} ms CPU/host${row.error ? ` (${row.error})` : ''}`);
      }
    }
  }
  // The floor of any re-push over fresh connections: OpenSSH connecting to every host and
  // running `true`. A re-push can not take less than this without reusing connections.
  if (!unavailable.ssh) {
    const argv = ['sh', '-c', `printf '%s\\n' ${names.join(' ')} | xargs -P ${FANOUT} -I{} ssh ${opts} {} true`];
    const samples = await repeat(runs, argv, { timeoutMs: 60_000 });
    for (const set of sets) {
      const row = summarize(samples, (s) => s.code === 0, { bench: `push ${set.what}, unchanged re-push`, hosts: n, tool: 'xargs+ssh true (connect only: the floor)', command: argv });
      row.cpuMsPerHost = (row.cpuS * 1000) / n;
      rows.push(row);
    }
    console.error(`push floor: xargs+ssh true on ${n} hosts: ${rows.at(-1).wallS.toFixed(3)} s`);
  }
  return rows;
}
