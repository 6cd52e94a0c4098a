import type { TailTarget } from './targets.js';

/** What becomes of one stderr line of a follower: shown as the host's line, said as a notice, or dropped. */
export type StderrVerdict = { kind: 'line' } | { kind: 'notice'; message: string } | { kind: 'drop' };

/** The journal script's line when journalctl is missing (src/remote/tail-journal.sh). */
export const NO_JOURNALCTL = 'journalctl: command not found (no systemd journal on this host)';
const NO_UNIT = 'isuops-journal: no-unit ';

/**
 * Sorts a follower's stderr lines so that each problem is said once, with what to do:
 * - a file the login user cannot read: tail says "Permission denied" at the start and again on
 *   every change of the file; said once, with the --sudo hint (without --sudo);
 * - a missing journalctl: held back, the end of the follower says it (`held()`), not two lines;
 * - a unit with no unit file and no entries (the journal script's line): a notice.
 */
export function makeStderrSorter(target: TailTarget, sudo: boolean): { sort(line: Buffer): StderrVerdict; held(): string | undefined } {
  let denied = false;
  let held: string | undefined;
  return {
    sort(line: Buffer): StderrVerdict {
      if (line.length > 4096) return { kind: 'line' };
      const text = line.toString('utf8');
      if (target.kind === 'unit') {
        if (text === NO_JOURNALCTL) {
          held = text;
          return { kind: 'drop' };
        }
        if (text.startsWith(NO_UNIT)) {
          return { kind: 'notice', message: `${target.label}: no unit file for ${text.slice(NO_UNIT.length)} and no journal entries on this host: following it anyway (a typo?)` };
        }
        return { kind: 'line' };
      }
      if (!sudo && text.endsWith(': Permission denied')) {
        if (denied) return { kind: 'drop' };
        denied = true;
        return { kind: 'notice', message: `${target.label}: ${text.replace(/^tail: /, '')} (try --sudo); said once, tail keeps trying` };
      }
      return { kind: 'line' };
    },
    held: () => held,
  };
}
