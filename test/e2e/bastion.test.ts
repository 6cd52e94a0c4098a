// Through a bastion: a lab of its own (lab up --bastion) whose fleet listens inside a network
// namespace that only the bastion reaches. OpenSSH's `ssh -J` is the reference.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { beforeEach, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRunLab } from '../../src/lab/run-env.js';
import { expectConnections, KEPT, REPO, runIsuops, stopDaemon } from './helpers.js';

type LabModule = typeof import('../../src/lab/index.js');
type BastionModule = typeof import('../../src/lab/bastion.js');

// $ISUOPS_BASTION_LAB_DIR / $ISUOPS_BASTION_LAB_BASE, else this checkout's own (README, Development)
const { dir: DIR, base: BASE } = findRunLab('bastion');
const COUNT = 5;

let lab: LabModule;
let bastionMod: BastionModule;
let names: string[];
let bastionAddress: string;
const cfg = path.join(DIR, 'ssh_config');
const hostsTxt = path.join(DIR, 'hosts.txt');
const bastionLog = path.join(DIR, 'hosts/bastion/sshd.log');
const bastionConfig = path.join(DIR, 'hosts/bastion/sshd_config');

/** Connections the bastion accepted so far (each `sshd -i` logs one line per login). */
const countBastionLogins = (): number => (fs.readFileSync(bastionLog, 'utf8').match(/Accepted publickey/g) ?? []).length;

const ssh = async (args: string[]) => {
  const r = await execa('ssh', ['-F', cfg, '-o', 'BatchMode=yes', ...args], { reject: false, input: '', timeout: 30_000, stripFinalNewline: false });
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode };
};

beforeAll(async () => {
  // the built code, as the lab runs for users
  lab = (await import(pathToFileURL(path.join(REPO, 'dist/lab/index.js')).href)) as LabModule;
  bastionMod = (await import(pathToFileURL(path.join(REPO, 'dist/lab/bastion.js')).href)) as BastionModule;
  const r = await lab.bringLabUp({ dir: DIR, count: COUNT, base: BASE, bastion: true });
  names = r.state.hosts.map((h) => h.name);
  bastionAddress = r.state.bastion!.address;
});

afterAll(async () => {
  if (process.env.ISUOPS_KEEP_LAB !== '1') {
    await lab.takeLabDown(DIR);
    // lab down removes the fleet's network namespace too
    expect(fs.existsSync(bastionMod.netnsPath(bastionMod.makeNetnsName(DIR)))).toBe(false);
  }
});

describe('bastion lab', () => {
  it('the fleet is reachable through the bastion only', async () => {
    expect((await ssh(['bastion', 'hostname'])).stdout).toBe('bastion\n');
    expect((await ssh([names[0]!, 'hostname'])).stdout).toBe(`${names[0]}\n`);
    const direct = await ssh(['-o', 'ProxyJump=none', '-o', 'ConnectTimeout=3', names[0]!, 'hostname']);
    expect(direct.exitCode).toBe(255);
    expect(direct.stderr).toMatch(/Connection refused/);
    const mine = await runIsuops(['exec', '-F', cfg, '-H', names[0]!, '-J', 'none', 'hostname']);
    expect(mine.exitCode).toBe(255);
    expect(mine.stderr).toMatch(/connection refused/);
  });
});

