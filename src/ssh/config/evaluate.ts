import { REFUSED } from './keywords.js';
import { matchHostLine, matchPatternList } from './pattern.js';
import type { ConfigLine, MatchCriterion, SshConfigSource } from './source.js';
import { expandTokens } from './tokens.js';
import { debug } from '../../core/debug.js';


/**
 * Options obtained so far, ssh style: the first value of a key wins, IdentityFile accumulates.
 * ProxyJump and ProxyCommand share one slot (`proxy`: [key, ...args]) since ssh takes whichever
 * comes first.
 */
export interface CollectedOptions {
  single: Map<string, string[]>;
  identityFiles: string[];
  /** Keywords isuops refuses (keywords.ts REFUSED) as first obtained, with where they were set. */
  refused?: Map<string, { args: string[]; where: string }>;
}

/** What Match and Host lines are matched against in one pass over the config. */
export interface PassContext {
  /** Pass 1: the host as given; final pass: the resolved, lowercased HostName. */
  hostArg: string;
  originalHost: string;
  localUser: string;
  final: boolean;
}

/** Records one option if nothing has set it yet (first obtained value wins). */
export function applyOption(opts: CollectedOptions, key: string, args: string[], where = 'command-line'): void {
  if (REFUSED.has(key)) {
    opts.refused ??= new Map();
    if (!opts.refused.has(key)) opts.refused.set(key, { args, where });
    return;
  }
  if (key === 'identityfile') {
    opts.identityFiles.push(args[0] as string);
    return;
  }
  const slot = key === 'proxyjump' || key === 'proxycommand' ? 'proxy' : key;
  if (!opts.single.has(slot)) opts.single.set(slot, slot === 'proxy' ? [key, ...args] : args);
}

/** Walks the config once; returns whether some `Match final` asked for a final pass. */
export function collectOptions(source: SshConfigSource, opts: CollectedOptions, ctx: PassContext): boolean {
  const state = { wantFinal: false };
  walkLines(source.lines, true, false, opts, ctx, state);
  return state.wantFinal;
}

// Mirrors readconf.c: Host/Match set `active`; an Include starts from the includer's state,
// matches nothing inside an inactive block, and the includer's state is restored afterwards.
function walkLines(
  lines: ConfigLine[],
  startActive: boolean,
  neverMatch: boolean,
  opts: CollectedOptions,
  ctx: PassContext,
  state: { wantFinal: boolean },
): void {
  let active = startActive;
  for (const line of lines) {
    if (line.kind === 'host') {
      active = !neverMatch && matchHostLine(ctx.hostArg, line.patterns);
    } else if (line.kind === 'match') {
      const r = matchCriteria(line.criteria, opts, ctx, state, line.where);
      active = !neverMatch && r;
    } else if (line.kind === 'include') {
      const outer = active;
      for (const file of line.files) {
        walkLines(file.lines, outer, neverMatch || !outer, opts, ctx, state);
      }
      active = outer;
    } else if (active) {
      applyOption(opts, line.key, line.args, line.where);
    }
  }
}

function matchCriteria(
  criteria: MatchCriterion[],
  opts: CollectedOptions,
  ctx: PassContext,
  state: { wantFinal: boolean },
  where: string,
): boolean {
  // like match_cfg_line(): Match host sees HostName as obtained so far (%h expanded)
  const hostName = opts.single.get('hostname')?.[0];
  const host = ctx.final || hostName === undefined ? ctx.hostArg : expandTokens(hostName, { h: ctx.hostArg }, ['h'], where);
  const remoteUser = opts.single.get('user')?.[0] ?? ctx.localUser;
  let result = true;
  for (const c of criteria) {
    let r: boolean;
    switch (c.name) {
      case 'all':
        r = true;
        break;
      case 'canonical':
      case 'final':
        if (c.name === 'final') state.wantFinal = true;
        // isuops never canonicalizes, so "canonical" holds exactly in the final pass, as with ssh -G
        r = ctx.final;
        break;
      case 'host':
        r = matchPatternList(host.toLowerCase(), c.arg ?? '', true) === 1;
        break;
      case 'originalhost':
        r = matchPatternList(ctx.originalHost.toLowerCase(), c.arg ?? '', true) === 1;
        break;
      case 'user':
        r = matchPatternList(remoteUser, c.arg ?? '', false) === 1;
        break;
      case 'localuser':
        r = matchPatternList(ctx.localUser, c.arg ?? '', false) === 1;
        break;
      default:
        // exec, localnetwork, tagged: not supported; the whole block is ignored
        debug('ssh config %s: Match %s is not supported, ignoring this block', where, c.name);
        result = false;
        continue;
    }
    if (r === c.negated) result = false;
  }
  return result;
}
