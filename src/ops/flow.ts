/**
 * Back-pressure from the terminal to the hosts: when stdout cannot keep up, the renderer closes
 * the gate and channels pause (ssh's window then stops the remote writer) until it drains.
 * Without it, 200 hosts printing into `| less` would pile up in memory.
 */
export class FlowGate {
  private waiters: Array<() => void> = [];
  private closed = false;

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
  }

  open(): void {
    this.closed = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resume of waiters) resume();
  }

  /** Pauses `stream` when the gate is closed and resumes it once the gate opens. */
  throttle(stream: { pause(): unknown; resume(): unknown }): void {
    if (!this.closed) return;
    stream.pause();
    this.waiters.push(() => stream.resume());
  }
}
