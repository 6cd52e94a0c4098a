import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { userInfo } from 'node:os';
import { debuglog } from 'node:util';
import SSHConfig, { LineType, type Line } from 'ssh-config';
import { UsageError } from '../../errors.js';
import { expandGlob } from './fs-glob.js';
import { expandTilde } from './tokens.js';
import { parseCountValue, parseFlagValue, parsePortValue, parseStrictValue, parseTimeValue } from './values.js';

const debug = debuglog('isuops');

/** One `Match` criterion as written, e.g. `!host a,b` -> {negated, name: 'host', arg: 'a,b'}. */
export interface MatchCriterion {
  negated: boolean;
  name: string;
  arg?: string;
}

/** One meaningful line of an ssh config, in file order; Include already read. */
export type ConfigLine =
  | { kind: 'host'; patterns: string[]; where: string }
  | { kind: 'match'; criteria: MatchCriterion[]; where: string }
  | { kind: 'include'; files: SshConfigSource[]; where: string }
  | { kind: 'option'; key: string; args: string[]; where: string };

/** A parsed ssh config file (the user's ~/.ssh/config or -F FILE); empty when there is none. */
export interface SshConfigSource {
  file?: string;
  lines: ConfigLine[];
}

/** Where `~` and relative Include paths point; defaults to the passwd entry, as ssh does. */
export interface LoadOptions {
  home?: string;
  localUser?: string;
}

const MAX_INCLUDE_DEPTH = 16;
const MATCH_MARK = 'isuops:match';
const MATCH_WITH_ARG = new Set(['host', 'originalhost', 'user', 'localuser', 'exec', 'localnetwork', 'tagged']);
const MATCH_NO_ARG = new Set(['all', 'canonical', 'final']);

/**
 * Reads the user's ssh config like ssh does: FILE (-F) must exist; without it ~/.ssh/config is read
 * when present. /etc/ssh/ssh_config is never read (ssh skips it under -F too).
 */
export async function loadSshConfig(file: string | undefined, opts: LoadOptions = {}): Promise<SshConfigSource> {
  const env = { home: opts.home ?? userInfo().homedir, localUser: opts.localUser ?? userInfo().username };
  const path = file ?? join(env.home, '.ssh', 'config');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (file === undefined && code === 'ENOENT') return { lines: [] };
    if (code === 'ENOENT') throw new UsageError(`ssh config ${file}: no such file`, { cause: err });
    throw new UsageError(`ssh config ${path}: ${(err as Error).message}`, { cause: err });
  }
  return { file: path, lines: await parseConfigText(text, path, env, 0) };
}

/** Parses config text (exported for tests and `-o`): Include is read relative to ~/.ssh. */
export async function parseConfigText(
  text: string,
  file: string,
  env: { home: string; localUser: string },
  depth: number,
): Promise<ConfigLine[]> {
  const out: ConfigLine[] = [];
  let parsed: SSHConfig;
  try {
    // the npm parser rejects `!final`/`!canonical`/`!all` in Match; we read the criteria ourselves
    parsed = SSHConfig.parse(text.replace(/^([ \t]*)match(?:[ \t]*=[ \t]*|[ \t]+)/gim, `$1Host ${MATCH_MARK} `));
  } catch (err) {
    throw new UsageError(`ssh config ${file}: ${(err as Error).message}`, { cause: err });
  }
  for (const line of flattenLines(parsed)) {
    const where = `${file}: ${line.param}`;
    let key = line.param.toLowerCase();
    let args = lineArgs(line);
    if (key === 'host' && args[0] === MATCH_MARK) {
      key = 'match';
      args = args.slice(1);
    }
    if (key === 'host') out.push({ kind: 'host', patterns: args, where });
    else if (key === 'match') out.push({ kind: 'match', criteria: parseMatchCriteria(args, where), where });
    else if (key === 'include') out.push({ kind: 'include', files: await readIncludes(args, env, depth, where), where });
    else {
      checkOptionValue(key, args, where);
      out.push({ kind: 'option', key, args, where });
    }
  }
  return out;
}

