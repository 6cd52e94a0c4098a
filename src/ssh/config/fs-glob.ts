import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { noteRead } from '../../fs/read-stamps.js';

const MAGIC = /[*?[]/;

/** glob(3)-style segment regex: `*`, `?`, `[...]`; leading dots only matched literally. */
function segmentRegex(segment: string): RegExp {
  let re = '^';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i] as string;
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        const body = segment.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = close;
      }
    } else re += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`${re}$`);
}

/**
 * Expands an absolute glob like ssh's Include does with glob(3): sorted matches, no error when
 * nothing matches (a plain path is returned as is and the caller finds out it is missing).
 */
export async function expandGlob(absPattern: string): Promise<string[]> {
  if (!MAGIC.test(absPattern)) return [absPattern];
  const parts = absPattern.split('/').filter((p) => p !== '');
  let bases = ['/'];
  for (const part of parts) {
    const next: string[] = [];
    for (const base of bases) {
      if (!MAGIC.test(part)) {
        next.push(join(base, part));
        continue;
      }
      const re = segmentRegex(part);
      let names: string[];
      try {
        noteRead(base);
        names = await readdir(base);
      } catch {
        continue;
      }
      for (const name of names.sort()) {
        if (name.startsWith('.') && !part.startsWith('.')) continue;
        if (re.test(name)) next.push(join(base, name));
      }
    }
    bases = next;
  }
  return bases;
}
