import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

/** Every `from '...'` of the .ts files under src/<dir>, as [file, specifier]. */
function importsOf(dir: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const entry of readdirSync(path.join(SRC, dir), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/from '([^']+)'|import\('([^']+)'\)/g)) {
      const spec = m[1] ?? m[2];
      const resolved = spec.startsWith('.') ? path.relative(SRC, path.resolve(path.dirname(file), spec)) : spec;
      out.push([path.relative(SRC, file), resolved]);
    }
  }
  return out;
}

describe('layers import one way', () => {
  it.each([
    // [layer, what it must not import]
    ['core', /^(ops|ssh|transport|commands|render|daemon)\//],
    ['ssh', /^(ops|commands|render|daemon)\//],
    ['transport', /^(ops|commands|render)\//],
    ['remote', /^(ops|ssh|transport|commands|render|daemon|core|lab)\//],
    ['ops', /^ssh2$|^ssh\/(session|connection|connect|jump-connect|sftp-wrap)\.js$|^transport\/(direct|choose)\.js$/],
  ])('%s does not import %s', (layer, forbidden) => {
    expect(importsOf(layer).filter(([, spec]) => forbidden.test(spec))).toEqual([]);
  });
});
