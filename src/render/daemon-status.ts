import type { DaemonStatus } from '../daemon/types.js';

/** 1m05s, 3.2s, 2h10m */
export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(1)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `isuops daemon status`: the daemon, then one line per kept connection. */
export function formatDaemonStatus(st: DaemonStatus): string {
  const lines = [
    `pid ${st.pid}`,
    `socket ${st.socket}`,
    `log ${st.log}`,
    `idle ${formatDuration(st.idleMs)}`,
    `connections ${st.connections.length}`,
  ];
  if (st.warm) lines.push(`warm workers ${st.warm.ready} ready, ${st.warm.runs} runs served`);
  const rows = st.connections.map((c) => [
    `${c.user}@${c.address.includes(':') ? `[${c.address}]` : c.address}:${c.port}`,
    c.jump ?? '-',
    formatDuration(c.ageMs),
    formatDuration(c.idleMs),
    // the spare and the kept SFTP session are open on the host too (they count in sshd's MaxSessions): said, apart
    withKept(c.channels, [c.spare ? `+${c.spare} spare` : '', c.sftp ? `+${c.sftp} sftp` : ''].filter(Boolean).join(', ')),
  ]);
  if (rows.length > 0) {
    const table = [['CONNECTION', 'JUMP', 'AGE', 'IDLE', 'CHANNELS'], ...rows];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
    for (const row of table) lines.push(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
  }
  return `${lines.join('\n')}\n`;
}

function withKept(channels: number, kept: string): string {
  return kept ? `${channels} (${kept})` : String(channels);
}
