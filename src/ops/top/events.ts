import type { HostEvent } from '../events.js';
import type { TopSample } from './types.js';

/** One interval's figures of one host, as soon as its second snapshot arrived; `time` in ms. */
export interface TopSampleEvent {
  type: 'top-sample';
  host: string;
  time: number;
  sample: TopSample;
}

/** No sample has come from a host that should have sent several by now (repeated while it lasts). */
export interface TopSilentEvent {
  type: 'top-silent';
  host: string;
  silentMs: number;
}

/** What top reports: every HostEvent (connecting, retry, notice, done), samples and silences. */
export type TopEvent = HostEvent | TopSampleEvent | TopSilentEvent;

export type TopEmit = (event: TopEvent) => void;
