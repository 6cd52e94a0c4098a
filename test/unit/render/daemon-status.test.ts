import { describe, expect, it } from 'vitest';
import type { DaemonStatus, KeptStatus } from '../../../src/daemon/types.js';
import { formatDaemonStatus } from '../../../src/render/daemon-status.js';

const conn = (over: Partial<KeptStatus>): KeptStatus => ({ user: 'isucon', address: '10.0.0.1', port: 22, jump: null, ageMs: 5000, idleMs: 1000, channels: 0, spare: 0, sftp: 0, runs: 0, persist: 600, ...over });
const status = (c: KeptStatus): DaemonStatus => ({ pid: 1, socket: '/s', log: '/l', build: 'b', startedAt: 0, idleMs: 0, connections: [c] });

describe('daemon status: a connection\'s channels, with its spare and kept SFTP session apart', () => {
  it.each<[string, Partial<KeptStatus>, string]>([
    ['nothing kept', { channels: 2 }, '2'],
    ['a spare', { spare: 1 }, '0 (+1 spare)'],
    ['a kept SFTP session', { sftp: 1 }, '0 (+1 sftp)'],
    ['both', { channels: 3, spare: 1, sftp: 1 }, '3 (+1 spare, +1 sftp)'],
  ])('%s', (_name, over, cell) => {
    const last = formatDaemonStatus(status(conn(over))).trimEnd().split('\n').at(-1)!;
    expect(last.endsWith(`  ${cell}`)).toBe(true);
  });
});
