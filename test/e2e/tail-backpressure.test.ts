import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { execOnHost, ISUOPS_BIN, labDir, labHosts } from './helpers.js';

describe('tail back-pressure', () => {
  it('a stalled reader holds the hosts back: memory stays bounded and every line still arrives', async () => {
    const file = '/tmp/isuops-bp.log';
    const hosts = labHosts();
    for (const h of hosts) await execOnHost(h, `echo start > ${file}`);
    const child = spawn('node', [ISUOPS_BIN, 'tail', '-q', '--color', 'never', '-F', path.join(labDir(), 'ssh_config'), '-H', hosts.join(','), '-n', '1', file], { stdio: ['ignore', 'pipe', 'ignore'] });
    // Nobody reads stdout yet; wait until isuops is following (its first lines fill the pipe a little).
    await new Promise((r) => setTimeout(r, 2000));
    // 5 hosts x 200,000 lines of 200 bytes: about 200 MB that would pile up in isuops without back-pressure.
    await Promise.all(hosts.map((h) => execOnHost(h, `yes "$(printf '%0199d' 0)" | head -n 200000 >> ${file}`)));
    await new Promise((r) => setTimeout(r, 3000));
    const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) / 1024;
    let count = 0;
    const all = new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) count++;
        if (count >= 5 + 1_000_000) resolve();
      });
    });
    await all;
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(count).toBe(5 + 1_000_000);
    expect(rss).toBeLessThan(200);
  });
});
