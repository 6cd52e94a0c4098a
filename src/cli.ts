import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { UsageError } from './errors.js';
import { EXIT } from './exit-code.js';
import { addFleetOptions, addOutputOptions, parsePositiveInt, parseSeconds } from './commands/fleet-options.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

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
    .action(async (count: number, opts: { dir?: string }) => {
      const { labUp } = await import('./commands/lab.js');
      setExit(await labUp({ count, dir: opts.dir }));
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
  return program;
}

/** Runs the CLI; the only place that decides the process's exit code. */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version end with 0; every other parse error is usage (2). Commander printed the line.
      return err.exitCode === 0 ? 0 : EXIT.usage;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`isuops: ${err.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`isuops: unexpected error (this is a bug: please report it with the command you ran):\n${(err as Error).stack ?? String(err)}\n`);
    return EXIT.failed;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exitCode = EXIT.failed;
  },
);
