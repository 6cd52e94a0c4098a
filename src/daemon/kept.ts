import type { Connector } from '../ssh/jump-connect.js';
import { formatJumpRoute, type JumpHop } from '../ssh/jump-route.js';
import { SshConnection } from '../ssh/connection.js';
import type { ResolvedHost } from '../ssh/types.js';
import type { KeptStatus, OpenSessionRequest, Persist } from './types.js';
import { debug } from '../core/debug.js';


/**
 * One kept connection: made on the first run that needs it, shared by every run whose host
 * resolves to the same key, closed `persist` seconds after its last run let go of it.
 */
export class KeptConnection {
  readonly createdAt = Date.now();
  lastUsed = Date.now();
  runs = 0;
  persist: Persist;
  /** What connecting warned about (a stale agent socket): told to every run that uses it, as a direct run would be told. */
  readonly warnings: string[] = [];
  private conn?: SshConnection;
  private connecting?: Promise<SshConnection>;
  private idleTimer?: NodeJS.Timeout;

  constructor(
    readonly key: string,
    readonly host: ResolvedHost,
    readonly route: JumpHop | undefined,
    persist: Persist,
    private readonly connector: Connector,
    private readonly onGone: (kept: KeptConnection) => void,
    private readonly onLost: (kept: KeptConnection, reason: string) => void,
  ) {
    this.persist = persist;
  }

  /** The live connection, if there is one now. */
  get current(): SshConnection | undefined {
    return this.conn && !this.conn.lost ? this.conn : undefined;
  }

  /** The connection, made (once, shared by those asking at the same time) when there is none. */
  ready(connectTimeout: number | undefined): Promise<SshConnection> {
    const live = this.current;
    if (live) return Promise.resolve(live);
    this.connecting ??= this.connector.connectVia(this.host, this.route, { connectTimeout, warn: (m) => this.warnings.push(m) }).then(
      (client) => {
        this.connecting = undefined;
        const conn = new SshConnection(client);
        this.conn = conn;
        // the next exec on it waits for one round trip, not two
        conn.keepSpare();
        debug('kept %s: connected', this.label());
        conn.onLost((reason) => {
          debug('kept %s: lost (%s)', this.label(), reason);
          if (this.conn === conn) this.onLost(this, reason);
          if (this.conn === conn && this.runs === 0) this.close();
        });
        return conn;
      },
      (err: Error) => {
        this.connecting = undefined;
        throw err;
      },
    );
    return this.connecting;
  }

  /** Drops the connection as dead (no bytes came back in time): the next ready() makes a new one. */
  markDead(conn: SshConnection): void {
    if (this.conn !== conn) return;
    debug('kept %s: no answer on the kept connection: replacing it', this.label());
    conn.destroy();
  }

  /** Whether a run may take it: the connection is live or being made. */
  get usable(): boolean {
    return this.connecting !== undefined || this.current !== undefined;
  }

  acquire(persist: Persist): void {
    this.runs += 1;
    this.persist = persist;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  release(): void {
    this.runs = Math.max(0, this.runs - 1);
    this.lastUsed = Date.now();
    if (this.runs > 0) return;
    if (!this.current && !this.connecting) {
      this.close();
      return;
    }
    if (this.persist === 'yes') return;
    this.idleTimer = setTimeout(() => this.close(), this.persist * 1000);
    this.idleTimer.unref?.();
  }

  close(): void {
    clearTimeout(this.idleTimer);
    const conn = this.conn;
    this.conn = undefined;
    conn?.end();
    this.onGone(this);
  }

  label(): string {
    return `${this.host.user}@${this.host.hostname}:${this.host.port}`;
  }

  status(now: number): KeptStatus {
    const jump = this.route ? formatJumpRoute(this.route) : this.host.proxyCommand ? `ProxyCommand ${this.host.proxyCommand}` : null;
    return {
      user: this.host.user,
      address: this.host.hostname,
      port: this.host.port,
      jump,
      ageMs: now - this.createdAt,
      idleMs: this.runs > 0 ? 0 : now - this.lastUsed,
      channels: (this.current?.busy ?? 0) - (this.current?.spares ?? 0) - (this.current?.sftpKeeper.count ?? 0),
      spare: this.current?.spares ?? 0,
      sftp: this.current?.sftpKeeper.count ?? 0,
      runs: this.runs,
      persist: this.persist,
    };
  }
}

/** Every kept connection of the daemon, by key. */
export class KeptRegistry {
  private readonly byKey = new Map<string, KeptConnection>();

  constructor(
    private readonly connector: Connector,
    private readonly onEmpty: () => void,
    private readonly onLost: (kept: KeptConnection, reason: string) => void,
  ) {}

  get size(): number {
    return this.byKey.size;
  }

  /** The kept connection for a run's host (a new one when none is usable), taken by that run. */
  take(req: OpenSessionRequest): KeptConnection {
    let kept = this.byKey.get(req.key);
    if (kept && !kept.usable && kept.runs === 0) {
      kept.close();
      kept = undefined;
    }
    if (!kept) {
      kept = new KeptConnection(req.key, req.host, req.route ?? undefined, req.persist, this.connector, (k) => this.forget(k), this.onLost);
      this.byKey.set(req.key, kept);
    }
    kept.acquire(req.persist);
    return kept;
  }

  private forget(kept: KeptConnection): void {
    if (this.byKey.get(kept.key) !== kept) return;
    this.byKey.delete(kept.key);
    if (this.byKey.size === 0) this.onEmpty();
  }

  /** Whether `key` has a connection that is up now (a warm worker takes only runs whose every host has one). */
  isLive(key: string): boolean {
    return this.byKey.get(key)?.current !== undefined;
  }

  list(): KeptConnection[] {
    return [...this.byKey.values()];
  }

  closeAll(): void {
    for (const kept of this.list()) kept.close();
  }
}
