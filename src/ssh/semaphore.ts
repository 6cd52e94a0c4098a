/** A counting semaphore: at most `size` holders at once, the rest wait in order. */
export class Semaphore {
  private waiting: Array<() => void> = [];
  private used = 0;

  constructor(private readonly size: number) {}

  /** Slots taken right now. */
  get held(): number {
    return this.used;
  }

  /** Callers waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  async acquire(): Promise<() => void> {
    if (this.used < this.size) {
      this.used += 1;
    } else {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.used -= 1;
    };
  }
}
