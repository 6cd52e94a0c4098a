import { describe, expect, it } from 'vitest';
import { makeResult } from '../../../src/ops/result.js';
import { createProgress } from '../../../src/render/progress.js';

const E = '\r\u001b[2K';

function capture(tty: boolean) {
  const log: string[] = [];
  const stream = (name: string) => ({ isTTY: tty, write: (c: string | Uint8Array) => (log.push(`${name}:${String(c)}`), true) });
  return { log, streams: { stdout: stream('out'), stderr: stream('err') } };
}

const done = (host: string) => ({ type: 'done' as const, host, result: makeResult(host, 'ok') });

describe('createProgress', () => {
  it.each([
    ['a stderr line erases the line, then redraws it', (p: ReturnType<typeof createProgress>) => p.streams.stderr.write('isu02: x\n'), ['err:' + E, 'err:isu02: x\n', `err:${E}isuops: 1/3 hosts done`]],
    ['a stdout line on the terminal too', (p: ReturnType<typeof createProgress>) => p.streams.stdout.write('{"host":"isu02"}\n'), ['err:' + E, 'out:{"host":"isu02"}\n', `err:${E}isuops: 1/3 hosts done`]],
    ['a piece of a line is not followed by a redraw', (p: ReturnType<typeof createProgress>) => p.streams.stdout.write('par'), ['err:' + E, 'out:par']],
    ['say: a line of its own in place of the progress line', (p: ReturnType<typeof createProgress>) => p.say('isuops: interrupted'), ['err:' + E, 'err:isuops: interrupted\n', `err:${E}isuops: 1/3 hosts done`]],
    ['clear: erased for good', (p: ReturnType<typeof createProgress>) => (p.clear(), p.streams.stderr.write('sum\n')), ['err:' + E, 'err:sum\n']],
  ])('%s', (_name, act, expected) => {
    const { log, streams } = capture(true);
    const p = createProgress(streams, 3);
    p.handle(done('isu01'));
    log.length = 0;
    act(p);
    expect(log).toEqual(expected);
  });

  it('in a pipe: nothing drawn, writes untouched, say starts a new line', () => {
    const { log, streams } = capture(false);
    const p = createProgress(streams, 3);
    p.handle(done('isu01'));
    p.streams.stderr.write('isu02: x\n');
    p.say('isuops: interrupted');
    expect(log).toEqual(['err:isu02: x\n', 'err:\nisuops: interrupted\n']);
  });
});
