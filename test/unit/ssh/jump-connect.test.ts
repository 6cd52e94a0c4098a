// makeConnector's bookkeeping with a stand-in for the ssh connection (what crosses the wire is in
// test/e2e/bastion.test.ts): one connection per jump host, forwardOut's timeout, messages.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { Client } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { ConnectError, HostKeyError } from '../../../src/errors.js';
import type { ConnectOptions } from '../../../src/ssh/connect.js';
import { makeConnector } from '../../../src/ssh/jump-connect.js';
import type { JumpSpec, ResolvedHost } from '../../../src/ssh/types.js';

const makeHost = (name: string, proxyJump: JumpSpec[] = [], extra: Partial<ResolvedHost> = {}): ResolvedHost => ({
  name, alias: name, hostname: `10.0.0.${name.length}`, user: 'u', port: 22, identityFiles: [], identitiesOnly: false,
  userKnownHostsFiles: [], globalKnownHostsFiles: [], strictHostKeyChecking: 'yes', serverAliveInterval: 0, serverAliveCountMax: 3,
  proxyJump, ...extra,
});

/** A fake ssh2 client: forwardOut answers per `answer` (never, when undefined). */
function fakeClient(answer?: (dst: string) => Error | undefined) {
  const client = Object.assign(new EventEmitter(), {
    forwarded: [] as string[],
    ended: false,
    forwardOut(_sip: string, _sport: number, dst: string, port: number, cb: (err: Error | undefined, ch?: PassThrough) => void) {
      client.forwarded.push(`${dst}:${port}`);
      if (answer) setImmediate(() => { const err = answer(dst); cb(err, err ? undefined : new PassThrough()); });
    },
    end() { client.ended = true; },
  });
  return client;
}

function setup(opts: { bastion: () => ReturnType<typeof fakeClient> | Error }) {
  const calls: Array<{ host: string; viaSock: boolean }> = [];
  const bastions: ReturnType<typeof fakeClient>[] = [];
  const connector = makeConnector({
    resolveHop: (hop) => makeHost(hop.host, [], { hostname: '192.0.2.1' }),
    connectHost: async (host: ResolvedHost, o: ConnectOptions = {}) => {
      calls.push({ host: host.name, viaSock: o.sock !== undefined });
      if (host.name === 'bastion') {
        await new Promise((r) => setTimeout(r, 10));
        const b = opts.bastion();
        if (b instanceof Error) throw b;
        bastions.push(b);
        return b as unknown as Client;
      }
      return new EventEmitter() as unknown as Client;
    },
  });
  return { connector, calls, bastions };
}

describe('makeConnector', () => {
  it('one connection to the bastion carries every host', async () => {
    const { connector, calls, bastions } = setup({ bastion: () => fakeClient(() => undefined) });
    const hosts = Array.from({ length: 50 }, (_, i) => makeHost(`h${i}`, [{ host: 'bastion' }]));
    await Promise.all(hosts.map((h) => connector.connect(h, {})));
    expect(calls.filter((c) => c.host === 'bastion')).toHaveLength(1);
    expect(calls.filter((c) => c.host !== 'bastion' && c.viaSock)).toHaveLength(50);
    expect(bastions[0]!.forwarded).toHaveLength(50);
    connector.close();
    expect(bastions[0]!.ended).toBe(true);
  });

  it('a forward that never opens fails after the connect timeout, naming the bastion', async () => {
    const { connector } = setup({ bastion: () => fakeClient() });
    const t0 = Date.now();
    const err = await connector.connect(makeHost('web', [{ host: 'bastion' }]), { connectTimeout: 0.2 }).catch((e) => e);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(err).toBeInstanceOf(ConnectError);
    expect(err.level).toBe('client-timeout');
    expect(err.message).toBe('timed out after 0.2s: bastion did not open a connection to 10.0.0.3:22');
    connector.close();
  });

  it('a bastion that fails is named by every host and tried once', async () => {
    const { connector, calls } = setup({ bastion: () => new ConnectError('connection refused by 192.0.2.1:22', 'client-socket') });
    const errs = await Promise.all(['a', 'b', 'c'].map((n) => connector.connect(makeHost(n, [{ host: 'bastion' }]), {}).catch((e) => e)));
    expect(errs.map((e) => e.message)).toEqual(Array(3).fill('via bastion: connection refused by 192.0.2.1:22'));
    expect(calls.filter((c) => c.host === 'bastion')).toHaveLength(1);
  });

  it("a bastion's changed host key stays a HostKeyError (reconnecting would not help)", async () => {
    const { connector } = setup({ bastion: () => new HostKeyError('host key for 192.0.2.1 has changed') });
    const err = await connector.connect(makeHost('a', [{ host: 'bastion' }]), {}).catch((e) => e);
    expect(err).toBeInstanceOf(HostKeyError);
    expect(err.message).toBe('via bastion: host key for 192.0.2.1 has changed');
  });

  it('a lost bastion connection is forgotten: the next host connects again', async () => {
    const { connector, calls, bastions } = setup({ bastion: () => fakeClient(() => undefined) });
    await connector.connect(makeHost('a', [{ host: 'bastion' }]), {});
    bastions[0]!.emit('close');
    await connector.connect(makeHost('b', [{ host: 'bastion' }]), {});
    expect(calls.filter((c) => c.host === 'bastion')).toHaveLength(2);
    connector.close();
  });

  it('a host without ProxyJump or ProxyCommand connects directly', async () => {
    const { connector, calls } = setup({ bastion: () => fakeClient(() => undefined) });
    await connector.connect(makeHost('plain'), {});
    expect(calls).toEqual([{ host: 'plain', viaSock: false }]);
  });
});
