// Runs one command under GNU time and returns wall seconds, CPU seconds (user+sys of it and
// every child it waited for) and peak RSS in KiB.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function measure(argv, { env = process.env, input, stdoutFile } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'isuops-bench-'));
  const timeFile = path.join(dir, 'time');
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-o', timeFile, '-f', '%U %S %M', ...argv], {
      env,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = 0;
    let lines = 0;
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d.length;
      for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) lines++;
    });
    child.stderr.on('data', (d) => {
      if (stderr.length < 4000) stderr += d.toString();
    });
    if (input !== undefined) child.stdin.end(input);
    child.on('close', (code) => {
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      let user = NaN, sys = NaN, rss = NaN;
      try {
        const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop();
        [user, sys, rss] = last.split(/\s+/).map(Number);
      } catch {}
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, wall, cpu: user + sys, rssKiB: rss, stdoutBytes: stdout, stdoutLines: lines, stderr });
    });
  });
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
