import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { UsageError } from './errors.js';
import { EXIT } from './exit-code.js';
import { parseDuration, parseInterval } from './commands/duration.js';

// bin/isuops makes its V8 cache directory with this once the bundle has run (one mkdir -p for the project)
export { makeDirsSync } from './fs/make-dirs.js';
import { addFleetOptions, addOutputOptions, parsePositiveInt, parseSeconds } from './commands/fleet-options.js';
import { rawArgv } from './commands/raw-argv.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number (0 or more)');
  return Number(value);
}

const collectList = (value: string, previous: string[] = []): string[] => [...previous, value];

// Each action loads its command lazily so that --help and --version never load ssh2.
function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('isuops')
    .description('Run operations on a fleet of Linux hosts over SSH, in parallel')
    .version(version, '-V, --version')
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  const exec = program
    .command('exec')
    .description('run CMD through the login shell on every host')
    .argument('<cmd...>', 'the command (words are joined with spaces, like ssh)')
    .option('--sudo', 'run through sudo -n')
    .option('-t, --timeout <sec>', 'stop the remote process after this many seconds', parseSeconds)
    .option('-I, --stdin', 'send local stdin to every host')
    .passThroughOptions();
  addOutputOptions(addFleetOptions(exec)).action(async (words: string[], opts) => {
    const { execCommand } = await import('./commands/exec.js');
    setExit(await execCommand(words, opts));
  });

  const push = program
    .command('push')
    .description('copy local files or directories to the same path on every host (rsync-style)')
    .argument('<paths...>', 'local files or directories')
    .option('--dest <remote>', 'put the sources under this remote path instead')
    .option('-c, --checksum', 'compare content instead of size and mtime')
    .option('-n, --dry-run', 'show what would change; write nothing')
    .option('--diff', 'show unified diffs of changed text files')
    .option('--sudo', 'write paths the login user cannot write, through sudo -n')
    .option('--chmod <mode>', 'set this mode on written files (octal, or chmod-style like u+x)')
    .option('--chown <owner>', 'set owner[:group] on written files (implies --sudo when not the login user)')
    .option('--delete', 'remove remote files that the local directory lacks')
    .option('--then <cmd>', 'run CMD on the hosts where something changed');
  addOutputOptions(addFleetOptions(push)).action(async (paths: string[], opts) => {
    const { pushCommand } = await import('./commands/push.js');
    setExit(await pushCommand(paths, opts));
  });

  const pull = program
    .command('pull')
    .description('copy files or directories from every host into DIR/<host>/<path> (rsync-style)')
    .argument('<remote-paths...>', 'absolute paths, directories or globs (expanded on each host)')
    .option('--to <dir>', 'local folder that gets one sub-folder per host', './pulled')
    .option('-c, --checksum', 'compare content instead of size and mtime')
    .option('-n, --dry-run', 'show what would come; write nothing')
    .option('--sudo', 'read paths the login user cannot read, through sudo -n')
    .option('--gzip', 'compress in transit (gzip -1 on the host): faster on links slower than ~100 MB/s');
  addOutputOptions(addFleetOptions(pull)).action(async (paths: string[], opts) => {
    const { pullCommand } = await import('./commands/pull.js');
    setExit(await pullCommand(paths, opts));
  });

  const tail = program
    .command('tail')
    .description('follow logs on every host: nginx, nginx-error, mysql-slow, /abs/path, or a systemd unit')
    .argument('<targets...>', 'presets, absolute paths, or systemd units')
    .option('-n, --lines <n>', 'lines of history first', parseCount, 10)
    .option('--since <time>', 'history since this time (systemd units, journalctl --since)')
    .option('-e, --grep <re>', 'only lines matching this regular expression')
    .option('-v, --invert-match <re>', 'drop lines matching this regular expression')
    .option('--sudo', 'read through sudo -n')
    .option('--json', 'NDJSON, one object per line')
    .addOption(new Option('--color <when>', 'colour host names').choices(['auto', 'always', 'never']).default('auto'))
    .option('-q, --quiet', 'no summary at the end');
  addFleetOptions(tail).action(async (targets: string[], opts) => {
    const { tailCommand } = await import('./commands/tail.js');
    setExit(await tailCommand(targets, opts));
  });

  const top = program
    .command('top')
    .description("a live view of every host's CPU, load, memory, network, disk and top processes (from /proc)")
    .option('-i, --interval <sec>', 'seconds between samples', parseInterval, 1)
    .option('--iface <list>', 'count these interfaces (comma separated, repeatable; default: all but lo)', collectList)
    .option('--json', 'NDJSON, one object per host per interval (the default off a terminal)')
    .option('--for <duration>', 'sample this long (60s, 5m, 1h), then print a per-host summary and exit', parseDuration)
    .option('--record <file>', 'also write the samples to FILE as NDJSON')
    .addOption(new Option('--color <when>', 'highlight the worst value of each column').choices(['auto', 'always', 'never']).default('auto'))
    .option('-q, --quiet', 'no summary line at the end');
  addFleetOptions(top, { identityShort: false }).action(async (opts) => {
    const { topCommand } = await import('./commands/top.js');
    setExit(await topCommand(opts));
  });

  const hosts = program.command('hosts').description('print the resolved host list without connecting').option('--json', 'NDJSON, one object per host');
  addFleetOptions(hosts).action(async (opts) => {
    const { hostsCommand } = await import('./commands/hosts.js');
    setExit(await hostsCommand(opts));
  });

  const lab = program.command('lab').description('a practice fleet of real OpenSSH hosts on this machine (root)');
  lab
    .command('up')
    .description('start N hosts isu01..isuNN (default 5)')
    .argument('[n]', 'how many hosts', parsePositiveInt('N', 250), 5)
    .option('--dir <dir>', 'lab directory (default $ISUOPS_LAB_DIR, else ~/.isuops/lab)')
    .option('--base <127.0.X>', 'address base for the hosts (default $ISUOPS_LAB_BASE, else 127.0.1; a second lab needs another)')
    .option('--bastion', 'put the hosts in a network namespace reachable only through a bastion (ProxyJump bastion)')
    .option('--latency <rtt>', 'a proxy in front of each sshd adds this round-trip time (20ms, 0.05s; 0: none; default: as the running lab, else $ISUOPS_LAB_LATENCY)')
    .action(async (count: number, opts: { dir?: string; base?: string; bastion?: boolean; latency?: string }) => {
      const { labUp } = await import('./commands/lab.js');
      setExit(await labUp({ count, dir: opts.dir, base: opts.base, bastion: opts.bastion, latency: opts.latency }));
    });
  lab
    .command('down')
    .description('stop every lab host')
    .option('--dir <dir>', 'lab directory')
    .action(async (opts: { dir?: string }) => {
      const { labDown } = await import('./commands/lab.js');
      setExit(await labDown({ dir: opts.dir }));
    });
  lab
    .command('status')
    .description('list lab hosts and whether they are up')
    .option('--dir <dir>', 'lab directory')
    .action(async (opts: { dir?: string }) => {
      const { labStatus } = await import('./commands/lab.js');
      setExit(await labStatus({ dir: opts.dir }));
    });
  const daemon = program.command('daemon').description('the per-user daemon that keeps connections between runs (ControlPersist)');
  daemon
    .command('status')
    .description('pid, socket, idle time and every kept connection (exit 1 when none runs)')
    .option('--json', 'one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const { daemonStatus } = await import('./commands/daemon.js');
      setExit(await daemonStatus(opts));
    });
  daemon
    .command('stop')
    .description('close every kept connection and end the daemon')
    .action(async () => {
      const { daemonStop } = await import('./commands/daemon.js');
      setExit(await daemonStop());
    });
  daemon
    .command('run', { hidden: true })
    .description('run the daemon (a run starts it when needed)')
    .action(async () => {
      const { daemonRun } = await import('./commands/daemon.js');
      setExit(await daemonRun());
    });
  return program;
}