describe('exec through the bastion', () => {
  it('runs on every host over ONE connection to the bastion', async () => {
    const before = countBastionLogins();
    const r = await runIsuops(['exec', '-F', cfg, '-f', hostsTxt, 'hostname']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(names.map((n) => `${n}: ${n}`));
    expectConnections(countBastionLogins() - before, 1);
  });

  it('prints what ssh -J prints (-J on the command line)', async () => {
    for (const host of [names[0]!, names[2]!]) {
      const theirs = await ssh(['-J', 'bastion', host, 'hostname; id -un']);
      const mine = await runIsuops(['exec', '-F', cfg, '-J', 'bastion', '-H', host, 'hostname; id -un']);
      expect(mine.exitCode).toBe(theirs.exitCode);
      expect(mine.stdout).toBe(theirs.stdout.split('\n').filter(Boolean).map((l) => `${host}: ${l}\n`).join(''));
    }
  });

  it('a chain bastion,HOST reaches the target like ssh -J bastion,HOST does', async () => {
    const [hop, target] = [names[0]!, names[1]!];
    const theirs = await ssh(['-J', `bastion,${hop}`, target, 'hostname']);
    expect(theirs.stdout).toBe(`${target}\n`);
    const mine = await runIsuops(['exec', '-F', cfg, '-J', `bastion,${hop}`, '-H', target, 'hostname']);
    expect(mine.exitCode).toBe(0);
    expect(mine.stdout).toBe(`${target}: ${theirs.stdout}`);
  });

  it('a ProxyCommand (ssh -W through the bastion) works, and no ProxyCommand is left running', async () => {
    // the config's file name marks the ProxyCommands for pgrep
    const marker = `${cfg}.pc-${process.pid}`;
    fs.copyFileSync(cfg, marker);
    const r = await runIsuops(['exec', '-q', '-F', cfg, '-f', hostsTxt, '-o', `ProxyCommand=ssh -F ${marker} -W %h:%p bastion`, 'hostname']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(names.map((n) => `${n}: ${n}`));
    // kept connections keep their ProxyCommand (as an OpenSSH master does) until they close
    if (KEPT) await stopDaemon();
    const left = await execa('pgrep', ['-f', marker], { reject: false });
    expect(left.stdout).toBe('');
  });

  it('200 hosts through one bastion connection', async () => {
    const state = lab.readLabState(DIR)!;
    const aliases = Array.from({ length: 200 }, (_, i) => `h${String(i + 1).padStart(3, '0')}`);
    const blocks = aliases.map((a, i) => `Host ${a}\n  HostName ${state.hosts[i % state.hosts.length]!.address}\n`);
    const shared = fs.readFileSync(cfg, 'utf8').replace(/^Host isu\* bastion$/m, 'Host isu* bastion h*').replace(/^Host isu\*$/m, 'Host isu* h*');
    const bigCfg = path.join(DIR, 'ssh_config.200');
    fs.writeFileSync(bigCfg, `${blocks.join('')}${shared}`);
    const before = countBastionLogins();
    const r = await runIsuops(['exec', '-F', bigCfg, '-H', aliases.join(','), '-p', '200', 'hostname'], { timeoutMs: 90_000 });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(200);
    expectConnections(countBastionLogins() - before, 1);
  });

  it('isuops hosts shows the jump chain', async () => {
    const r = await runIsuops(['hosts', '-F', cfg, '-f', hostsTxt, '--json']);
    expect(r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l).jump)).toEqual(names.map(() => 'bastion'));
  });
});

describe('push and tail through the bastion', () => {
  it('push writes on every host over one bastion connection', async () => {
    const local = fs.mkdtempSync('/tmp/isuops-bastion-push-');
    const file = path.join(local, 'via-bastion.txt');
    fs.writeFileSync(file, `pushed through the bastion ${Date.now()}\n`);
    for (const name of names) await lab.labExecOnHost(DIR, name, 'rm -f /home/isucon/via-bastion.txt');
    const before = countBastionLogins();
    const r = await runIsuops(['push', '-F', cfg, '-f', hostsTxt, '--dest', '/home/isucon/', file]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(names.map((n) => `${n}: >f+++++++++ /home/isucon/via-bastion.txt`));
    expectConnections(countBastionLogins() - before, 1);
    for (const name of names) {
      const seen = await lab.labExecOnHost(DIR, name, 'cat /home/isucon/via-bastion.txt');
      expect(seen.stdout).toBe(fs.readFileSync(file, 'utf8'));
    }
  });

  it('tail follows every host through the bastion and stops on Ctrl-C', async () => {
    for (const name of names) await lab.labExecOnHost(DIR, name, `echo "history of $(hostname)" > /tmp/bastion-tail.log`);
    const child = execa('node', [path.join(REPO, 'bin/isuops'), 'tail', '-F', cfg, '-f', hostsTxt, '-n', '1', '/tmp/bastion-tail.log'], { reject: false });
    let seen = '';
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (d: Buffer) => {
        seen += d.toString();
        if (seen.split('\n').filter(Boolean).length === names.length) resolve();
      });
    });
    expect(seen.split('\n').filter(Boolean).sort()).toEqual(names.map((n) => `${n}: history of ${n}`));
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    for (const name of names) {
      const left = await lab.labExecOnHost(DIR, name, "ps -eo args | grep -F 'bastion-tail.log' | grep -v grep || true");
      expect(left.stdout).toBe('');
    }
  });
});

