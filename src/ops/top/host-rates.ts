import { computeSample, type RateOptions } from './rates.js';
import type { ProcCounters, ProcSnapshot, TopSample } from './types.js';

/**
 * One sampler run's memory: the last snapshot, and every process as last sent (the sampler
 * sends a process again only when its CPU time moved, and names those that ended).
 */
export class HostRates {
  private last: ProcSnapshot | undefined;
  private readonly procs = new Map<number, ProcCounters>();

  constructor(private readonly opts: RateOptions) {}

  /** Takes the next snapshot; returns the interval's figures once there are two. */
  push(snapshot: ProcSnapshot, gone: readonly number[] = []): TopSample | undefined {
    const sample = this.last ? computeSample(this.last, snapshot, this.opts, this.procs) : undefined;
    for (const pid of gone) this.procs.delete(pid);
    for (const p of snapshot.procs) this.procs.set(p.pid, p);
    this.last = snapshot;
    return sample;
  }
}
