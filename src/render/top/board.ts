import type { TopEvent } from '../../ops/top/events.js';
import type { TopSample } from '../../ops/top/types.js';

/**
 * Where a host stands: waiting for its first figures, sending them, silent (connected but no
 * sample for a while), or down (being reached again, or given up).
 */
export type HostStatus = 'waiting' | 'live' | 'silent' | 'down';

/** One host as the views show it: its last figures, and what is wrong when something is. */
export interface HostView {
  host: string;
  status: HostStatus;
  sample?: TopSample;
  /** When the last sample came (ms). */
  sampleAt?: number;
  /** Why the host is silent or down. */
  problem?: string;
}

/** The fleet's latest state, fed with top's events; the table and the NDJSON read it. */
export class TopBoard {
  private readonly views = new Map<string, HostView>();

  constructor(hosts: readonly string[]) {
    for (const host of hosts) this.views.set(host, { host, status: 'waiting' });
  }

  handle(event: TopEvent): void {
    const view = this.views.get(event.host);
    if (!view) return;
    switch (event.type) {
      case 'top-sample':
        Object.assign(view, { status: 'live', sample: event.sample, sampleAt: event.time, problem: undefined });
        break;
      case 'top-silent':
        Object.assign(view, { status: 'silent', problem: `not answering for ${Math.round(event.silentMs / 1000)}s` });
        break;
      case 'retry':
        Object.assign(view, { status: 'down', problem: `${event.error}; retrying in ${(event.delayMs / 1000).toFixed(0)}s (attempt ${event.attempt})` });
        break;
      case 'notice':
        if (view.status === 'down') Object.assign(view, { status: 'waiting', problem: undefined });
        break;
      case 'done':
        if (!event.result.ok) Object.assign(view, { status: 'down', problem: event.result.error ?? event.result.status });
        break;
      default:
        break;
    }
  }

  /** Every host, in the order given. */
  list(): HostView[] {
    return [...this.views.values()];
  }
}