describe('a broken bastion: every host says so, exit 255, nothing hangs', () => {
  // Each case is about connecting: kept connections (and the jump connection) from before go first.
  beforeEach(() => stopDaemon());
  it('down', async () => {
    await lab.labStopHost(DIR, 'bastion');
    try {
      const r = await runIsuops(['exec', '-F', cfg, '-f', hostsTxt, 'hostname']);
      expect(r.exitCode).toBe(255);
      for (const n of names) expect(r.stderr).toContain(`${n}: via bastion: connection refused by ${bastionAddress}:22`);
    } finally {
      await lab.labStartHost(DIR, 'bastion');
    }
  });

  it('refuses forwarding (AllowTcpForwarding no)', async () => {
    const original = fs.readFileSync(bastionConfig, 'utf8');
    // the bastion runs sshd -i per connection: the next connection reads this
    fs.writeFileSync(bastionConfig, `${original}AllowTcpForwarding no\n`);
    try {
      const theirs = await ssh([names[0]!, 'hostname']);
      expect(theirs.stderr).toMatch(/administratively prohibited/);
      const r = await runIsuops(['exec', '-F', cfg, '-f', hostsTxt, 'hostname']);
      expect(r.exitCode).toBe(255);
      const state = lab.readLabState(DIR)!;
      for (const h of state.hosts) expect(r.stderr).toContain(`${h.name}: bastion refused forwarding to ${h.address}:22 (administratively prohibited)`);
    } finally {
      fs.writeFileSync(bastionConfig, original);
    }
  });

  it('has a changed host key', async () => {
    const known = fs.readFileSync(path.join(DIR, 'known_hosts'), 'utf8').split('\n');
    const isuKey = known.find((l) => l.startsWith(`${names[0]},`))!.split(' ').slice(1).join(' ');
    const forged = known.map((l) => (l.startsWith('bastion,') ? `bastion,${bastionAddress} ${isuKey}` : l)).join('\n');
    const forgedKnown = path.join(DIR, 'known_hosts.forged');
    fs.writeFileSync(forgedKnown, forged);
    const forgedCfg = path.join(DIR, 'ssh_config.forged');
    fs.writeFileSync(forgedCfg, fs.readFileSync(cfg, 'utf8').replaceAll(path.join(DIR, 'known_hosts'), forgedKnown));
    const r = await runIsuops(['exec', '-F', forgedCfg, '-f', hostsTxt, 'hostname']);
    expect(r.exitCode).toBe(255);
    for (const n of names) expect(r.stderr).toMatch(new RegExp(`${n}: via bastion: host key for ${bastionAddress.replaceAll('.', '\\.')} has changed .*SHA256:`));
  });

  it('never answers: every host fails on time', async () => {
    lab.labFreezeHost(DIR, 'bastion');
    try {
      const t0 = Date.now();
      const r = await runIsuops(['exec', '-F', cfg, '-f', hostsTxt, '--connect-timeout', '2', 'hostname']);
      expect(r.exitCode).toBe(255);
      expect(Date.now() - t0).toBeLessThan(8000);
      for (const n of names) expect(r.stderr).toContain(`${n}: via bastion: timed out after 2s connecting to ${bastionAddress}:22`);
    } finally {
      lab.labThawHost(DIR, 'bastion');
    }
  });

  it('one host behind it is down: only that host fails, named by the bastion', async () => {
    const state = lab.readLabState(DIR)!;
    const down = state.hosts[1]!;
    await lab.labStopHost(DIR, down.name);
    try {
      const r = await runIsuops(['exec', '-F', cfg, '-f', hostsTxt, 'hostname']);
      expect(r.exitCode).toBe(255);
      expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(names.length - 1);
      expect(r.stderr).toContain(`${down.name}: via bastion: connection refused by ${down.address}:22`);
    } finally {
      await lab.labStartHost(DIR, down.name);
    }
  });
});
