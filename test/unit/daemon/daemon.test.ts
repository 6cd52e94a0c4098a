import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { daemonPaths } from '../../../src/daemon/paths.js';
import { decodeWithBytes, encodeFrame, encodeWithBytes, FrameReader } from '../../../src/daemon/protocol.js';
import { hostForDaemon, keptConnectionKey } from '../../../src/daemon/transport.js';
import type { ResolvedHost } from '../../../src/ssh/types.js';
import { defaultPersist } from '../../../src/transport/choose.js';

const base: ResolvedHost = {
  name: 'isu01',
  alias: 'isu01',
  hostname: '10.0.0.1',
  user: 'isucon',
  port: 22,
  identityFiles: ['/home/u/.ssh/id_ed25519'],
  identitiesOnly: false,
  identityAgent: '/run/agent.sock',
  userKnownHostsFiles: ['/home/u/.ssh/known_hosts'],
  globalKnownHostsFiles: ['/etc/ssh/ssh_known_hosts'],
  strictHostKeyChecking: 'accept-new',
  serverAliveInterval: 0,
  serverAliveCountMax: 3,
  proxyJump: [],
};

describe('keptConnectionKey: what makes two runs share a kept connection', () => {
  // prettier-ignore
  it.each<[string, Partial<ResolvedHost>, boolean]>([
    ['another name for the same host', { name: 'web' }, true],
    ['another ControlPersist', { controlPersist: 5 }, true],
    ['another connect timeout', { connectTimeout: 3 }, true],
    ['another user', { user: 'root' }, false],
    ['another address', { hostname: '10.0.0.2' }, false],
    ['another port', { port: 2222 }, false],
    ['another identity file', { identityFiles: ['/tmp/k'] }, false],
    ['IdentitiesOnly', { identitiesOnly: true }, false],
    ['another agent', { identityAgent: '/tmp/other.sock' }, false],
    ['other known_hosts', { userKnownHostsFiles: ['/tmp/kh'] }, false],
    ['StrictHostKeyChecking', { strictHostKeyChecking: 'yes' }, false],
    ['HostKeyAlias', { hostKeyAlias: 'x' }, false],
    ['the alias (known_hosts name)', { alias: '10.0.0.1' }, false],
    ['a ProxyCommand', { proxyCommand: 'nc %h %p' }, false],
    ['ServerAliveCountMax', { serverAliveCountMax: 7 }, false],
  ])('%s: shared=%s', (_what, change, shared) => {
    expect(keptConnectionKey({ ...base, ...change }, undefined) === keptConnectionKey(base, undefined)).toBe(shared);
  });

  it('another jump chain is another connection', () => {
    const hop = { key: 'bastion-a', label: 'bastion', host: base };
    expect(keptConnectionKey(base, hop)).not.toBe(keptConnectionKey(base, undefined));
    expect(keptConnectionKey(base, hop)).not.toBe(keptConnectionKey(base, { ...hop, key: 'bastion-b' }));
  });

  it('takes the agent from SSH_AUTH_SOCK when the config names none, and none when there is none', () => {
    const { identityAgent: _a, ...noAgent } = base;
    expect(hostForDaemon(noAgent, { SSH_AUTH_SOCK: '/tmp/a' }).identityAgent).toBe('/tmp/a');
    expect(hostForDaemon(noAgent, {}).identityAgent).toBe('none');
    expect(hostForDaemon({ ...base, identityAgent: 'SSH_AUTH_SOCK' }, { SSH_AUTH_SOCK: '/tmp/b' }).identityAgent).toBe('/tmp/b');
    expect(hostForDaemon(base, { SSH_AUTH_SOCK: '/tmp/a' }).identityAgent).toBe('/run/agent.sock');
  });
});

describe('defaultPersist (ISUOPS_CONTROL_PERSIST)', () => {
  // prettier-ignore
  it.each<[string | undefined, number | 'yes' | 'no']>([
    [undefined, 600], ['', 600], ['no', 'no'], ['yes', 'yes'], ['0', 'yes'], ['30', 30], ['10m', 600],
  ])('%s -> %s', (text, want) => {
    expect(defaultPersist(text === undefined ? {} : { ISUOPS_CONTROL_PERSIST: text })).toBe(want);
  });
  it('refuses a bad value', () => {
    expect(() => defaultPersist({ ISUOPS_CONTROL_PERSIST: 'soon' })).toThrow(/ControlPersist/);
  });
});

describe('frames', () => {
  it('come out whole and in order however the stream is cut', () => {
    const frames = [encodeFrame(2, 7, { a: 1 }), encodeFrame(25, 8, Buffer.from('x'.repeat(70000))), encodeFrame(6, 9)];
    const all = Buffer.concat(frames);
    for (const cut of [1, 3, 9, 100, 65536, all.length]) {
      const got: Array<[number, number, number]> = [];
      const reader = new FrameReader((kind, id, payload) => got.push([kind, id, payload.length]));
      for (let off = 0; off < all.length; off += cut) reader.push(all.subarray(off, off + cut));
      expect(got).toEqual([[2, 7, 7], [25, 8, 70000], [6, 9, 0]]);
    }
  });
  it('carry a JSON head and raw bytes together', () => {
    const { head, bytes } = decodeWithBytes<{ op: string }>(encodeWithBytes({ op: 'putBuffer' }, Buffer.from([0, 255, 10])));
    expect(head).toEqual({ op: 'putBuffer' });
    expect([...bytes]).toEqual([0, 255, 10]);
  });
});

describe('daemonPaths', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'isuops-paths-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('uses $XDG_RUNTIME_DIR/isuops (0700) when it is ours', () => {
    const p = daemonPaths({ XDG_RUNTIME_DIR: tmp, HOME: tmp })!;
    expect(p.dir).toBe(path.join(tmp, 'isuops'));
    expect(p.socket.startsWith(p.dir)).toBe(true);
  });

  it('keeps the socket path under 108 bytes whatever HOME is', () => {
    const longHome = path.join(tmp, 'h'.repeat(120));
    mkdirSync(longHome, { recursive: true });
    const p = daemonPaths({ HOME: longHome })!;
    expect(Buffer.byteLength(p.socket)).toBeLessThan(108);
    expect(p.dir).toBe(`/tmp/isuops-${process.getuid!()}`);
  });

  it('ignores a runtime dir that is not ours', () => {
    const p = daemonPaths({ XDG_RUNTIME_DIR: 'relative/dir', HOME: tmp })!;
    expect(p.dir).toBe(path.join(tmp, '.isuops', 'run'));
  });
});
