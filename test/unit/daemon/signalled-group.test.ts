import { EventEmitter } from 'node:events';
import type { ClientChannel } from 'ssh2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KILL_AFTER_MS, SignalledGroup } from '../../../src/daemon/signalled-group.js';

const marker = '@isuops:abc:pgid:';

function fakeChannel(): { ch: ClientChannel; signals: string[]; emitter: EventEmitter } {
  const emitter = new EventEmitter();
  const signals: string[] = [];
  const ch = Object.assign(emitter, { signal: (name: string) => signals.push(name) }) as unknown as ClientChannel;
  return { ch, signals, emitter };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SignalledGroup', () => {
  it('stop: TERM now, KILL after KILL_AFTER_MS without an exit status, then `then`', () => {
    const { ch, signals } = fakeChannel();
    const then = vi.fn();
    new SignalledGroup(ch, marker).stop(then);
    expect(signals).toEqual(['TERM']);
    vi.advanceTimersByTime(KILL_AFTER_MS - 1);
    expect([signals, then.mock.calls.length]).toEqual([['TERM'], 0]);
    vi.advanceTimersByTime(1);
    expect([signals, then.mock.calls.length]).toEqual([['TERM', 'KILL'], 1]);
  });

  it('an exit status after the TERM: no KILL, `then` at once', () => {
    const { ch, signals, emitter } = fakeChannel();
    const then = vi.fn();
    const g = new SignalledGroup(ch, marker);
    g.stop(then);
    emitter.emit('exit', null, 'TERM');
    expect([g.exited, then.mock.calls.length]).toEqual([true, 1]);
    vi.advanceTimersByTime(KILL_AFTER_MS * 2);
    expect(signals).toEqual(['TERM']);
  });

  it('a second stop sends nothing more, and its `then` replaces the first one', () => {
    const { ch, signals } = fakeChannel();
    const g = new SignalledGroup(ch, marker);
    const first = vi.fn();
    const second = vi.fn();
    g.stop(first);
    g.stop(second);
    expect(signals).toEqual(['TERM']);
    vi.advanceTimersByTime(KILL_AFTER_MS);
    expect([signals, first.mock.calls.length, second.mock.calls.length]).toEqual([['TERM', 'KILL'], 0, 1]);
  });

  it('after the exit status a stop signals nothing and runs `then` at once', () => {
    const { ch, signals, emitter } = fakeChannel();
    const g = new SignalledGroup(ch, marker);
    emitter.emit('exit', 0);
    const then = vi.fn();
    g.stop(then);
    expect([signals, then.mock.calls.length]).toEqual([[], 1]);
  });

  it('the channel closing before the KILL: nothing more is sent', () => {
    const { ch, signals, emitter } = fakeChannel();
    const then = vi.fn();
    new SignalledGroup(ch, marker).stop(then);
    emitter.emit('close');
    vi.advanceTimersByTime(KILL_AFTER_MS * 2);
    expect([signals, then.mock.calls.length]).toEqual([['TERM'], 0]);
  });

  it.each([
    [['@isuops:abc:pgid:4242\n'], 4242],
    [['@isuops:abc:p', 'gid:4242\nmore'], 4242],
    [['@isuops:abc:pgid:4242'], undefined],
    [['not the marker\n@isuops:abc:pgid:4242\n'], undefined],
    [[`${'x'.repeat(300)}\n`], undefined],
  ])('reads the group from the first stderr line: %j -> %s', (chunks, pgid) => {
    const g = new SignalledGroup(fakeChannel().ch, marker);
    for (const c of chunks) g.sawStderr(Buffer.from(c));
    expect(g.pgid).toBe(pgid);
  });
});
