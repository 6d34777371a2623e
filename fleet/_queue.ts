// Copyright the dexpect authors. MIT license.
// A bounded queue between the batch's workers and its consumer: a worker waits for room, so a
// slow consumer slows the batch down instead of letting results pile up.

/** A FIFO of at most `capacity` items; `push` waits for room, `shift` for an item or the end. */
export class ResultQueue<T> {
  readonly #capacity: number;
  readonly #items: T[] = [];
  readonly #roomWaiters: (() => void)[] = [];
  #itemWaiter: (() => void) | undefined;
  #ended = false;
  #discarding = false;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Adds `item`, waiting while the queue is full; dropped once `discard()` was called. */
  async push(item: T): Promise<void> {
    while (this.#items.length >= this.#capacity && !this.#discarding) {
      await new Promise<void>((resolve) => this.#roomWaiters.push(resolve));
    }
    if (this.#discarding) return;
    this.#items.push(item);
    this.#wakeConsumer();
  }

  /** The next item, or `undefined` once the queue ended and is empty. */
  async shift(): Promise<T | undefined> {
    while (this.#items.length === 0) {
      if (this.#ended) return undefined;
      await new Promise<void>((resolve) => (this.#itemWaiter = resolve));
    }
    const item = this.#items.shift();
    this.#roomWaiters.shift()?.();
    return item;
  }

  /** No more items will be pushed. */
  end(): void {
    this.#ended = true;
    this.#wakeConsumer();
  }

  /** Drops what is queued and every later push; wakes every waiter. */
  discard(): void {
    this.#discarding = true;
    this.#items.length = 0;
    for (const wake of this.#roomWaiters.splice(0)) wake();
    this.end();
  }

  #wakeConsumer(): void {
    const wake = this.#itemWaiter;
    this.#itemWaiter = undefined;
    wake?.();
  }
}
