// The lab's latency proxy, run as the lab runs it (its script file under node), in front of an
// echo server: every round trip takes the RTT, bytes keep their order, a FIN travels too.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { parseLatency, renderProxyConfig } from '../../../src/lab/latency.js';
import { renderLatencyProxyScript } from '../../../src/lab/latency-proxy.js';

const RTT = 40;
let echo: net.Server;
let proxy: ChildProcess;
let proxyPort: number;
let echoPort: number;
let dir: string;

beforeAll(async () => {
  echo = net.createServer({ allowHalfOpen: true }, (s) => {
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as net.AddressInfo).port;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isuops-latency-'));
  fs.writeFileSync(path.join(dir, 'proxy.cjs'), renderLatencyProxyScript());
  fs.writeFileSync(path.join(dir, 'proxy.json'), renderProxyConfig([{ name: 'h', address: '127.0.0.1', port: echoPort }], RTT, { h: 0 }));
  proxy = spawn(process.execPath, [path.join(dir, 'proxy.cjs'), path.join(dir, 'proxy.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) => proxy.stdout!.once('data', (d) => resolve(String(d))));
  expect(line).toMatch(/^ready \d+\n$/);
  proxyPort = Number(line.split(' ')[1]);
});

afterAll(() => {
  proxy?.kill('SIGKILL');
  echo?.close();
});

const connect = (port: number) =>
  new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => resolve(s));
    s.setNoDelay(true);
    s.once('error', reject);
  });

/** Milliseconds of each of n sequential one-byte round trips. */
async function timeRoundTrips(port: number, n: number): Promise<number[]> {
  const s = await connect(port);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      s.once('data', () => resolve());
      s.write('x');
    });
    times.push(performance.now() - t0);
  }
  s.destroy();
  return times;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('latency proxy', () => {
  it(`adds the RTT (${RTT} ms) to every round trip, and no more than scheduling noise`, async () => {
    const direct = await timeRoundTrips(echoPort, 10);
    const proxied = await timeRoundTrips(proxyPort, 10);
    // each way is delayed RTT/2: no round trip can be shorter than the RTT
    expect(Math.min(...proxied)).toBeGreaterThanOrEqual(RTT - 1);
    expect(median(proxied)).toBeLessThan(RTT + 30);
    expect(median(proxied) - median(direct)).toBeGreaterThanOrEqual(RTT - 1);
  });

  it('counts the round trips clients waited for (SIGUSR2 writes them)', async () => {
    const read = async () => {
      const file = path.join(dir, 'proxy.json.stats');
      const sent = Date.now();
      proxy.kill('SIGUSR2');
      for (;;) {
        await new Promise((r) => setTimeout(r, 10));
        try {
          const stats = JSON.parse(fs.readFileSync(file, 'utf8'));
          if (stats.at >= sent) return stats.routes[0];
        } catch {}
      }
    };
    const before = await read();
    await timeRoundTrips(proxyPort, 7);
    const after = await read();
    expect([after.connections - before.connections, after.turns - before.turns, after.bytesUp - before.bytesUp]).toEqual([1, 7, 7]);
  });

  it('keeps the order of many small writes and of a large one, and passes the FIN on after the data', async () => {
    const s = await connect(proxyPort);
    const chunks = Array.from({ length: 3000 }, (_, i) => `${i},`);
    const big = Buffer.alloc(3 * 1024 * 1024, 'y');
    const got: Buffer[] = [];
    const ended = new Promise<void>((resolve) => s.on('end', () => resolve()));
    s.on('data', (d: Buffer) => got.push(d));
    for (const c of chunks) s.write(c);
    s.write(big);
    s.end('last');
    await ended;
    expect(Buffer.concat(got).equals(Buffer.concat([Buffer.from(chunks.join('')), big, Buffer.from('last')]))).toBe(true);
    s.destroy();
  });

  it('resets the client when its target refuses', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isuops-latency-'));
    // A port that was just free, on an address of its own: on 127.0.0.1 another test running at the
    // same time could take it again.
    const address = `127.253.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, address, r));
    const deadPort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    fs.writeFileSync(path.join(dir, 'p.cjs'), renderLatencyProxyScript());
    fs.writeFileSync(path.join(dir, 'p.json'), renderProxyConfig([{ name: 'h', address, port: deadPort }], 10, { h: 0 }));
    const p = spawn(process.execPath, [path.join(dir, 'p.cjs'), path.join(dir, 'p.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const port = Number(String(await new Promise((resolve) => p.stdout!.once('data', resolve))).split(' ')[1]);
      // the reset may come before the connect completes here (a loaded machine): either way a reset
      const s = net.connect({ host: address, port, allowHalfOpen: true });
      const error = await new Promise<string>((resolve) => {
        s.on('error', (e) => resolve(e.message));
        s.on('end', () => resolve('end'));
      });
      expect(error).toMatch(/ECONNRESET/);
    } finally {
      p.kill('SIGKILL');
    }
  });

  it('stops listening on a route listed in <config>.down (SIGHUP): refused, as a host with no sshd; listens again once unlisted', async () => {
    const downFile = path.join(dir, 'proxy.json.down');
    const refused = (): Promise<boolean> =>
      new Promise((resolve) => {
        const s = net.connect({ host: '127.0.0.1', port: proxyPort });
        s.once('connect', () => {
          s.destroy();
          resolve(false);
        });
        s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
      });
    const settle = async (want: boolean): Promise<boolean> => {
      for (let i = 0; i < 100 && (await refused()) !== want; i++) await new Promise((r) => setTimeout(r, 10));
      return refused();
    };
    fs.writeFileSync(downFile, JSON.stringify([`127.0.0.1:${proxyPort}`]));
    proxy.kill('SIGHUP');
    expect(await settle(true)).toBe(true);
    fs.writeFileSync(downFile, '[]');
    proxy.kill('SIGHUP');
    expect(await settle(false)).toBe(false);
    // and it still carries bytes
    expect((await timeRoundTrips(proxyPort, 1))[0]).toBeGreaterThanOrEqual(RTT - 1);
  });
});

describe('parseLatency', () => {
  it.each([
    ['20ms', 20],
    ['20', 20],
    ['0.05s', 50],
    ['1s', 1000],
    ['0', 0],
    ['2.5ms', 2.5],
  ])('%s -> %d ms', (text, ms) => expect(parseLatency(text)).toBe(ms));
  it.each(['', 'fast', '-5ms', '20us', '11s', '1e3'])('refuses "%s"', (text) => expect(() => parseLatency(text)).toThrow(UsageError));
});
