import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { execOnHost, ISUOPS_BIN, labArgs, labDir, labHosts, labStartHost, labStopHost, restoreLab, runIsuops } from './helpers.js';

const lines = (text: string) => text.split('\n').filter((l) => l !== '');
const unique = () => randomBytes(4).toString('hex');
/** Some lab hosts only (-f would add the whole hosts file). */
const only = (list: string) => ['-F', path.join(labDir(), 'ssh_config'), '-H', list];

/** A running `isuops tail`, its output so far, and Ctrl-C. */
interface Tail {
  child: ResultPromise;
  stdout: () => string;
  stderr: () => string;
  /** Waits until `check` holds on the output so far; fails with the output when it never does. */
  waitFor: (what: string, check: (out: { stdout: string; stderr: string }) => boolean, ms?: number) => Promise<void>;
  /** SIGINT, then the exit code and how long the exit took. */
  interrupt: () => Promise<{ exitCode: number | undefined; elapsedMs: number }>;
}

function startTail(args: string[]): Tail {
  const child = execa('node', [ISUOPS_BIN, 'tail', ...args], { reject: false, buffer: false, stdin: 'ignore' });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    async waitFor(what, check, ms = 15_000) {
      const until = Date.now() + ms;
      while (!check({ stdout, stderr })) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n--- stdout (tail):\n${stdout.slice(-2000)}\n--- stderr:\n${stderr.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async interrupt() {
      const sent = Date.now();
      child.kill('SIGINT');
      const r = await child;
      return { exitCode: r.exitCode, elapsedMs: Date.now() - sent };
    },
  };
}

/** Processes on a lab host (each host has its own pid space) whose command line contains `needle`. */
async function processesOn(host: string, needle: string | RegExp): Promise<string[]> {
  const r = await execOnHost(host, 'ps -eo pid,args');
  return lines(r.stdout).filter((l) => (typeof needle === 'string' ? l.includes(needle) : needle.test(l)));
}

// A running follower (the wrapper's own command line holds the script, with `$((...))` in it).
const follower = (file: string) => new RegExp(`^\\s*\\d+ tail -F -c \\+\\d+ -- ${file.replace(/[.]/g, '\\.')}$`);

/** Waits until no host runs a process mentioning `needle`; returns what is left after `ms`. */
async function leftBehind(needle: string | RegExp, hosts = labHosts(), ms = 3000): Promise<string[]> {
  const until = Date.now() + ms;
  for (;;) {
    const left = (await Promise.all(hosts.map(async (h) => (await processesOn(h, needle)).map((p) => `${h}: ${p}`)))).flat();
    if (left.length === 0 || Date.now() > until) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Cuts every ssh session of a host (its sshd session processes die), as a reset connection would. */
async function cutSessions(host: string): Promise<void> {
  await execOnHost(host, "pkill -KILL -f '^sshd: isucon' || true");
}

const onAll = (cmd: string) => Promise.all(labHosts().map((h) => execOnHost(h, cmd)));

describe('tail: bad input ends before connecting', () => {
  // A host on a closed port: if anything connected, the run would say "refused" and exit 255.
  const nowhere = ['-H', '127.0.0.1', '--port', '1'];
  it.each([
    ['an unknown preset', ['nginx access'], /unknown target "nginx access": use a preset \(nginx, nginx-error, mysql-slow\)/],
    ['a relative path', ['log/nginx/access.log'], /relative path "log\/nginx\/access.log": tail needs an absolute path/],
    ['a bad regular expression', ['nginx', '-e', '(unclosed'], /-e\/--grep "\(unclosed": not a valid regular expression/],
    ['a bad invert expression', ['nginx', '-v', '[z-a]'], /-v\/--invert-match "\[z-a\]": not a valid regular expression/],
  ])('%s: exit 2', async (_what, args, message) => {
    const r = await runIsuops(['tail', ...nowhere, ...args]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('refused');
    expect(r.stdout).toBe('');
  });
});

describe('tail against the lab', () => {
  afterEach(async () => {
    await restoreLab();
  });

  it('nginx: history, new lines, plain `host: line` in a pipe; Ctrl-C exits 130 at once and leaves no tail behind', async () => {
    await onAll('mkdir -p /var/log/nginx && : > /var/log/nginx/access.log && for i in $(seq 1 20); do echo "$(hostname) old $i" >> /var/log/nginx/access.log; done');
    const tail = startTail([...labArgs(), 'nginx', '-n', '3']);
    await tail.waitFor('15 history lines', ({ stdout }) => lines(stdout).length === 15);
    expect(lines(tail.stdout()).sort()).toEqual(labHosts().flatMap((h) => [18, 19, 20].map((i) => `${h}: ${h} old ${i}`)).sort());
    expect(await leftBehind(follower('/var/log/nginx/access.log'), labHosts(), 0)).toHaveLength(5);
    await execOnHost('isu02', 'echo "isu02 fresh" >> /var/log/nginx/access.log');
    await tail.waitFor('the new line', ({ stdout }) => stdout.includes('isu02: isu02 fresh\n'));
    const { exitCode, elapsedMs } = await tail.interrupt();
    expect(exitCode).toBe(130);
    expect(elapsedMs).toBeLessThan(1000);
    expect(lines(tail.stdout())).toHaveLength(16);
    expect(tail.stderr()).toContain('isuops: 5 hosts: 5 ok, 0 failed, 0 unreachable, 0 timed out');
    expect(await leftBehind('/var/log/nginx/access.log')).toEqual([]);
  });

  it('several targets are labelled; -e/-v filter; --json gives {host, target, line, time}', async () => {
    const app = `/var/log/app-${unique()}.log`;
    await onAll(`mkdir -p /var/log/nginx && printf 'GET /a 200\\nGET /b 500\\nPOST /c 500\\n' > /var/log/nginx/access.log && printf 'app one\\n' > ${app}`);
    const args = [...only('isu01,isu03'), 'nginx', app, '-n', '5'];
    const text = startTail([...args, '-e', ' 500$', '-v', '^POST']);
    await text.waitFor('filtered lines', ({ stdout }) => lines(stdout).length >= 2);
    await execOnHost('isu03', `echo 'app two 500' >> ${app}`);
    await text.waitFor('the app line', ({ stdout }) => stdout.includes('app two'));
    expect((await text.interrupt()).exitCode).toBe(130);
    expect(lines(text.stdout()).sort()).toEqual(['isu01 nginx: GET /b 500', `isu03 ${app}: app two 500`, 'isu03 nginx: GET /b 500']);

    const before = Date.now();
    const json = startTail([...args, '--json']);
    await json.waitFor('9 objects', ({ stdout }) => lines(stdout).length === 9);
    expect((await json.interrupt()).exitCode).toBe(130);
    const objects = lines(json.stdout()).map((l) => JSON.parse(l) as { host: string; target: string; line: string; time: string });
    expect(objects.map(({ host, target, line }) => `${host} ${target} ${line}`).sort()).toEqual(
      [
        ...['isu01', 'isu03'].flatMap((h) => [`${h} nginx GET /a 200`, `${h} nginx GET /b 500`, `${h} nginx POST /c 500`, `${h} ${app} app one`]),
        `isu03 ${app} app two 500`,
      ].sort(),
    );
    for (const o of objects) {
      expect(Object.keys(o)).toEqual(['host', 'target', 'line', 'time']);
      expect(Date.parse(o.time)).toBeGreaterThanOrEqual(before - 1000);
    }
    await onAll(`rm -f ${app}`);
  });

  it('--sudo reads a root-only file, and following survives a rotation (tail -F)', async () => {
    const file = `/var/log/secret-${unique()}.log`;
    await execOnHost('isu02', `echo 'before' > ${file} && chmod 600 ${file}`);
    const denied = startTail([...only('isu02'), file]);
    await denied.waitFor('permission denied', ({ stderr }) => stderr.includes(`isuops: isu02: ${file}: cannot open '${file}' for reading: Permission denied (try --sudo)`));
    expect((await denied.interrupt()).exitCode).toBe(130);

    const tail = startTail([...only('isu02'), file, '--sudo', '--color', 'always']);
    await tail.waitFor('history', ({ stdout }) => stdout.includes('before'));
    await execOnHost('isu02', `mv ${file} ${file}.1 && echo 'after rotation' > ${file} && chmod 600 ${file}`);
    await tail.waitFor('the new file', ({ stdout }) => stdout.includes('after rotation'));
    expect((await tail.interrupt()).exitCode).toBe(130);
    // --color always: the host name in its colour (the first host's is cyan).
    expect(lines(tail.stdout())).toEqual(['\u001b[36misu02\u001b[39m: before', '\u001b[36misu02\u001b[39m: after rotation']);
    expect(await leftBehind(file, ['isu02'])).toEqual([]);
    await execOnHost('isu02', `rm -f ${file} ${file}.1`);
  });

  it('a file missing on one host is reported for that host while the others stream, and followed once it appears', async () => {
    const file = `/var/log/maybe-${unique()}.log`;
    await Promise.all(labHosts().filter((h) => h !== 'isu03').map((h) => execOnHost(h, `echo "$(hostname) here" > ${file}`)));
    const tail = startTail([...labArgs(), file]);
    await tail.waitFor('4 hosts and the complaint', ({ stdout, stderr }) => lines(stdout).length === 4 && stderr.includes('isu03: tail: cannot open'));
    expect(tail.stderr()).toContain(`isu03: tail: cannot open '${file}' for reading: No such file or directory`);
    expect(tail.stdout()).not.toContain('isu03');
    await execOnHost('isu03', `echo "isu03 late" > ${file}`);
    await tail.waitFor('the late file', ({ stdout }) => stdout.includes('isu03: isu03 late\n'));
    expect((await tail.interrupt()).exitCode).toBe(130);
    expect(await leftBehind(file)).toEqual([]);
    await onAll(`rm -f ${file}`);
  });

  it('line-safe under load: 5 hosts x 20,000 lines of 200+ bytes, each once, whole, behind its host; a partial last line is flushed at the end', async () => {
    const file = `/var/log/load-${unique()}.log`;
    await onAll(`: > ${file}`);
    const tail = startTail([...labArgs(), file, '-n', '0', '-q']);
    // Followers announce nothing; wait until every host runs its tail.
    const until = Date.now() + 15_000;
    while ((await leftBehind(follower(file), labHosts(), 0)).length < 5 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    await onAll(`awk -v h="$(hostname)" 'BEGIN { pad = sprintf("%200s", ""); gsub(/ /, "x", pad); for (i = 1; i <= 20000; i++) print h, i, pad }' >> ${file}; printf 'partial-%s' "$(hostname)" >> ${file}`);
    await tail.waitFor('100,000 lines', ({ stdout }) => lines(stdout).length >= 100_000, 60_000);
    await new Promise((r) => setTimeout(r, 300));
    expect((await tail.interrupt()).exitCode).toBe(130);
    const got = lines(tail.stdout());
    expect(got).toHaveLength(100_005);
    const pad = 'x'.repeat(200);
    const seen = new Map<string, number>();
    const bad: string[] = [];
    for (const line of got) {
      const m = /^(isu0[1-5]): (?:(isu0[1-5]) (\d+) (x+)|partial-(isu0[1-5]))$/.exec(line);
      // Whole, and behind its own host's prefix.
      if (!m || (m[5] ?? m[2]) !== m[1] || (m[4] !== undefined && m[4] !== pad)) bad.push(line.slice(0, 100));
      else if (!m[5]) seen.set(`${m[1]} ${m[3]}`, (seen.get(`${m[1]} ${m[3]}`) ?? 0) + 1);
    }
    expect(bad).toEqual([]);
    expect(seen.size).toBe(100_000);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(got.filter((l) => l.includes('partial-')).sort()).toEqual(labHosts().map((h) => `${h}: partial-${h}`));
    await onAll(`rm -f ${file}`);
  });

  it('a dropped host is announced, retried, and resumes without repeats, with the lines written while it was away; the others go on', async () => {
    const file = `/var/log/drop-${unique()}.log`;
    await onAll(`seq 1 5 | sed "s/^/$(hostname) /" > ${file}`);
    const tail = startTail([...only('isu01,isu03'), file, '-n', '2']);
    await tail.waitFor('history', ({ stdout }) => lines(stdout).length === 4);
    await execOnHost('isu03', `for i in $(seq 6 50); do echo "isu03 $i" >> ${file}; done`);
    await tail.waitFor('line 50', ({ stdout }) => stdout.includes('isu03: isu03 50\n'));

    await labStopHost(labDir(), 'isu03');
    await cutSessions('isu03');
    await tail.waitFor('the drop', ({ stderr }) => /isuops: isu03: connection lost \(.*\); retrying in 1\.0s \(attempt 1\)/.test(stderr));
    // The cut follower died with its connection: nothing is left on the lost host.
    expect(await leftBehind(file, ['isu03'])).toEqual([]);
    await execOnHost('isu03', `for i in $(seq 51 80); do echo "isu03 $i" >> ${file}; done; printf 'isu03 81 half' >> ${file}`);
    await execOnHost('isu01', `echo "isu01 meanwhile" >> ${file}`);
    await tail.waitFor('isu01 going on', ({ stdout }) => stdout.includes('isu01: isu01 meanwhile\n'));
    await tail.waitFor('a failed retry', ({ stderr }) => /isu03: reconnect failed \(connection refused/.test(stderr), 10_000);

    await labStartHost(labDir(), 'isu03');
    await tail.waitFor('the reconnect', ({ stderr }) => stderr.includes('isuops: isu03: reconnected'), 20_000);
    await execOnHost('isu03', `printf ' done\\nisu03 82\\n' >> ${file}`);
    await tail.waitFor('line 82', ({ stdout }) => stdout.includes('isu03: isu03 82\n'));
    expect((await tail.interrupt()).exitCode).toBe(130);

    const isu03 = lines(tail.stdout()).filter((l) => l.startsWith('isu03: '));
    const expected = [...Array.from({ length: 80 - 3 }, (_, i) => `isu03: isu03 ${i + 4}`), 'isu03: isu03 81 half done', 'isu03: isu03 82'];
    expect(isu03).toEqual(expected);
    expect(await leftBehind(file)).toEqual([]);
    await onAll(`rm -f ${file}`);
  });

  it('a host lost for good: retried until Ctrl-C, which still exits 130 at once; nothing left on any host', async () => {
    const file = `/var/log/lost-${unique()}.log`;
    await onAll(`echo "$(hostname) first" > ${file}`);
    const tail = startTail([...labArgs(), file]);
    await tail.waitFor('5 lines', ({ stdout }) => lines(stdout).length === 5);
    await labStopHost(labDir(), 'isu04');
    await cutSessions('isu04');
    await tail.waitFor('the retry', ({ stderr }) => stderr.includes('isuops: isu04: connection lost'));
    expect(await leftBehind(file, ['isu04'])).toEqual([]);
    await execOnHost('isu05', `echo "isu05 second" >> ${file}`);
    await tail.waitFor('the others go on', ({ stdout }) => stdout.includes('isu05: isu05 second\n'));
    const { exitCode, elapsedMs } = await tail.interrupt();
    expect(exitCode).toBe(130);
    expect(elapsedMs).toBeLessThan(1000);
    expect(tail.stderr()).toMatch(/isuops: isu04: connection lost .*was not reconnected/);
    expect(tail.stderr()).toContain('isuops: 5 hosts: 4 ok, 0 failed, 1 unreachable');
    expect(await leftBehind(file)).toEqual([]);
    await onAll(`rm -f ${file}`);
  });

  it('every host unreachable: exit 255', async () => {
    await Promise.all(labHosts().map((h) => labStopHost(labDir(), h)));
    const r = await runIsuops(['tail', ...labArgs(), 'nginx'], { timeoutMs: 20_000 });
    expect(r.exitCode).toBe(255);
    expect(r.stderr).toContain('isuops: 5 hosts: 0 ok, 0 failed, 5 unreachable');
  });
});

describe('tail of a systemd unit, with journald running in lab hosts', () => {
  const journalHosts = ['isu01', 'isu02'];
  // logger --journald writes an entry as root; OBJECT_SYSTEMD_UNIT is what journalctl -u matches here.
  const logTo = (host: string, messages: string[]) =>
    execOnHost(host, messages.map((m) => `printf 'MESSAGE=%s\\nSYSLOG_IDENTIFIER=isu-go\\nOBJECT_SYSTEMD_UNIT=isu-go.service\\n' '${m}' | logger --journald`).join('; '));

  afterAll(async () => {
    await restoreLab();
    await Promise.all(journalHosts.map((h) => execOnHost(h, 'pkill -x systemd-journal; sleep 0.2; rm -rf /var/log/journal /run/systemd/journal/*')));
    await execOnHost('isu05', 'umount /usr/bin/journalctl 2>/dev/null; true');
  });

  it('history, new entries, resume after the last cursor; a host without journalctl is reported for itself', async () => {
    // The flushed flag makes journald write to this host's own /var/log/journal (not the shared /run/log).
    await Promise.all(
      journalHosts.map((h) =>
        execOnHost(h, 'mkdir -p /var/log/journal && touch /run/systemd/journal/flushed && (setsid /lib/systemd/systemd-journald </dev/null >/dev/null 2>&1 &) && for i in $(seq 50); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done'),
      ),
    );
    await Promise.all(journalHosts.map((h) => logTo(h, [`${h} e1`, `${h} e2`, `${h} e3`])));
    // isu05 gets no usable journalctl: a private mount puts /dev/null (not executable) in its place.
    await execOnHost('isu05', 'mount --bind /dev/null /usr/bin/journalctl');

    const tail = startTail([...only('isu01,isu02,isu05'), 'isu-go', '--sudo', '-n', '2']);
    await tail.waitFor('history', ({ stdout }) => lines(stdout).length === 4);
    await tail.waitFor('isu05 reported', ({ stderr }) => stderr.includes('isuops: isu05: isu-go: journalctl: command not found (no systemd journal on this host)'));
    const entry = (host: string, text: string) => new RegExp(`^${host}: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d{4} isu-go\\[\\d+\\]: ${text}$`);
    await logTo('isu02', ['isu02 live']);
    await tail.waitFor('a live entry', ({ stdout }) => stdout.includes('isu02 live'));

    await labStopHost(labDir(), 'isu01');
    await cutSessions('isu01');
    await tail.waitFor('the drop', ({ stderr }) => stderr.includes('isuops: isu01: connection lost'));
    await logTo('isu01', ['isu01 away1', 'isu01 away2']);
    await labStartHost(labDir(), 'isu01');
    await tail.waitFor('the resumed entries', ({ stdout }) => stdout.includes('isu01 away2'), 20_000);
    expect((await tail.interrupt()).exitCode).toBe(130);

    const got = lines(tail.stdout());
    const texts = (host: string) => got.filter((l) => l.startsWith(`${host}: `)).map((l) => {
      expect(l).toMatch(entry(host, '.*'));
      return l.replace(/^.*isu-go\[\d+\]: /, '');
    });
    expect(texts('isu01')).toEqual(['isu01 e2', 'isu01 e3', 'isu01 away1', 'isu01 away2']);
    expect(texts('isu02')).toEqual(['isu02 e2', 'isu02 e3', 'isu02 live']);
    expect(tail.stderr()).toContain('isuops: 3 hosts: 2 ok, 1 failed, 0 unreachable');
    expect(await leftBehind('journalctl', ['isu01', 'isu02'])).toEqual([]);
  });
});
