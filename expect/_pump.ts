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

// Lent buffers (byte streams, see `Pump`) start small, so an idle session holds little, and
// double while reads fill them.
const MIN_LEND = 1024;
const MAX_LEND = 256 * 1024;

/** The part of a channel that says whether an outstanding read keeps the process alive. */
export interface KeepAlive {
  ref?(): void;
  unref?(): void;
}

/**
 * The reads of one channel. With `lend` (text sessions), a byte stream (`type: "bytes"`) is
 * read with a BYOB reader into a buffer of ours: a caller that has used a chunk up (decoded
 * it) gives it back with {@link Pump.giveBack}, and the next read goes into the same memory,
 * so a session reading text allocates no buffer per read. A read may also ask to be lent
 * memory on its own (`next(true)`, `readInto`): the reader then switches mode between reads.
 * Other streams are read as they are.
 */
export class Pump {
  readonly #readable: ReadableStream<Uint8Array>;
  readonly #keepAlive: KeepAlive;
  readonly #lend: boolean;
  #reader: ReadableStreamDefaultReader<Uint8Array> | ReadableStreamBYOBReader | undefined;
  #byob = false;
  /** Whether the stream takes BYOB readers (unknown until tried). */
  #byobCapable: boolean | undefined;
  #spare: ArrayBuffer | null = null;
  /** The memory of the last lent read: the only chunk `giveBack` takes. */
  #lentOut: ArrayBuffer | null = null;
  #lendSize = MIN_LEND;
  #pending: Promise<ReadOutcome> | undefined;
  #closed = false;
  readonly #readNow: (() => Uint8Array | undefined) | undefined;

  /** `readNow` is the channel's optional synchronous read (see `Channel.readNow`). */
  constructor(
    readable: ReadableStream<Uint8Array>,
    keepAlive: KeepAlive = {},
    readNow?: () => Uint8Array | undefined,
    lend = false,
  ) {
    this.#readable = readable;
    this.#keepAlive = keepAlive;
    this.#readNow = readNow;
    this.#lend = lend;
  }

  /**
   * Locks the stream: a BYOB reader when lending to a byte stream, else a default one. The
   * mode changes only between reads; an outstanding read keeps the reader it has.
   */
  #lock(byob: boolean): ReadableStreamDefaultReader<Uint8Array> | ReadableStreamBYOBReader {
    if (this.#reader !== undefined) {
      if (this.#byob === byob || this.#pending !== undefined || this.#byobCapable === false) {
        return this.#reader;
      }
      this.#reader.releaseLock();
      this.#reader = undefined;
    }
    if (byob && this.#byobCapable !== false) {
      try {
        this.#reader = this.#readable.getReader({ mode: "byob" });
        this.#byob = this.#byobCapable = true;
        return this.#reader;
      } catch {
        // Not a byte stream: read it as it is.
        this.#byobCapable = false;
      }
    }
    this.#byob = false;
    return this.#reader = this.#readable.getReader();
  }

  /**
   * Says that `chunk`, read by this pump, is used up: nobody keeps it, so the next read may
   * go into its memory (unless the next read needs a bigger buffer).
   */
  giveBack(chunk: Uint8Array): void {
    const buffer = chunk.buffer as ArrayBuffer;
    if (buffer !== this.#lentOut) return;
    this.#lentOut = null;
    if (buffer.byteLength === this.#lendSize) this.#spare = buffer;
  }

  /** Lent buffers grow while output streams: a read that filled more than half of one. */
  #grow(chunk: Uint8Array): void {
    // More than half, not all: a transport that unescapes in place (Telnet) returns less
    // than it read.
    if (chunk.length * 2 > chunk.buffer.byteLength && this.#lendSize < MAX_LEND) {
      this.#lendSize *= 2;
    }
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
    this.#lock(this.#reader === undefined ? this.#lend : this.#byob);
    const value = this.#readNow();
    return value === undefined ? undefined : { kind: "data", value };
  }

  /** Whether a read is outstanding. */
  get pending(): boolean {
    return this.#pending !== undefined;
  }

  /**
   * The outstanding read, starting one if needed (into lent memory on a byte stream when the
   * pump lends, or `lend` asks for it). The promise never rejects. Call {@link take} once its
   * outcome has been used.
   */
  next(lend: boolean = this.#lend): Promise<ReadOutcome> {
    if (this.#pending !== undefined) {
      this.#keepAlive.ref?.();
      return this.#pending;
    }
    if (this.#closed) return Promise.resolve(END);
    const reader = this.#lock(lend);
    const byob = this.#byob;
    let read: Promise<ReadableStreamReadResult<Uint8Array>>;
    if (byob) {
      const buffer = this.#spare ?? new ArrayBuffer(this.#lendSize);
      this.#spare = null;
      read = (reader as ReadableStreamBYOBReader).read(new Uint8Array(buffer));
    } else read = (reader as ReadableStreamDefaultReader<Uint8Array>).read();
    this.#pending = read.then(
      (r): ReadOutcome => {
        if (r.done) return END;
        if (byob) {
          this.#lentOut = r.value.buffer as ArrayBuffer;
          this.#grow(r.value);
        }
        return { kind: "data", value: r.value };
      },
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