type DirectiveLine = Extract<Line, { param: string }>;

/** The npm parser nests lines under Host/Match; ssh sees one flat sequence. */
function flattenLines(lines: Iterable<Line>): DirectiveLine[] {
  const out: DirectiveLine[] = [];
  for (const line of lines) {
    if (line.type !== LineType.DIRECTIVE) continue;
    out.push(line);
    if ('config' in line) out.push(...flattenLines(line.config));
  }
  return out;
}

/**
 * Normalises the parser's value (string, or tokens with quote flags) to ssh-style argv.
 * ProxyCommand is the exception: ssh takes the rest of the line as written, quotes included.
 */
export function lineArgs(line: Pick<DirectiveLine, 'value' | 'quoted' | 'param'>): string[] {
  const value = line.value;
  if (line.param.toLowerCase() === 'proxycommand') return [lineText(line)];
  if (typeof value === 'string') return line.quoted === true ? [value] : value.split(/\s+/).filter((a) => a !== '');
  return value.map((t) => t.val);
}

/** The value as written: tokens joined by their own separators, double quotes put back. */
function lineText(line: Pick<DirectiveLine, 'value' | 'quoted'>): string {
  const value = line.value;
  if (typeof value === 'string') return line.quoted === true ? `"${value}"` : value;
  return value.map((t, i) => `${i === 0 ? '' : t.separator}${t.quoted ? `"${t.val}"` : t.val}`).join('');
}

function parseMatchCriteria(args: string[], where: string): MatchCriterion[] {
  const out: MatchCriterion[] = [];
  for (let i = 0; i < args.length; i++) {
    const raw = args[i] as string;
    const negated = raw.startsWith('!');
    const name = (negated ? raw.slice(1) : raw).toLowerCase();
    if (MATCH_NO_ARG.has(name)) out.push({ negated, name });
    else if (MATCH_WITH_ARG.has(name)) {
      const arg = args[++i];
      if (arg === undefined) throw new UsageError(`${where}: Match ${name} needs an argument`);
      out.push({ negated, name, arg });
    } else throw new UsageError(`${where}: unsupported Match attribute '${raw}'`);
  }
  if (out.length === 0) throw new UsageError(`${where}: Match needs criteria (e.g. Match host NAME, Match all)`);
  return out;
}

/** Include: `~` expanded, relative paths under ~/.ssh (user config), globs allowed, missing files skipped. */
async function readIncludes(
  args: string[],
  env: { home: string; localUser: string },
  depth: number,
  where: string,
): Promise<SshConfigSource[]> {
  if (depth + 1 > MAX_INCLUDE_DEPTH) throw new UsageError(`${where}: Include nested too deeply (max ${MAX_INCLUDE_DEPTH})`);
  const files: SshConfigSource[] = [];
  for (const arg of args) {
    const tilded = expandTilde(arg, env.home, env.localUser);
    const pattern = isAbsolute(tilded) ? tilded : join(env.home, '.ssh', tilded);
    for (const path of await expandGlob(pattern)) {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        // ssh silently skips an Include it cannot open
        debug('ssh config %s: skipping %s: %s', where, path, (err as Error).message);
        continue;
      }
      files.push({ file: path, lines: await parseConfigText(text, path, env, depth + 1) });
    }
  }
  return files;
}

/** ssh rejects a bad value wherever it appears, even in a block that does not apply. */
export function checkOptionValue(key: string, args: string[], where: string): void {
  const first = args[0];
  if (first === undefined) throw new UsageError(`${where}: missing argument`);
  switch (key) {
    case 'port':
      parsePortValue(first, where);
      break;
    case 'connecttimeout':
    case 'serveraliveinterval':
      if (first !== 'none' || key === 'serveraliveinterval') parseTimeValue(first, where);
      break;
    case 'serveralivecountmax':
      parseCountValue(first, where);
      break;
    case 'identitiesonly':
      parseFlagValue(first, where);
      break;
    case 'stricthostkeychecking':
      parseStrictValue(first, where);
      break;
    default:
      break;
  }
}
