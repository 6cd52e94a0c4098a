// top's figures against the tools that measure the same things on the same machine (the lab
// hosts share this machine's kernel): vmstat for CPU, /proc/net/dev deltas for a loopback
// transfer, iostat -d for a dd to a file, and the hog's own /proc/<pid>/stat for its CPU.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { execOnHost, labDir, runIsuops } from './helpers.js';
import { parseObjects, startHog } from './top/helpers.js';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => sum(xs) / xs.length;
const loBytes = () => {
  const line = readFileSync('/proc/net/dev', 'utf8').split('\n').find((l) => /^\s*lo:/.test(l))!;
  return Number(line.split(':')[1].trim().split(/\s+/)[0]);
};
/** About 100 MB/s over loopback: 10 MB every 100 ms to a server that discards it. */
async function startTransfer(): Promise<() => void> {
  const server = net.createServer((s) => s.resume());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const client = net.connect(port, '127.0.0.1');
  const chunk = Buffer.alloc(10 * 1024 * 1024);
  const timer = setInterval(() => client.write(chunk), 100);
  return () => {
    clearInterval(timer);
    client.destroy();
    server.close();
  };
}

describe('top: rates agree with vmstat, /proc/net/dev and iostat', () => {
  it('a CPU hog, a ~100 MB/s loopback transfer and a dd to a file show up as such', async () => {
    const seconds = 8;
    const stopHog = await startHog('isu01', 'isuhog');
    const stopTransfer = await startTransfer();
    // dd on a lab host, straight to its disk (O_DIRECT: the writes are not just page cache)
    await execOnHost('isu01', `(setsid dd if=/dev/zero of=/tmp/isuops-dd bs=1M count=100000 oflag=direct >/dev/null 2>&1 </dev/null &)`);
    try {
      await new Promise((r) => setTimeout(r, 1000));
      const hogPid = Number((await execOnHost('isu01', 'pgrep -x isuhog')).stdout.trim());
      const hogTicks = async () => {
        const stat = (await execOnHost('isu01', `cat /proc/${hogPid}/stat`)).stdout;
        const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
        return Number(f[11]) + Number(f[12]);
      };
      const vmstat = execa('vmstat', ['-n', '1', String(seconds + 1)], { reject: false });
      const iostat = execa('iostat', ['-d', '-y', '-k', '1', String(seconds)], { reject: false });
      const lo0 = loBytes();
      const hog0 = await hogTicks();
      const t0 = Date.now();
      const top = await runIsuops(['top', '-F', path.join(labDir(), 'ssh_config'), '-H', 'isu01', '--iface', 'lo', '--for', `${seconds}s`, '-q']);
      const elapsed = (Date.now() - t0) / 1000;
      const hogCpu = ((await hogTicks()) - hog0) / elapsed;
      const loRate = (loBytes() - lo0) / elapsed;
      expect(top.exitCode).toBe(0);
      const samples = parseObjects(top.stdout).slice(1);
      expect(samples.length).toBeGreaterThanOrEqual(3);

      // CPU: vmstat's 100 - id - wa over the same seconds (its first line is since boot)
      const vm = String((await vmstat).stdout).split('\n').filter((l) => /^\s*\d/.test(l)).slice(1).map((l) => l.trim().split(/\s+/).map(Number));
      const vmBusy = mean(vm.map((f) => 100 - f[14] - f[15]));
      expect(Math.abs(mean(samples.map((s) => s.cpu!.busy)) - vmBusy)).toBeLessThan(15);

      // the hog: top's figure for it against its own ticks (USER_HZ 100: ticks per second = %)
      const hogShown = mean(samples.map((s) => s.top.find((p) => p.command === 'isuhog')?.cpu ?? 0));
      expect(hogCpu).toBeGreaterThan(5);
      expect(Math.abs(hogShown - hogCpu)).toBeLessThan(Math.max(10, hogCpu * 0.2));

      // loopback: the bytes /proc/net/dev counted over the run
      const rx = mean(samples.map((s) => s.net!.rxBytesPerSec));
      expect(loRate).toBeGreaterThan(30e6);
      expect(Math.abs(rx - loRate) / loRate).toBeLessThan(0.25);

      // disk: iostat's kB_wrtn/s of the whole disks (dd writes to one of them)
      const io = String((await iostat).stdout).split('\n');
      const header = io.find((l) => l.startsWith('Device'))!.trim().split(/\s+/);
      const column = header.indexOf('kB_wrtn/s');
      const rows = io.map((l) => l.trim().split(/\s+/)).filter((f) => f.length === header.length && f[0] !== 'Device');
      const disks = new Set(rows.map((f) => f[0]));
      // summed over the whole disks, as top sums them
      const written = sum(
        [...disks]
          .filter((d) => !/^(loop|zram|dm-|md)/.test(d))
          .map((d) => mean(rows.filter((f) => f[0] === d).map((f) => Number(f[column]) * 1024))),
      );
      const shown = mean(samples.map((s) => s.disk!.writeBytesPerSec));
      expect(written).toBeGreaterThan(5e6);
      expect(Math.abs(shown - written) / written).toBeLessThan(0.3);
      expect(mean(samples.map((s) => s.disk!.util))).toBeGreaterThan(1);
    } finally {
      stopTransfer();
      await execOnHost('isu01', 'for p in $(pgrep -x dd); do kill "$p"; done; rm -f /tmp/isuops-dd');
      await stopHog();
    }
  }, 60_000);
});
