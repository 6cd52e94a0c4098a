import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { noteRead } from '../fs/read-stamps.js';
import { expandHostList } from './expand-host-list.js';
import { parseHostEntry } from './parse-host-entry.js';
import { parseHostsFile } from './parse-hosts-file.js';
import type { HostEntry } from './types.js';
import { debug } from '../core/debug.js';


/** Where the hosts come from and which to keep: the `-f`, `-H`, `-g` and `-x` flags, as given. */
export interface SelectHostsOptions {
  /** `-f FILE` values, in order; relative to cwd. */
  files?: string[];
  /** `-H LIST` values, in order. */
  hostLists?: string[];
  /** `-g NAME` values; each may also be a comma/space separated list. */
  groups?: string[];
  /** `-x LIST` values; ranges allowed. */
  excludes?: string[];
  /** For `ISUOPS_HOSTS`; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where relative paths and the default `./hosts.txt` are looked up; default process.cwd(). */
  cwd?: string;
}

/**
 * The hosts to work on: `-f` files in order, then `-H` lists; with neither, `$ISUOPS_HOSTS`, else
 * `./hosts.txt`. Duplicates (same name as written) keep the first and merge groups. `-g` keeps hosts
 * in any of the groups; `-x` drops hosts whose name, or host part, matches. Throws UsageError when
 * there is nothing to read, a file is missing or bad, a group is unknown, or no host is left.
 */
export async function selectHosts(opts: SelectHostsOptions): Promise<HostEntry[]> {
  const cwd = opts.cwd ?? process.cwd();
  const hostLists = opts.hostLists ?? [];
  let files = opts.files ?? [];
  let fromEnv = false;
  if (files.length === 0 && hostLists.length === 0) {
    const env = opts.env ?? process.env;
    fromEnv = Boolean(env.ISUOPS_HOSTS);
    files = [findDefaultHostsFile(env, cwd)];
  }
  const declaredGroups: string[] = [];
  const all: HostEntry[] = [];
  for (const file of files) {
    const parsed = parseHostsFile(await readHostsFile(file, cwd, fromEnv ? ' (from ISUOPS_HOSTS)' : ''), file);
    all.push(...parsed.entries);
    declaredGroups.push(...parsed.groups);
  }
  for (const list of hostLists) all.push(...parseHostListFlag(list));
  const hosts = dropDuplicates(all);
  if (hosts.length === 0) throw new UsageError(`no hosts found in ${[...files, ...hostLists.map((l) => `-H "${l}"`)].join(', ')}`);
  const kept = excludeHosts(keepGroups(hosts, opts.groups ?? [], declaredGroups), opts.excludes ?? []);
  if (kept.length === 0) throw new UsageError('no hosts left after -g/-x');
  debug('hosts: %d selected of %d', kept.length, hosts.length);
  return kept;
}

/** One `-H` value's hosts; a bad one is named as the -H value it came from. */
function parseHostListFlag(list: string): HostEntry[] {
  try {
    return expandHostList(list).map((host) => parseHostEntry(host));
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`-H: ${error.message}`, { cause: error });
    throw error;
  }
}

/** `$ISUOPS_HOSTS`, else `./hosts.txt`, else a UsageError naming both places. */
function findDefaultHostsFile(env: NodeJS.ProcessEnv, cwd: string): string {
  if (env.ISUOPS_HOSTS) return env.ISUOPS_HOSTS;
  noteRead(path.resolve(cwd, 'hosts.txt'));
  if (existsSync(path.resolve(cwd, 'hosts.txt'))) return 'hosts.txt';
  throw new UsageError('no hosts given: pass -f FILE or -H HOST, set ISUOPS_HOSTS, or create ./hosts.txt');
}

async function readHostsFile(file: string, cwd: string, source: string): Promise<string> {
  try {
    noteRead(path.resolve(cwd, file));
    return await readFile(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message;
    throw new UsageError(`cannot read hosts file ${file}${source}: ${why}`, { cause: error });
  }
}

function dropDuplicates(entries: HostEntry[]): HostEntry[] {
  const byName = new Map<string, HostEntry>();
  for (const entry of entries) {
    const first = byName.get(entry.name);
    if (!first) byName.set(entry.name, { ...entry, groups: [...entry.groups] });
    else for (const g of entry.groups) if (!first.groups.includes(g)) first.groups.push(g);
  }
  return [...byName.values()];
}

function keepGroups(hosts: HostEntry[], groupArgs: string[], declared: string[]): HostEntry[] {
  const wanted = groupArgs.flatMap((arg) => arg.split(/[\s,]+/)).filter((g) => g !== '');
  if (wanted.length === 0) return hosts;
  const known = [...new Set([...declared, ...hosts.flatMap((h) => h.groups)])];
  for (const g of wanted) {
    if (!known.includes(g)) {
      const list = known.length === 0 ? 'the hosts files define no groups' : `known groups: ${known.join(', ')}`;
      throw new UsageError(`unknown group "${g}" (${list})`);
    }
  }
  return hosts.filter((h) => h.groups.some((g) => wanted.includes(g)));
}

/** `-x` matches a host's name as written, or its host part: `-x isu03` drops `root@isu03:2222` too. */
function excludeHosts(hosts: HostEntry[], excludeArgs: string[]): HostEntry[] {
  const patterns = new Set(excludeArgs.flatMap((arg) => expandHostList(arg)));
  if (patterns.size === 0) return hosts;
  return hosts.filter((h) => !patterns.has(h.name) && !patterns.has(h.host));
}
