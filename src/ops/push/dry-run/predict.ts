import type { HostSession } from '../../../transport/types.js';
import type { Sftp } from '../../sftp/sftp-async.js';
import type { SourcePlan } from '../plan.js';
import { firstLine, runRemote } from '../run-remote.js';
import { rootFailure } from '../sudo-script.js';
import { listChecks, type Check } from './checks.js';

// Reads records `K/path` (K: w, o, r) as arguments and prints, NUL-terminated, those that fail:
// test(1) asks the kernel (access(2): ACLs, read-only mounts), not the mode bits. Root passes o and r.
const CHECK_SCRIPT = `u=$(id -u)
for a; do
  k=\${a%%/*}; p=/\${a#*/}; d=\${p%/*}; d=\${d:-/}
  case $k in
    w) [ -d "$p" ] && [ -w "$p" ] && [ -x "$p" ] ;;
    o) [ "$u" = 0 ] || [ -O "$p" ] ;;
    r) [ "$u" = 0 ] || [ ! -k "$d" ] || [ -O "$p" ] || [ -O "$d" ] ;;
  esac || printf '%s\\0' "$a"
done`;

const LETTER: Partial<Record<Check['kind'], string>> = { writable: 'w', owned: 'o', replaceable: 'r' };

/** The checks of `checks` that fail on the host, each with its message (a check that cannot be made passes). */
async function failingChecks(session: HostSession, sftp: Sftp, checks: readonly Check[]): Promise<Map<Check, string>> {
  const failing = new Map<Check, string>();
  const byRecord = new Map<string, Check>();
  for (const c of checks) {
    const letter = LETTER[c.kind];
    if (letter) byRecord.set(`${letter}${c.path}`, c);
  }
  const jobs: Array<Promise<void>> = [];
  if (byRecord.size > 0) {
    // Paths go NUL-separated on stdin to xargs: no shell ever parses one.
    const stdin = Buffer.from([...byRecord.keys()].map((r) => `${r}\0`).join(''));
    jobs.push(
      runRemote(session, ['xargs', '-0', '-r', 'sh', '-c', CHECK_SCRIPT, 'sh'], { stdin }).then((run) => {
        for (const record of run.stdout.toString('utf8').split('\0')) {
          const c = byRecord.get(record);
          if (c) failing.set(c, c.message);
        }
      }),
    );
  }
  for (const c of checks) {
    if (c.kind === 'empty') {
      jobs.push(sftp.readdir(c.path).then((list) => {
        if (list.some((e) => e.filename !== '.' && e.filename !== '..')) failing.set(c, c.message);
      }, () => undefined));
    } else if (c.kind === 'sudo') {
      jobs.push(runRemote(session, ['true'], { sudo: true }).then((run) => {
        // the real run's words for a refused sudo
        if (run.code !== 0) failing.set(c, rootFailure(firstLine(run.stderr) || `exit code ${run.code}`));
      }));
    }
  }
  await Promise.all(jobs);
  return failing;
}

/**
 * --dry-run: what the real run would fail with on this host (the message of its first failing
 * step, the same words and hint), or null when it would go through. Writes nothing.
 */
export async function predictFailure(session: HostSession, sftp: Sftp, plans: readonly SourcePlan[], opts: { sudo: boolean; delete: boolean }): Promise<string | null> {
  const checks = listChecks(plans, opts);
  if (checks.length === 0) return null;
  const failing = await failingChecks(session, sftp, checks);
  for (const c of checks) {
    const message = failing.get(c);
    if (message !== undefined) return message;
  }
  return null;
}
