/** One journal entry as tail shows it. */
export interface JournalLine {
  cursor: string;
  /** __REALTIME_TIMESTAMP in milliseconds. */
  time: number;
  /** `TIME IDENT[PID]: MESSAGE`, one per line of the message. */
  lines: Buffer[];
}

type JsonField = string | number[] | null | undefined | Array<string | number[]>;

// journalctl -o json gives binary (non-UTF-8) fields as arrays of byte values.
function fieldBytes(value: JsonField): Buffer | undefined {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return Buffer.from(value as number[]);
  if (Array.isArray(value) && value.length > 0) return fieldBytes(value[0] as JsonField);
  return undefined;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** journalctl's short-iso time (`2024-05-01T12:00:00+0900`), in this machine's time zone. */
export function formatShortIso(ms: number): string {
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/**
 * Reads one line of `journalctl -o json` into the text journalctl -o short-iso would show,
 * without the host name (the prefix has it). Undefined for a line that is not an entry.
 */
export function parseJournalLine(raw: Buffer): JournalLine | undefined {
  let entry: Record<string, JsonField>;
  try {
    entry = JSON.parse(raw.toString('utf8')) as Record<string, JsonField>;
  } catch {
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null || typeof entry.__CURSOR !== 'string') return undefined;
  const time = Math.floor(Number(entry.__REALTIME_TIMESTAMP) / 1000);
  const ident = fieldBytes(entry.SYSLOG_IDENTIFIER) ?? fieldBytes(entry._COMM) ?? Buffer.from('unknown');
  const pid = fieldBytes(entry.SYSLOG_PID) ?? fieldBytes(entry._PID);
  const head = `${Number.isFinite(time) ? formatShortIso(time) : '-'} ${ident.toString('utf8')}${pid ? `[${pid.toString('utf8')}]` : ''}: `;
  const message = fieldBytes(entry.MESSAGE) ?? Buffer.alloc(0);
  // A multi-line message continues under its first line, as journalctl indents it.
  const parts: Buffer[] = [];
  let start = 0;
  for (let nl = message.indexOf(10); nl !== -1; nl = message.indexOf(10, start)) {
    parts.push(message.subarray(start, nl));
    start = nl + 1;
  }
  parts.push(message.subarray(start));
  if (parts.length > 1 && parts[parts.length - 1].length === 0) parts.pop();
  const indent = Buffer.from(' '.repeat(head.length));
  const lines = parts.map((part, i) => Buffer.concat([i === 0 ? Buffer.from(head) : indent, part]));
  return { cursor: entry.__CURSOR, time: Number.isFinite(time) ? time : Date.now(), lines };
}
