import { describe, expect, it } from 'vitest';
import { takesSessionSignals } from '../../../src/ssh/server-software.js';

// OpenSSH's sshd turns a "signal" channel request into killpg() from 7.9 (session.c, session_signal_req).
describe('takesSessionSignals', () => {
  it.each([
    ['OpenSSH_9.2p1', true],
    ['OpenSSH_7.9', true],
    ['OpenSSH_7.9p1', true],
    ['OpenSSH_10.0p2', true],
    ['OpenSSH_8.0', true],
    ['OpenSSH_7.8p1', false],
    ['OpenSSH_6.6.1p1', false],
    ['OpenSSH_for_Windows_9.5', false],
    ['dropbear_2022.83', false],
    ['libssh_0.10.6', false],
    ['', false],
    [undefined, false],
  ])('%s: %s', (software, expected) => {
    expect(takesSessionSignals(software)).toBe(expected);
  });
});
