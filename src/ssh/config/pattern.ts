/**
 * OpenSSH pattern matching (match.c): `*` is any run of characters, `?` exactly one;
 * everything else is literal.
 */
export function matchPattern(text: string, pattern: string): boolean {
  // a fleet's config is matched once per host and Host line: a literal needs no regex, a wildcard one is compiled once
  if (!/[*?]/.test(pattern)) return text === pattern;
  let compiled = compiledPatterns.get(pattern);
  if (compiled === undefined) {
    if (compiledPatterns.size >= 4096) compiledPatterns.clear();
    compiled = compilePattern(pattern);
    compiledPatterns.set(pattern, compiled);
  }
  return compiled.test(text);
}

const compiledPatterns = new Map<string, RegExp>();

function compilePattern(pattern: string): RegExp {
  let re = '^';
  for (const ch of pattern) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`${re}$`, 's');
}

/**
 * match_pattern_list(): a comma-separated list where a matching `!negated` entry vetoes the
 * whole list. Returns 1 (match), 0 (no match) or -1 (negated match), like ssh.
 */
export function matchPatternList(text: string, list: string, lowercase: boolean): 1 | 0 | -1 {
  const subject = lowercase ? text.toLowerCase() : text;
  let got: 1 | 0 = 0;
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!');
    let pattern = negated ? raw.slice(1) : raw;
    if (lowercase) pattern = pattern.toLowerCase();
    if (matchPattern(subject, pattern)) {
      if (negated) return -1;
      got = 1;
    }
  }
  return got;
}

/**
 * A `Host` line: each whitespace-separated pattern on its own (ssh does not split commas here),
 * case-sensitive; any matching `!pattern` makes the line not match.
 */
export function matchHostLine(host: string, patterns: string[]): boolean {
  let matched = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    if (matchPattern(host, negated ? raw.slice(1) : raw)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}
