// Copyright the dexpect authors. MIT license.
/**
 * On-demand reading with at most one outstanding `read()`.
 *
 * A read is started only when a caller waits for data. If the caller stops waiting (a
 * timeout, an abort), the read stays pending and is handed to the next caller, so no chunk
 * is ever lost and nothing reads in the background.
 *
 * @module
 */

/** What a read produced. */
export type ReadOutcome =
  | { readonly kind: "data"; readonly value: Uint8Array }
  | { readonly kind: "end" }
  | { readonly kind: "error"; readonly error: unknown };

const END: ReadOutcome = { kind: "end" };

/** The part of a channel that says whether an outstanding read keeps the process alive. */
export interface KeepAlive {
  ref?(): void;
  unref?(): void;
}

export class Pump {
  readonly #readable: ReadableStream<Uint8Array>;
  readonly #keepAlive: KeepAlive;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #pending: Promise<ReadOutcome> | undefined;
  #closed = false;
  readonly #readNow: (() => Uint8Array | undefined) | undefined;

  /** `readNow` is the channel's optional synchronous read (see `Channel.readNow`). */
  constructor(
    readable: ReadableStream<Uint8Array>,
    keepAlive: KeepAlive = {},
    readNow?: () => Uint8Array | undefined,
  ) {
    this.#readable = readable;
    this.#keepAlive = keepAlive;
    this.#readNow = readNow;
  }

  /**
   * A chunk read at once through the channel's fast path, or `undefined` when there is none
   * (no fast path, a read outstanding, closed, nothing there now): then use {@link next}.
   */
  readNow(): ReadOutcome | undefined {
    if (this.#readNow === undefined || this.#pending !== undefined || this.#closed) {
      return undefined;
    }
    // The stream stays locked, so nobody else can read the chunk that comes next.
    this.#reader ??= this.#readable.getReader();
    const value = this.#readNow();
    return value === undefined ? undefined : { kind: "data", value };
  }

  /** Whether a read is outstanding. */
  get pending(): boolean {
    return this.#pending !== undefined;
  }

  /**
   * The outstanding read, starting one if needed. The promise never rejects. Call
   * {@link take} once its outcome has been used.
   */
  next(): Promise<ReadOutcome> {
    if (this.#pending !== undefined) {
      this.#keepAlive.ref?.();
      return this.#pending;
    }
    if (this.#closed) return Promise.resolve(END);
    this.#reader ??= this.#readable.getReader();
    this.#pending = this.#reader.read().then(
      (r): ReadOutcome => r.done ? END : { kind: "data", value: r.value },
      (error): ReadOutcome => ({ kind: "error", error }),
    );
    return this.#pending;
  }

  /** Marks the outstanding read as used. */
  take(): void {
    this.#pending = undefined;
  }

  /** The caller stopped waiting: the outstanding read no longer keeps the process alive. */
  idle(): void {
    if (this.#pending !== undefined) this.#keepAlive.unref?.();
  }

  /** Cancels the stream (resolving any outstanding read) and releases it. Idempotent. */
  async close(reason?: unknown): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const reader = this.#reader;
    this.#reader = undefined;
    try {
      if (reader !== undefined) {
        await reader.cancel(reason);
        await this.#pending;
        reader.releaseLock();
      } else if (!this.#readable.locked) {
        await this.#readable.cancel(reason);
      }
    } catch {
      // The source failed while cancelling: it is released all the same.
    }
    this.#pending = undefined;
  }
}
