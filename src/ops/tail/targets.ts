import { UsageError } from '../../errors.js';

/** Log files that have a short name (SPEC `tail`). */
export const TAIL_PRESETS: Readonly<Record<string, string>> = {
  nginx: '/var/log/nginx/access.log',
  'nginx-error': '/var/log/nginx/error.log',
  'mysql-slow': '/var/log/mysql/mysql-slow.log',
};

// sshd's MaxSessions is 10 per connection; one channel stays free for stopping the followers.
export const MAX_TAIL_TARGETS = 9;

/**
 * What `tail` follows on every host: a file (`tail -F`) or a systemd unit's journal
 * (`journalctl -f -u`). `label` is the target as the user wrote it, shown beside the host.
 */
export type TailTarget =
  | { kind: 'file'; label: string; path: string }
  | { kind: 'unit'; label: string; unit: string };

// systemd unit names: letters, digits, ":-_.\@", optionally with a type suffix; never an option.
const UNIT_NAME = /^[A-Za-z0-9_:.\\@-]+$/;

/** Turns one TARGET argument into what to follow; throws UsageError before anything connects. */
export function parseTailTarget(spec: string): TailTarget {
  const preset = TAIL_PRESETS[spec];
  if (preset !== undefined) return { kind: 'file', label: spec, path: preset };
  if (spec.startsWith('/')) {
    if (spec.includes('\0') || spec.includes('\n')) throw new UsageError(`bad path ${JSON.stringify(spec)}: newlines and NUL bytes are not allowed`);
    return { kind: 'file', label: spec, path: spec };
  }
  if (spec.includes('/')) {
    throw new UsageError(`relative path "${spec}": tail needs an absolute path (remote working directories differ), e.g. /var/log/${spec.replace(/^(\.\/)+/, '')}`);
  }
  const near = nearestPreset(spec);
  if (near !== undefined && !spec.includes('.')) {
    // `nginxx` would follow a unit that does not exist, in silence.
    throw new UsageError(`"${spec}" is no preset (did you mean ${near}?); for a systemd unit of that name write ${spec}.service`);
  }
  if (spec !== '' && !spec.startsWith('-') && !spec.startsWith('.') && UNIT_NAME.test(spec) && spec.length <= 255) {
    return { kind: 'unit', label: spec, unit: spec };
  }
  throw new UsageError(
    `unknown target "${spec}": use a preset (${Object.keys(TAIL_PRESETS).join(', ')}), an absolute path, or a systemd unit name`,
  );
}

/** Parses every TARGET (duplicates dropped) and checks that they fit on one connection. */
export function parseTailTargets(specs: readonly string[]): TailTarget[] {
  const targets = [...new Set(specs)].map(parseTailTarget);
  if (targets.length === 0) throw new UsageError('no target: name a preset, an absolute path or a systemd unit');
  if (targets.length > MAX_TAIL_TARGETS) {
    throw new UsageError(`too many targets (${targets.length}): at most ${MAX_TAIL_TARGETS} per run (sshd MaxSessions)`);
  }
  return targets;
}

/** The preset `spec` is a typo of (edit distance 1 or 2, case aside), if any. */
export function nearestPreset(spec: string): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of Object.keys(TAIL_PRESETS)) {
    if (name === spec) return undefined;
    const d = editDistance(spec.toLowerCase(), name);
    if (d <= 2 && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

/** Levenshtein distance (insert, delete, substitute, each 1). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
