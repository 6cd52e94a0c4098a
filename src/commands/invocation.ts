import { accessSync, constants, realpathSync } from 'node:fs';
import path from 'node:path';

function realpathOrNull(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

/**
 * How to run this isuops again from a shell, for lines that say "try: ...": `isuops` when that
 * name on PATH is this very program (npm link, npm install -g), else the path it was started by
 * (bin/isuops is executable). `script` is process.argv[1].
 */
export function selfCommand(script: string | undefined = process.argv[1], pathEnv: string = process.env.PATH ?? ''): string {
  if (!script) return 'isuops';
  const self = realpathOrNull(script);
  for (const dir of pathEnv.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, 'isuops');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    // The first isuops on PATH is the one a shell runs: it must be this one.
    return realpathOrNull(candidate) === self ? 'isuops' : path.resolve(script);
  }
  return path.resolve(script);
}
