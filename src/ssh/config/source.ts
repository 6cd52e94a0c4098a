import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { userInfo } from 'node:os';
import SSHConfig, { LineType, type Line } from 'ssh-config';
import { UsageError } from '../../errors.js';
import { noteRead } from '../../fs/read-stamps.js';
import { expandGlob } from './fs-glob.js';
import { checkHostKeyAlgorithms } from './algorithms.js';
import { isKnownKeyword } from './keywords.js';
import { matchPatternList } from './pattern.js';
import { expandTilde } from './tokens.js';
import { parseCountValue, parseFlagValue, parsePortValue, parseStrictValue, parseTimeValue, parseControlPersistValue } from './values.js';
import { debug } from '../../core/debug.js';


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
 * when present. /etc/ssh/ssh_config is never read (ssh skips it under -F too). Every bad line of
 * every file read is reported, as ssh does (`FILE line N: Bad configuration option: x`), in one
 * UsageError of one line per bad line.
 */
export async function loadSshConfig(file: string | undefined, opts: LoadOptions = {}): Promise<SshConfigSource> {
  const env = { home: opts.home ?? userInfo().homedir, localUser: opts.localUser ?? userInfo().username };
  const path = file ?? join(env.home, '.ssh', 'config');
  let text: string;
  try {
    noteRead(path);
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (file === undefined && code === 'ENOENT') return { lines: [] };
    throw new UsageError(`ssh config ${path}: ${describeReadError(err as NodeJS.ErrnoException)}`, { cause: err });
  }
  return { file: path, lines: await parseConfigText(text, path, env, 0) };
}

/** One phrase for why a config file cannot be read (no raw ENOENT/EISDIR/EACCES text). */
export function describeReadError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT': return 'no such file';
    case 'EISDIR': return 'is a directory, not a file';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'ENOTDIR': return 'a part of the path is not a directory';
    default: return err.message;
  }
}

/**
 * Parses config text (exported for tests and `-o`): Include is read relative to ~/.ssh. Bad lines
 * go to `errors` when given (an Include's into its includer's); without it, they are thrown here.
 */
export async function parseConfigText(
  text: string,
  file: string,
  env: { home: string; localUser: string },
  depth: number,
  errors?: string[],
): Promise<ConfigLine[]> {
  const bad: string[] = errors ?? [];
  const out: ConfigLine[] = [];
  // IgnoreUnknown patterns seen so far in this file (ssh: only unknown keywords after it are spared)
  let ignoreUnknown: string | undefined;
  const rows = text.split('\n');
  for (const [index, row] of rows.entries()) {
    const where = `${file} line ${index + 1}`;
    if (/^\s*(#|$)/.test(row)) continue;
    let parsed: DirectiveLine[];
    try {
      // the npm parser rejects `!final`/`!canonical`/`!all` in Match; we read the criteria ourselves
      parsed = flattenLines(SSHConfig.parse(row.replace(/^([ \t]*)match(?:[ \t]*=[ \t]*|[ \t]+)/i, `$1Host ${MATCH_MARK} `)));
    } catch (err) {
      bad.push(`${where}: ${(err as Error).message}`);
      continue;
    }
    for (const line of parsed) {
      try {
        let key = line.param.toLowerCase();
        let args = lineArgs(line);
        if (key === 'host' && args[0] === MATCH_MARK) {
          key = 'match';
          args = args.slice(1);
        }
        if (key === 'host') out.push({ kind: 'host', patterns: args, where });
        else if (key === 'match') out.push({ kind: 'match', criteria: parseMatchCriteria(args, where), where });
        else if (key === 'include') out.push({ kind: 'include', files: await readIncludes(args, env, depth, where, bad), where });
        else if (args.length === 0) bad.push(`${where}: no argument after keyword "${key}"`);
        else if (!isKnownKeyword(key)) {
          if (ignoreUnknown !== undefined && matchPatternList(key, ignoreUnknown, true) === 1) debug('%s: ignoring unknown %s', where, key);
          else bad.push(badOption(`${file}: line ${index + 1}`, key));
        } else {
          checkOptionValue(key, args, where);
          if (key === 'ignoreunknown') ignoreUnknown ??= args.join(',');
          out.push({ kind: 'option', key, args, where });
        }
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        bad.push(err.message);
      }
    }
  }
  if (errors === undefined && bad.length > 0) {
    const n = bad.length;
    throw new UsageError([...bad, `${file}: terminating, ${n} bad configuration options`].join('\n'));
  }
  return out;
}

/** ssh's own words for a keyword it does not know; `at` is `FILE: line N` or `command-line: line 0`. */
export function badOption(at: string, key: string): string {
  return `${at}: Bad configuration option: ${key}`;
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
  errors: string[],
): Promise<SshConfigSource[]> {
  if (depth + 1 > MAX_INCLUDE_DEPTH) throw new UsageError(`${where}: Include nested too deeply (max ${MAX_INCLUDE_DEPTH})`);
  const files: SshConfigSource[] = [];
  for (const arg of args) {
    const tilded = expandTilde(arg, env.home, env.localUser);
    const pattern = isAbsolute(tilded) ? tilded : join(env.home, '.ssh', tilded);
    for (const path of await expandGlob(pattern)) {
      let text: string;
      try {
        noteRead(path);
        text = await readFile(path, 'utf8');
      } catch (err) {
        // ssh silently skips an Include it cannot open
        debug('ssh config %s: skipping %s: %s', where, path, (err as Error).message);
        continue;
      }
      files.push({ file: path, lines: await parseConfigText(text, path, env, depth + 1, errors) });
    }
  }
  return files;
}

/** ssh rejects a bad value wherever it appears, even in a block that does not apply. */
export function checkOptionValue(key: string, args: string[], where: string): void {
  const first = args[0];
  if (first === undefined) throw new UsageError(`${where}: no argument after keyword "${key}"`);
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
    case 'controlpersist':
      parseControlPersistValue(first, where);
      break;
    case 'hostkeyalgorithms':
    case 'pubkeyacceptedalgorithms':
    case 'pubkeyacceptedkeytypes':
      checkHostKeyAlgorithms(first, where);
      break;
    case 'hashknownhosts':
      parseFlagValue(first, where);
      break;
    default:
      break;
  }
}
