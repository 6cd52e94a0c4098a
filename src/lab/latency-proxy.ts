/**
 * The lab's latency proxy (`lab up --latency RTT`), one Node process for every host: it listens
 * in front of each host's sshd and delays every byte by RTT/2 in each direction, in order, FIN
 * included (this kernel has no netem). No bandwidth cap: a direction's queue only pauses its
 * source past 8 MiB. Self-contained (it only uses the `require` it is given), because the lab
 * writes its source text into LAB/latency-proxy.cjs and runs that file:
 * `node LAB/latency-proxy.cjs LAB/latency-proxy.json`. The config is
 * `{delayMs, routes: [{listen: {host, port}, target: {host, port}}]}` (port 0: any free one);
 * once every listener is up it prints `ready PORT...` (the ports, in route order) on stdout.
 * It counts, per route, the connections and the round trips that clients waited for (a reply
 * from the server after the client sent something: a turn); on SIGUSR2 it writes them to
 * `<config>.stats` as `{at, routes: [{connections, turns, bytesUp, bytesDown}]}`. A route whose
 * sshd is stopped (the lab's stop-host) is listed in `<config>.down` (`["address:port", ...]`,
 * the listen sides): on SIGHUP it stops listening there, as a host with no sshd
 * refuses connections, and listens again once the route is no longer listed.
 */
export function latencyProxyMain(req: (id: string) => unknown, configFile: string): void {
  type Sock = import('node:net').Socket;
  const net = req('node:net') as typeof import('node:net');
  const fs = req('node:fs') as typeof import('node:fs');
  const config = JSON.parse(fs.readFileSync(configFile, 'utf8')) as {
    delayMs: number;
    routes: { listen: { host: string; port: number }; target: { host: string; port: number } }[];
  };
  const delayMs = config.delayMs;
  const stats = config.routes.map(() => ({ connections: 0, turns: 0, bytesUp: 0, bytesDown: 0 }));
  process.on('SIGUSR2', () => {
    const file = `${configFile}.stats`;
    fs.writeFileSync(`${file}.tmp`, JSON.stringify({ at: Date.now(), routes: stats }));
    fs.renameSync(`${file}.tmp`, file);
  });
  const HIGH = 8 * 1024 * 1024;
  const now = () => performance.now();

  /** Bytes read from `from` are written to `to` delayMs later, in order; so is the end. */
  const delay = (from: Sock, to: Sock, onData: (bytes: number) => void): void => {
    const queue: { buf: Buffer; due: number }[] = [];
    let queued = 0;
    let ended = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = (due: number) => {
      timer ??= setTimeout(flush, Math.max(0, due - now()));
    };
    const flush = () => {
      timer = undefined;
      // a timer may fire a little early: half a millisecond of slack
      while (queue.length > 0 && queue[0]!.due <= now() + 0.5) {
        const c = queue.shift()!;
        queued -= c.buf.length;
        if (!to.destroyed) to.write(c.buf);
      }
      if (queue.length > 0) schedule(queue[0]!.due);
      else if (ended && !to.destroyed) to.end();
      if (queued + to.writableLength < HIGH && from.isPaused()) from.resume();
    };
    from.on('data', (buf: Buffer) => {
      onData(buf.length);
      queue.push({ buf, due: now() + delayMs });
      queued += buf.length;
      if (queued + to.writableLength > HIGH) from.pause();
      schedule(queue[0]!.due);
    });
    from.on('end', () => {
      ended = true;
      schedule(queue.length > 0 ? queue[0]!.due : now() + delayMs);
    });
    to.on('drain', () => {
      if (queued + to.writableLength < HIGH && from.isPaused()) from.resume();
    });
  };

  const ports: number[] = new Array(config.routes.length).fill(0);
  const servers: (import('node:net').Server | undefined)[] = new Array(config.routes.length).fill(undefined);
  let listening = 0;
  const readDown = (): string[] => {
    try {
      return JSON.parse(fs.readFileSync(`${configFile}.down`, 'utf8')) as string[];
    } catch {
      return [];
    }
  };
  const listen = (i: number) => {
    const route = config.routes[i]!;
    // half-open: each side's FIN travels (late) on its own; the other direction goes on
    const server = net.createServer({ allowHalfOpen: true }, (client) => {
      const upstream = net.connect({ host: route.target.host, port: route.target.port, allowHalfOpen: true });
      client.setNoDelay(true);
      upstream.setNoDelay(true);
      // a failed side resets the other (as a refused or dropped connection would look)
      const kill = () => {
        client.resetAndDestroy();
        upstream.resetAndDestroy();
      };
      client.on('error', kill);
      upstream.on('error', kill);
      client.on('close', (hadError) => hadError && kill());
      upstream.on('close', (hadError) => hadError && kill());
      const st = stats[i]!;
      st.connections++;
      // a turn: the server answers after the client last sent (its banner, unasked, is none)
      let asked = false;
      delay(client, upstream, (bytes) => {
        st.bytesUp += bytes;
        asked = true;
      });
      delay(upstream, client, (bytes) => {
        st.bytesDown += bytes;
        if (asked) st.turns++;
        asked = false;
      });
    });
    const again = ports[i] !== 0;
    server.on('error', (e) => {
      process.stderr.write(`latency proxy: ${route.listen.host}:${route.listen.port}: ${e.message}\n`);
      if (!again) process.exit(1);
      servers[i] = undefined;
    });
    servers[i] = server;
    server.listen({ host: route.listen.host, port: again ? ports[i] : route.listen.port }, () => {
      if (again) return;
      ports[i] = (server.address() as { port: number }).port;
      if (++listening === config.routes.length) process.stdout.write(`ready ${ports.join(' ')}\n`);
    });
  };
  config.routes.forEach((_route, i) => listen(i));
  // a stopped host's route: no listener (connections refused), until it is started again; the
  // proxy lives on with every route down (till lab down stops it)
  setInterval(() => undefined, 2 ** 30);
  process.on('SIGHUP', () => {
    const down = readDown();
    config.routes.forEach((route, i) => {
      if (ports[i] === 0) return;
      const isDown = down.includes(`${route.listen.host}:${ports[i]}`);
      if (isDown && servers[i]) {
        servers[i]!.close();
        servers[i] = undefined;
      } else if (!isDown && !servers[i]) {
        listen(i);
      }
    });
  });
}

/** The text of LAB/latency-proxy.cjs. */
export function renderLatencyProxyScript(): string {
  return `// isuops lab latency proxy: written by isuops lab up (src/lab/latency-proxy.ts)\n(${latencyProxyMain.toString()})(require, process.argv[2]);\n`;
}
