import { readFileSync } from 'node:fs';

/**
 * The text of `src/remote/NAME.sh` as written. tsc's dist/ reads the copy that the build puts
 * beside this module; the bundle (scripts/bundle.mjs) replaces this module with the texts inlined.
 */
export function scriptSource(name: string): string {
  return readFileSync(new URL(`./${name}.sh`, import.meta.url), 'utf8');
}
