import { Chalk, type ChalkInstance } from 'chalk';

export type ColorMode = 'auto' | 'always' | 'never';

/**
 * Whether to colour: --color always/never win; otherwise NO_COLOR turns it off, FORCE_COLOR
 * (non-zero) on, and by default only a TTY gets colour.
 */
export function shouldColor(mode: ColorMode, isTTY: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return Boolean(isTTY);
}

const PALETTE = ['cyan', 'green', 'yellow', 'magenta', 'blue', 'cyanBright', 'greenBright', 'yellowBright', 'magentaBright', 'blueBright'] as const;

/** One colour per host, stable for the run (by position in the host list). */
export function makeHostPainter(hosts: readonly string[], enabled: boolean): { host: (name: string) => string; chalk: ChalkInstance } {
  const chalk = new Chalk({ level: enabled ? 1 : 0 });
  const index = new Map(hosts.map((h, i) => [h, i]));
  return {
    chalk,
    host: (name) => chalk[PALETTE[(index.get(name) ?? 0) % PALETTE.length]](name),
  };
}
