import { UsageError } from '../../errors.js';

/** One rule of --chmod: applies to files (F), directories (D) or both. */
interface ChmodRule {
  scope: 'F' | 'D' | 'all';
  apply: (mode: number, isDir: boolean) => number;
}

/** A parsed --chmod: the mode a file or directory gets on the remote side. */
export type ChmodFn = (mode: number, isDir: boolean) => number;

// The sticky bit goes with 'o' (and so with 'a' and no who at all), like chmod(1).
const WHO_BITS: Record<string, number> = { u: 0o4700, g: 0o2070, o: 0o1007 };

function parseSymbolic(clause: string, spec: string): ChmodRule['apply'] {
  const m = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
  if (!m) throw new UsageError(`bad --chmod "${spec}": expected octal (644) or chmod-style (u+x,go-w), optionally with D or F in front`);
  const [, whoText, op, permText] = m;
  const who = whoText === '' || whoText.includes('a') ? 'ugo' : whoText;
  let mask = 0;
  for (const w of who) mask |= WHO_BITS[w];
  return (mode, isDir) => {
    let bits = 0;
    for (const p of permText) {
      if (p === 'r') bits |= 0o444;
      else if (p === 'w') bits |= 0o222;
      else if (p === 'x') bits |= 0o111;
      // X: execute only for directories or files that already have some execute bit.
      else if (p === 'X') bits |= isDir || (mode & 0o111) !== 0 ? 0o111 : 0;
      else if (p === 's') bits |= 0o6000;
      else if (p === 't') bits |= 0o1000;
    }
    bits &= mask;
    if (op === '+') return mode | bits;
    if (op === '-') return mode & ~bits;
    return (mode & ~mask) | bits;
  };
}

/**
 * Parses rsync's --chmod syntax: comma-separated clauses, each optionally prefixed by D
 * (directories only) or F (files only), either octal (`F644`) or chmod-style (`u+x,go-w`).
 * Without a `who` letter a clause applies to all (rsync ignores the umask here too).
 */
export function parseChmod(spec: string): ChmodFn {
  const rules: ChmodRule[] = spec.split(',').map((raw) => {
    const clause = raw.trim();
    let scope: ChmodRule['scope'] = 'all';
    let body = clause;
    if (/^[DF]/.test(body)) {
      scope = body[0] as 'D' | 'F';
      body = body.slice(1);
    }
    if (/^[0-7]{1,4}$/.test(body)) {
      const value = parseInt(body, 8);
      return { scope, apply: () => value };
    }
    return { scope, apply: parseSymbolic(body, spec) };
  });
  return (mode, isDir) => {
    let out = mode & 0o7777;
    for (const rule of rules) {
      if (rule.scope === 'F' && isDir) continue;
      if (rule.scope === 'D' && !isDir) continue;
      out = rule.apply(out, isDir) & 0o7777;
    }
    return out;
  };
}
