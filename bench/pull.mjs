// pull a 200 MB access log from 5 lab hosts: isuops (plain and --gzip) vs an `xargs -P5` loop of
// scp and of rsync over the OpenSSH client, each into a fresh local folder.
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measure, median } from './measure.mjs';

const LOG = '/var/log/nginx/access.log';
const SIZE = 200 * 1024 * 1024;

// Log-like text (compresses about 5x with gzip -1, like a real access log), the same on every host.
function writeLog(file) {
  const fd = openSync(file, 'w');
  const paths = ['/api/user/', '/api/isu/', '/api/condition/', '/initialize', '/assets/app.js', '/api/trend'];
  let seed = 1;
  const rand = (n) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  let written = 0;
  while (written < SIZE) {
    let chunk = '';
    for (let i = 0; i < 4096; i++) {
      chunk += `127.0.0.${rand(254) + 1} - - [26/Nov/2025:07:${String(rand(60)).padStart(2, '0')}:${String(rand(60)).padStart(2, '0')} +0900] "GET ${paths[rand(6)]}${rand(100000)} HTTP/1.1" ${[200, 200, 304, 404, 500][rand(5)]} ${rand(50000)} "-" "isucandar" 0.${rand(1000)} 0.${rand(1000)}\n`;
    }
    const buf = Buffer.from(chunk).subarray(0, SIZE - written);
    writeSync(fd, buf);
    written += buf.length;
  }
  closeSync(fd);
}

export async function benchPull({ lab, repo, runs }) {
  const names = lab.names.slice(0, 5);
  const n = names.length;
  // Each lab host's /var/log is LAB/hosts/<name>/var/log on this machine.
  const first = path.join(lab.dir, 'hosts', names[0], LOG);
  for (const name of names) {
    const file = path.join(lab.dir, 'hosts', name, LOG);
    if (existsSync(file) && statSync(file).size === SIZE) continue;
    mkdirSync(path.dirname(file), { recursive: true });
    if (name === names[0]) writeLog(file);
    else copyFileSync(first, file);
  }
  const out = path.join(os.tmpdir(), 'isuops-bench-pull');
  const list = `printf '%s\\n' ${names.join(' ')}`;
  const cases = {
    isuops: (dir) => ['node', `${repo}/bin/isuops`, 'pull', '-q', '-F', lab.sshConfig, '-H', names.join(','), '--to', dir, LOG],
    'isuops --gzip': (dir) => ['node', `${repo}/bin/isuops`, 'pull', '-q', '--gzip', '-F', lab.sshConfig, '-H', names.join(','), '--to', dir, LOG],
    'xargs+scp': (dir) => ['sh', '-c', `${list} | xargs -P ${n} -I{} sh -c 'mkdir -p ${dir}/{} && exec scp -q -p -F ${lab.sshConfig} -o BatchMode=yes {}:${LOG} ${dir}/{}/'`],
    'xargs+rsync': (dir) => ['sh', '-c', `${list} | xargs -P ${n} -I{} sh -c 'mkdir -p ${dir}/{} && exec rsync -t -e "ssh -F ${lab.sshConfig} -o BatchMode=yes" {}:${LOG} ${dir}/{}/'`],
  };
  // isuops puts the copy at DIR/<host>/<path>; the loops at DIR/<host>/<basename>.
  const landed = (tool, dir, name) => (tool.startsWith('isuops') ? path.join(dir, name, LOG) : path.join(dir, name, path.basename(LOG)));
  const rows = [];
  for (const [tool, make] of Object.entries(cases)) {
    const samples = [];
    let bad;
    for (let i = 0; i < runs; i++) {
      const dir = path.join(out, tool.replace(/\W+/g, '-'));
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const s = await measure(make(dir));
      s.ok = s.code === 0 && names.every((name) => existsSync(landed(tool, dir, name)) && statSync(landed(tool, dir, name)).size === SIZE);
      if (!s.ok) bad ??= s;
      samples.push(s);
      rmSync(dir, { recursive: true, force: true });
    }
    const ok = samples.filter((s) => s.ok);
    const row = {
      bench: 'pull 200 MB log', hosts: n, tool, runs,
      ok: ok.length,
      wallS: median(samples.map((s) => s.wall)),
      cpuMsPerHost: (median(samples.map((s) => s.cpu)) * 1000) / n,
      peakRssMiB: median(samples.map((s) => s.rssKiB)) / 1024,
      error: ok.length === runs ? undefined : `${runs - ok.length}/${runs} runs failed: ${bad?.stderr.split('\n')[0] ?? ''}`,
    };
    rows.push(row);
    console.error(`pull 200 MB x ${n} hosts ${tool}: ${row.wallS.toFixed(2)} s, ${row.cpuMsPerHost.toFixed(0)} ms CPU/host, ${row.peakRssMiB.toFixed(0)} MiB${row.error ? ` (${row.error})` : ''}`);
  }
  const mine = rows[0].wallS;
  const best = Math.min(...rows.filter((r) => !r.tool.startsWith('isuops')).map((r) => r.wallS));
  console.error(`pull: isuops takes ${(mine / best).toFixed(2)}x the wall time of the faster OpenSSH loop (goal: at most 1.0x)`);
  return rows;
}
