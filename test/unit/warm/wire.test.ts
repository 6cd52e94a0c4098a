import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameReader, Kind } from '../../../src/daemon/protocol.js';
import { mayTryWarm, parseWarmRun, type WarmRunRequest } from '../../../src/warm/wire.js';

const argv = (...words: string[]): string[] => ['/usr/bin/node', '/x/bin/isuops', ...words];

describe('mayTryWarm: whether the client offers a run to a worker at all', () => {
  it.each([
    [argv('exec', 'hostname'), {}, true],
    [argv('push', 'a'), {}, true],
    [argv('pull', '/a'), {}, true],
    [argv('tail', 'nginx'), {}, true],
    [argv('top'), {}, false],
    [argv('hosts'), {}, false],
    [argv('daemon', 'status'), {}, false],
    [argv('--version'), {}, false],
    [argv(), {}, false],
    [argv('exec', 'true'), { ISUOPS_WARM: 'no' }, false],
    [argv('exec', 'true'), { ISUOPS_CONTROL_PERSIST: 'no' }, false],
    [argv('exec', 'true'), { ISUOPS_CONTROL_PERSIST: 'false' }, false],
    [argv('exec', 'true'), { ISUOPS_CONTROL_PERSIST: '600' }, true],
    [argv('exec', '-o', 'ControlPersist=no', 'true'), {}, false],
    [argv('exec', '-o', 'controlpersist no', 'true'), {}, false],
    [argv('exec', '-oControlPersist=no', 'true'), {}, false],
    [argv('exec', '--option=ControlPersist=false', 'true'), {}, false],
    [argv('exec', '--option', 'ControlPersist = no', 'true'), {}, false],
    [argv('exec', '-o', 'ControlPersist=10m', 'true'), {}, true],
    // bytes that are not UTF-8 are read again from /proc/self/cmdline: only the client's own process has them
    [argv('exec', 'cat caf\ufffd'), {}, false],
    // after `--` it is the remote command's text, not an option
    [argv('exec', '--', '-o', 'ControlPersist=no'), {}, true],
  ])('%j %j -> %s', (args, env, want) => {
    expect(mayTryWarm(args, env)).toBe(want);
  });
});

describe('the WARM_RUN frame', () => {
  const req: WarmRunRequest = {
    token: 'a'.repeat(64),
    build: '0123456789ab',
    argv: argv('exec', '-H', 'isu01', 'printf "%s\\n" \u00e9 \u{1F600} \ud800'),
    cwd: '/tmp/dir with spaces',
    env: { HOME: '/root', EMPTY: '', 'WEIRD=NAME?': 'a\nb', NUL_FREE: '\u0001\u007f' },
    umask: 0o027,
    stdin: { isTTY: false },
    stdout: { isTTY: true },
    stderr: { isTTY: false },
  };

  it('argv, cwd, environment, umask and the streams come through whole, split anywhere', () => {
    const frame = encodeFrame(Kind.warmRun, 0, req);
    for (const cut of [1, 4, 9, 10, frame.length - 1]) {
      const got: WarmRunRequest[] = [];
      const reader = new FrameReader((kind, _id, payload) => {
        expect(kind).toBe(Kind.warmRun);
        got.push(parseWarmRun(payload)!);
      });
      reader.push(frame.subarray(0, cut));
      reader.push(frame.subarray(cut));
      expect(got).toEqual([req]);
    }
  });

  it.each([
    ['not JSON', Buffer.from('{')],
    ['no token', Buffer.from(JSON.stringify({ ...req, token: undefined }))],
    ['argv not strings', Buffer.from(JSON.stringify({ ...req, argv: [1] }))],
    ['an env value not a string', Buffer.from(JSON.stringify({ ...req, env: { A: 1 } }))],
    ['no umask', Buffer.from(JSON.stringify({ ...req, umask: '022' }))],
    ['a stream without isTTY', Buffer.from(JSON.stringify({ ...req, stdout: {} }))],
    ['null', Buffer.from('null')],
  ])('refused: %s', (_what, payload) => {
    expect(parseWarmRun(payload)).toBeUndefined();
  });
});
