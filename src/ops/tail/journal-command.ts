import { quoteCommand } from '../../remote/quote.js';
import { remoteScript } from '../../remote/scripts.js';

/**
 * The follower for a systemd unit (src/remote/tail-journal.sh): `journalctl -f -u UNIT -o json`, JSON so that every entry
 * carries its cursor. History: the last `lines` entries, or every entry since `since`;
 * after a reconnect, every entry after the last cursor shown. A host without journalctl
 * says so on stderr and exits 127.
 */
export function buildJournalCommand(unit: string, opts: { lines: number; since?: string; afterCursor?: string }): string {
  const args = ['--follow', '--no-pager', '--output=json', `--unit=${unit}`];
  if (opts.afterCursor !== undefined) args.push(`--after-cursor=${opts.afterCursor}`, '--lines=all');
  else if (opts.since !== undefined) args.push(`--since=${opts.since}`, '--lines=all');
  else args.push(`--lines=${opts.lines}`);
  return 'exec ' + quoteCommand(['/bin/sh', '-c', remoteScript('tail-journal'), 'isuops-journal', ...args]);
}
