import { Command, InvalidArgumentError, Option } from 'commander';
import { sshUserProblem } from '../ssh/names.js';

/** Options shared by every command that works on the fleet (SPEC "Hosts", "Connection", "Output"). */
export interface FleetOptions {
  hosts?: string[];
  host?: string[];
  group?: string[];
  exclude?: string[];
  sshConfig?: string;
  user?: string;
  port?: number;
  identity?: string[];
  jump?: string;
  option?: string[];
  connectTimeout?: number;
  /** -p as given; undefined when not (runFleet's default then). */
  parallel?: number;
}

export interface OutputOptions {
  gather?: boolean;
  json?: boolean;
  outDir?: string;
  color: 'auto' | 'always' | 'never';
  quiet?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function parsePositiveInt(what: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max) throw new InvalidArgumentError(`${what} must be a whole number from 1 to ${max}`);
    return n;
  };
}

/** The longest timer Node.js keeps (2^31 - 1 ms, about 24.8 days): a longer one fires at once. */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export function parseSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number of seconds greater than 0');
  if (n > MAX_TIMER_SECONDS) throw new InvalidArgumentError(`must be at most ${MAX_TIMER_SECONDS} seconds (about 24.8 days)`);
  return n;
}

/** `-l USER`: what ssh refuses ("remote username contains invalid characters"), and an empty user. */
function parseUser(value: string): string {
  const problem = sshUserProblem(value);
  if (problem) throw new InvalidArgumentError(`invalid user name (${problem})`);
  return value;
}

function parseSshOption(value: string, previous: string[] = []): string[] {
  if (!/^\s*[A-Za-z]+\s*(=|\s)\s*\S/.test(value)) throw new InvalidArgumentError(`expected Key=Value (ssh_config style), got "${value}"`);
  return [...previous, value];
}

/** Hosts worked on at once without -p. */
export const DEFAULT_PARALLEL = 32;

/**
 * Adds the host-selection and connection options. `top` keeps `-i` for its interval (as top and
 * vmstat do): its identity file is `--identity` only.
 */
export function addFleetOptions(cmd: Command, opts: { identityShort?: boolean } = {}): Command {
  return cmd
    .option('-f, --hosts <file>', 'hosts file (repeatable; default $ISUOPS_HOSTS, else ./hosts.txt)', collect)
    .option('-H, --host <list>', 'hosts, comma/space separated, ranges isu[01-05] or isu{01..05} (repeatable)', collect)
    .option('-g, --group <name>', 'only hosts of this [group] (repeatable)', collect)
    .option('-x, --exclude <list>', 'drop these hosts (ranges allowed, repeatable)', collect)
    .option('-F, --ssh-config <file>', 'ssh config file (default ~/.ssh/config when present)')
    .option('-l, --user <user>', 'login user', parseUser)
    .option('--port <port>', 'port', parsePositiveInt('--port', 65535))
    .option(opts.identityShort === false ? '--identity <file>' : '-i, --identity <file>', 'identity file (repeatable)', collect)
    .option('-J, --jump <hosts>', 'jump hosts [user@]host[:port][,...]')
    .option('-o, --option <Key=Value>', 'ssh_config option (repeatable)', parseSshOption)
    .option('--connect-timeout <sec>', 'connect timeout in seconds (default: config, else 10)', parseSeconds)
    .option('-p, --parallel <n>', `hosts worked on at once (default ${DEFAULT_PARALLEL})`, parsePositiveInt('--parallel', 10000));
}

/** Adds the output-form options. */
export function addOutputOptions(cmd: Command): Command {
  return cmd
    .option('-b, --gather', 'buffer per host and fold identical output (like clush -b)')
    // NDJSON is the whole of stdout: no block of -b, and no host output left for --out-dir's files to differ from.
    .addOption(new Option('--json', 'NDJSON on stdout, one object per host').conflicts(['gather', 'outDir']))
    .option('--out-dir <dir>', 'write <dir>/<host>.out and <dir>/<host>.err')
    .addOption(new Option('--color <when>', 'colour host names').choices(['auto', 'always', 'never']).default('auto'))
    .option('-q, --quiet', 'no summary at the end');
}