/** Runs the CLI; the only place that decides the process's exit code. */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => {
    code = c;
  });
  // `help NAME` of a command that does not exist: commander would print the whole help, exit 0.
  const [word, name] = argv.slice(2);
  if (word === 'help' && name !== undefined && !name.startsWith('-') && !program.commands.some((c) => c.name() === name || c.aliases().includes(name))) {
    process.stderr.write(`isuops: unknown command '${name}' (commands: ${program.commands.map((c) => c.name()).join(', ')})\n`);
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version end with 0; every other parse error is usage (2). Commander printed the line.
      return err.exitCode === 0 ? 0 : EXIT.usage;
    }
    if (err instanceof UsageError) {
      // one line per problem (a config with several bad lines says each, as ssh does)
      process.stderr.write(err.message.split('\n').map((line) => `isuops: ${line}\n`).join(''));
      return EXIT.usage;
    }
    process.stderr.write(`isuops: unexpected error (this is a bug: please report it with the command you ran):\n${(err as Error).stack ?? String(err)}\n`);
    return EXIT.failed;
  }
}

// A reader that went away (`isuops ... | head`) is not a bug: what is left to print is dropped,
// and commands that run on hosts stop like on Ctrl-C (watchInterrupt).
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

function runCli(): void {
  // A run whose last pending promise can never settle would let Node end the process with exit 0
  // and nothing said (a dropped connection once did this to push). Said, and not 0, instead.
  let settled = false;
  process.once('beforeExit', () => {
    if (settled) return;
    process.stderr.write('isuops: internal error: the run stopped waiting for an answer that can no longer come (this is a bug: please report it with the command you ran)\n');
    process.exitCode = EXIT.failed;
  });

  main(rawArgv(process.argv)).then(
    (code) => {
      settled = true;
      process.exitCode = code;
    },
    (err: unknown) => {
      settled = true;
      process.stderr.write(`${String(err)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}

// `__warm-worker BUILD`: a spare the daemon keeps to run whole invocations for thin clients (src/warm/).
if (process.argv[2] === '__warm-worker') void import('./warm/worker.js').then((w) => w.runWorker(main, process.argv[3] ?? ''));
else runCli();
