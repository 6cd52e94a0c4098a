import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findRunLab } from '../../src/lab/run-env.js';
import { BASHRC_READS_LOG, HEAVY_FUNCTION, HEAVY_USER, clearBashrcReads, countBashrcReads } from '../../src/lab/heavy-user.js';
import {
  execOnHost,
  labDir,
  labFreezeHost,
  labHosts,
  labStartHost,
  labState,
  labStopHost,
  labThawHost,
  restoreLab,
  runIsuops,
  runSsh,
} from './helpers.js';

describe('the shared e2e lab', () => {
  afterAll(() => restoreLab());

  it('has 5 hosts, each answering OpenSSH with its own hostname', async () => {
    expect(labHosts()).toEqual(['isu01', 'isu02', 'isu03', 'isu04', 'isu05']);
    const names = await Promise.all(labHosts().map((h) => runSsh(h, 'hostname; id -un')));
    expect(names.map((r) => r.stdout)).toEqual(labHosts().map((h) => `${h}\nisucon\n`));
    expect(names.every((r) => r.exitCode === 0)).toBe(true);
  });

  it('keeps /etc/systemd/system, /var/log and /tmp private to each host', async () => {
    const file = `isuops-lab-test-${process.pid}`;
    const write = await runSsh('isu02', `echo unit | sudo tee /etc/systemd/system/${file}.service /var/log/${file}.log /tmp/${file} >/dev/null`);
    expect(write.exitCode).toBe(0);
    try {
      expect((await execOnHost('isu02', `cat /etc/systemd/system/${file}.service /var/log/${file}.log /tmp/${file}`)).stdout).toBe('unit\nunit\nunit\n');
      for (const other of ['isu01', 'isu03']) {
        const r = await runSsh(other, `ls /etc/systemd/system/${file}.service /var/log/${file}.log /tmp/${file} 2>/dev/null | wc -l`);
        expect(r.stdout.trim(), other).toBe('0');
      }
      const root = labState().hosts.find((h) => h.name === 'isu02')!.root;
      expect(fs.readFileSync(path.join(root, 'etc/systemd/system', `${file}.service`), 'utf8')).toBe('unit\n');
      expect(fs.existsSync(`/etc/systemd/system/${file}.service`)).toBe(false);
    } finally {
      await execOnHost('isu02', `rm -f /etc/systemd/system/${file}.service /var/log/${file}.log /tmp/${file}`);
    }
  });

  it('gives isucon passwordless sudo and lets root in by key', async () => {
    expect((await runSsh('isu01', 'sudo -n id -un')).stdout).toBe('root\n');
    const root = await runSsh('isu01', 'id -un; hostname', ['-l', 'root']);
    expect([root.stdout, root.exitCode]).toEqual(['root\nisu01\n', 0]);
  });

  it('has a login user whose ~/.bashrc costs CPU, logs each read per host and defines a function', async () => {
    const dir = labDir();
    for (const h of labHosts()) clearBashrcReads(dir, h);
    const r = await runSsh('isu02', `${HEAVY_FUNCTION}; echo "$ISUOPS_LAB_BASHRC"; times`, ['-l', HEAVY_USER]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [hello, flag, shellTimes] = r.stdout.split('\n');
    expect([hello, flag]).toEqual([`${HEAVY_FUNCTION} from isu02`, '1']);
    // `times`: the shell's own user and system CPU, .bashrc included (~60 ms when the machine is idle)
    const [, um, us, sm, ss] = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(shellTimes!)!.map(Number);
    expect(um! * 60 + us! + sm! * 60 + ss!).toBeGreaterThan(0.03);
    // ssh HOST CMD: the login shell reads .bashrc once, on that host only
    expect(labHosts().map((h) => countBashrcReads(dir, h))).toEqual(labHosts().map((h) => (h === 'isu02' ? 1 : 0)));
    const reads = await execOnHost('isu02', `cat ${BASHRC_READS_LOG}`);
    expect(reads.stdout).toMatch(/^\d+ \d+ \d+ \S+\n$/);
    // the hosts file for that user
    expect(fs.readFileSync(path.join(dir, 'hosts-heavy.txt'), 'utf8')).toBe(`[heavy]\n${labHosts().map((h) => `${HEAVY_USER}@${h}\n`).join('')}`);
    const sudo = await runSsh('isu01', 'sudo -n id -un', ['-l', HEAVY_USER]);
    expect(sudo.stdout).toBe('root\n');
  });

  it('shows each host only its own processes (labExecOnHost runs inside the host)', async () => {
    const mark = `sleep 4${process.pid % 1000}7`;
    expect((await runSsh('isu04', `nohup ${mark} >/dev/null 2>&1 &`)).exitCode).toBe(0);
    try {
      expect((await execOnHost('isu04', 'ps -eo args')).stdout).toContain(mark);
      expect((await execOnHost('isu05', 'ps -eo args')).stdout).not.toContain(mark);
      expect((await execOnHost('isu04', 'hostname')).stdout).toBe('isu04\n');
    } finally {
      await execOnHost('isu04', `pkill -f '^${mark}$' || true`);
    }
    expect((await execOnHost('isu04', 'ps -eo args')).stdout).not.toContain(mark);
  });

  it('freezes a host: TCP connects but ssh times out; thawed it answers again', async () => {
    await labFreezeHost(labDir(), 'isu03');
    try {
      const t0 = Date.now();
      const r = await runSsh('isu03', 'hostname', ['-o', 'ConnectTimeout=2']);
      expect(r.exitCode).toBe(255);
      expect(r.stderr).toMatch(/timed out/i);
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect((await runIsuops(['lab', 'status', '--dir', labDir()])).stdout).toMatch(/^isu03\s+\S+\s+frozen/m);
    } finally {
      labThawHost(labDir(), 'isu03');
    }
    expect((await runSsh('isu03', 'hostname')).stdout).toBe('isu03\n');
  });

  it('stops a host (connection refused) and starts it again', async () => {
    await labStopHost(labDir(), 'isu05');
    try {
      const r = await runSsh('isu05', 'hostname');
      expect(r.exitCode).toBe(255);
      expect(r.stderr).toMatch(/refused/i);
      const status = await runIsuops(['lab', 'status', '--dir', labDir()]);
      expect(status.stdout).toMatch(/^isu05\s+\S+\s+down$/m);
      expect(status.exitCode).toBe(1);
    } finally {
      await labStartHost(labDir(), 'isu05');
    }
    expect((await runSsh('isu05', 'hostname')).stdout).toBe('isu05\n');
  });
});

describe('a second lab, up and down through the CLI', () => {
  const dir = fs.mkdtempSync('/tmp/isuops-lab2-');
  // this run's own addresses (127.<ISUOPS_LAB_OCTET>.3), never another checkout's
  const { base } = findRunLab('second');
  afterAll(async () => {
    await runIsuops(['lab', 'down', '--dir', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('comes up, grows idempotently, and goes down leaving no process and no mount', async () => {
    const up = await runIsuops(['lab', 'up', '2', '--dir', dir, '--base', base]);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toContain('started isu01..isu02');
    expect(fs.readFileSync(path.join(dir, 'hosts.txt'), 'utf8')).toBe('[lab]\nisu01\nisu02\n');

    const grow = await runIsuops(['lab', 'up', '3', '--dir', dir]);
    expect(grow.exitCode, grow.stderr).toBe(0);
    expect(grow.stdout).toContain('started isu03; kept isu01..isu02');
    const state = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'));
    expect(state.hosts.map((h: { address: string }) => h.address)).toEqual([1, 2, 3].map((k) => `${base}.${k}`));
    expect((await runSsh('isu03', 'hostname', [], dir)).stdout).toBe('isu03\n');

    // a session left running, and one still connected, must not survive lab down
    expect((await runSsh('isu01', 'nohup sleep 3131 >/dev/null 2>&1 &', [], dir)).exitCode).toBe(0);
    const live = runSsh('isu02', 'sleep 3132', [], dir);
    await new Promise((r) => setTimeout(r, 500));
    const pids: number[] = state.hosts.flatMap((h: { pid: number; keeperPid: number }) => [h.pid, h.keeperPid]);

    const down = await runIsuops(['lab', 'down', '--dir', dir]);
    expect(down.exitCode, down.stderr).toBe(0);
    expect((await live).exitCode).toBe(255);
    expect(fs.existsSync(path.join(dir, 'state.json'))).toBe(false);
    expect(pids.filter((p) => isLive(p))).toEqual([]);
    expect(liveCommandLines().filter((c) => c.includes(dir) || /sleep 313[12]/.test(c))).toEqual([]);
    expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(dir);
    expect((await runIsuops(['lab', 'status', '--dir', dir])).exitCode).toBe(1);
  });

  it('refuses a bad host count with exit 2', async () => {
    const r = await runIsuops(['lab', 'up', '251', '--dir', dir, '--base', base]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/1 to 250/);
  });
});

describe('lab down never reaches into another lab', () => {
  const dir = fs.mkdtempSync('/tmp/isuops-lab-stale-');
  afterAll(async () => {
    await runIsuops(['lab', 'down', '--dir', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a state.json naming namespaces that now belong to other hosts (ids are reused) kills none of them', async () => {
    const up = await runIsuops(['lab', 'up', '1', '--dir', dir, '--base', findRunLab('stale').base]);
    expect(up.exitCode, up.stderr).toBe(0);
    // As if this lab's hosts had died and the kernel had given their namespace ids to the shared
    // lab's hosts: its state.json names the shared lab's namespaces.
    const state = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'));
    const others = labState().hosts.map((h) => h.ns);
    state.hosts.push(...others.map((ns, i) => ({ ...state.hosts[0], name: `isu9${i}`, ns })));
    fs.writeFileSync(path.join(dir, 'state.json'), JSON.stringify(state));
    const down = await runIsuops(['lab', 'down', '--dir', dir]);
    expect(down.exitCode, down.stderr).toBe(0);
    const answers = await Promise.all(labHosts().map((h) => runSsh(h, 'hostname')));
    expect(answers.map((r) => r.stdout)).toEqual(labHosts().map((h) => `${h}\n`));
    expect((await runIsuops(['lab', 'status', '--dir', dir])).exitCode).toBe(1);
  });
});

describe('a lab that grows past 99 hosts (names get a third digit)', () => {
  const dir = fs.mkdtempSync('/tmp/isuops-lab3-');
  afterAll(async () => {
    await runIsuops(['lab', 'down', '--dir', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('replaces isu01.. by isu001.. and every host answers', async () => {
    expect((await runIsuops(['lab', 'up', '3', '--dir', dir, '--base', findRunLab('grow').base])).exitCode).toBe(0);
    const grow = await runIsuops(['lab', 'up', '101', '--dir', dir]);
    expect(grow.exitCode, grow.stderr).toBe(0);
    const status = await runIsuops(['lab', 'status', '--dir', dir]);
    expect(status.stdout).toContain('lab: 101/101 up');
    const r = await runIsuops(['exec', '-q', '-p', '101', '-F', path.join(dir, 'ssh_config'), '-f', path.join(dir, 'hosts.txt'), 'hostname']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(Array.from({ length: 101 }, (_, i) => `isu${String(i + 1).padStart(3, '0')}: isu${String(i + 1).padStart(3, '0')}`));
  });
});

describe('a lab host whose port 22 is taken', () => {
  const dir = fs.mkdtempSync('/tmp/isuops-lab3-');
  const { base } = findRunLab('port22');
  const server = net.createServer((s) => s.destroy());
  afterAll(async () => {
    await runIsuops(['lab', 'down', '--dir', dir]);
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('falls back to port 2222 and writes [host]:port known_hosts entries', async () => {
    await new Promise<void>((resolve) => server.listen(22, `${base}.1`, resolve));
    const up = await runIsuops(['lab', 'up', '1', '--dir', dir, '--base', base]);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toContain(`lab: port 22 was taken on ${base}.1: isu01 listens on port 2222`);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')).hosts[0].port).toBe(2222);
    expect(fs.readFileSync(path.join(dir, 'known_hosts'), 'utf8')).toMatch(new RegExp(`^\\[isu01\\]:2222,\\[${base.replace(/\./g, '\\.')}\\.1\\]:2222 ssh-ed25519 `));
    expect((await runSsh('isu01', 'hostname', [], dir)).stdout).toBe('isu01\n');
  });
});

function isLive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\S+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

function liveCommandLines(): string[] {
  return fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e) && isLive(Number(e)))
    .map((p) => {
      try {
        return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ');
      } catch {
        return '';
      }
    });
}

describe('a lab behind the latency proxy (lab up --latency)', () => {
  const dir = fs.mkdtempSync('/tmp/isuops-lab-latency-');
  const { base } = findRunLab('latency');
  afterAll(async () => {
    await runIsuops(['lab', 'down', '--dir', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Milliseconds from a TCP connect to the first byte of sshd's banner. */
  const timeBanner = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      const s = net.connect({ host: `${base}.1`, port });
      s.once('data', () => {
        resolve(performance.now() - t0);
        s.destroy();
      });
      s.once('error', reject);
    });

  it('puts RTT/2 on each way in front of every sshd, ssh_config points at it, and lab down stops it', async () => {
    const up = await runIsuops(['lab', 'up', '2', '--dir', dir, '--base', base, '--latency', '80ms']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/latency: 80 ms round trip added by a proxy \(pid \d+\) on port 2022 in front of each sshd/);
    expect(fs.readFileSync(path.join(dir, 'ssh_config'), 'utf8')).toMatch(/Host isu01\n {2}HostName \S+\.1\n {2}Port 2022\n/);
    expect((await runSsh('isu02', 'hostname', [], dir)).stdout).toBe('isu02\n');
    // the banner comes back through the proxy: at least half the RTT later than it left sshd
    const proxied = await Promise.all([0, 1, 2].map(() => timeBanner(2022)));
    expect(Math.min(...proxied)).toBeGreaterThanOrEqual(39);
    const status = await runIsuops(['lab', 'status', '--dir', dir]);
    expect(status.stdout).toMatch(/^latency proxy {2}80 ms round trip {2}up {2}pid \d+$/m);
    const pid = Number(/pid (\d+)\)/.exec(up.stdout)![1]);

    // a second lab up keeps the same proxy; --latency 0 removes it and the files point at sshd again
    const again = await runIsuops(['lab', 'up', '2', '--dir', dir]);
    expect(again.stdout).toContain(`(pid ${pid})`);
    const off = await runIsuops(['lab', 'up', '2', '--dir', dir, '--latency', '0']);
    expect(off.exitCode, off.stderr).toBe(0);
    expect(isLive(pid)).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'ssh_config'), 'utf8')).toMatch(/Host isu01\n {2}HostName \S+\.1\n {2}Port 22\n/);
    expect((await runSsh('isu01', 'hostname', [], dir)).stdout).toBe('isu01\n');

    const on = await runIsuops(['lab', 'up', '2', '--dir', dir, '--latency', '20ms']);
    const pid2 = Number(/pid (\d+)\)/.exec(on.stdout)![1]);
    expect(isLive(pid2)).toBe(true);
    expect((await runIsuops(['lab', 'down', '--dir', dir])).exitCode).toBe(0);
    expect(liveCommandLines().filter((c) => c.includes(dir))).toEqual([]);
  });

  it('refuses a bad --latency with exit 2', async () => {
    const r = await runIsuops(['lab', 'up', '1', '--dir', dir, '--base', base, '--latency', 'fast']);
    expect([r.exitCode, r.stderr.trim()]).toEqual([2, 'isuops: bad --latency "fast": give a round-trip time such as 20ms, 0.05s or 0 (none), at most 10s']);
  });
});
