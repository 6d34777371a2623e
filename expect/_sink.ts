// Copyright the dexpect authors. MIT license.
/**
 * A bounded, coalescing writer for log and recording streams.
 *
 * Writes never wait: data is queued and handed to the stream one batch at a time, every
 * batch being everything queued while the previous write was in flight. So the number of
 * writes needed to drain the backlog does not depend on how many small chunks came in, and
 * `close()` takes at most two writes' time for a slow stream (and {@link DRAIN_MS} for one
 * that never takes data).
 *
 * The backlog is bounded twice: above {@link HIGH_WATER} bytes {@link StreamSink.ready}
 * returns a promise the session's reader awaits before it reads more output (backpressure,
 * like pexpect, Tcl Expect and script(1), which block on their log file); above
 * {@link MAX_BACKLOG} bytes (data nobody waits for: sends, or a standalone recorder fed
 * faster than its stream takes it) data is dropped, and how much is reported in the stream
 * itself once it has room again.
 *
 * @module
 */

import { concatBytes } from "./_codec.ts";

/** Backlog in bytes at which readers are asked to wait. */
export const HIGH_WATER = 1024 * 1024;
/** Backlog in bytes beyond which data is dropped (and the loss reported). */
export const MAX_BACKLOG = 4 * 1024 * 1024;
/** Longest `close()` waits for the stream to take the backlog, in milliseconds. */
export const DRAIN_MS = 2_000;

/** Turns a count of dropped bytes into a note for the stream. */
export type DropNote = (dropped: number) => Uint8Array;

const encoder = new TextEncoder();

/** The note of a raw log: a line of its own. */
export const logNote: DropNote = (dropped) =>
  encoder.encode(`\r\n[dexpect: ${dropped} bytes not logged: the log target was too slow]\r\n`);

export class StreamSink {
  #writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  readonly #note: DropNote;
  #queue: Uint8Array[] = [];
  #queued = 0;
  #inFlight = 0;
  #dropped = 0;
  #writing = false;
  #failed = false;
  #ready: { promise: Promise<void>; resolve: () => void } | undefined;
  #idle: (() => void) | undefined;

  /** @throws {TypeError} If `stream` is already locked. */
  constructor(stream: WritableStream<Uint8Array>, note: DropNote = logNote) {
    this.#writer = stream.getWriter();
    this.#note = note;
  }

  /** Bytes queued or being written. */
  get backlog(): number {
    return this.#queued + this.#inFlight;
  }

  /** Queues `data` (dropped, and counted, when the backlog is over {@link MAX_BACKLOG}). */
  write(data: Uint8Array): void {
    if (this.#writer === undefined || this.#failed || data.length === 0) return;
    if (this.backlog >= MAX_BACKLOG) {
      this.#dropped += data.length;
      return;
    }
    this.#reportDropped();
    this.#queue.push(data);
    this.#queued += data.length;
    if (!this.#writing) void this.#flush();
  }

  /**
   * `undefined` while the backlog is under {@link HIGH_WATER}; otherwise a promise that
   * resolves when it is (or the sink fails or closes). One promise per stall, so callers
   * that give up waiting leave nothing behind.
   */
  ready(): Promise<void> | undefined {
    if (this.backlog < HIGH_WATER || this.#failed || this.#writer === undefined) return undefined;
    if (this.#ready === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => resolve = r);
      this.#ready = { promise, resolve };
    }
    return this.#ready.promise;
  }

  /**
   * Writes what is queued (waiting at most {@link DRAIN_MS}), then releases the stream
   * without closing it. Idempotent.
   */
  async close(): Promise<void> {
    const writer = this.#writer;
    if (writer === undefined) return;
    this.#reportDropped();
    if (!this.#writing && this.#queue.length > 0) void this.#flush();
    if (this.#writing) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.#idle = resolve),
        new Promise<void>((resolve) => timer = setTimeout(resolve, DRAIN_MS)),
      ]);
      clearTimeout(timer);
    }
    this.#writer = undefined;
    this.#queue = [];
    this.#queued = 0;
    this.#wake();
    writer.releaseLock();
  }

  #reportDropped(): void {
    if (this.#dropped === 0) return;
    const note = this.#note(this.#dropped);
    this.#dropped = 0;
    this.#queue.push(note);
    this.#queued += note.length;
  }

  async #flush(): Promise<void> {
    this.#writing = true;
    while (this.#queue.length > 0 && this.#writer !== undefined && !this.#failed) {
      const batch = concatBytes(...this.#queue);
      this.#queue = [];
      this.#queued = 0;
      this.#inFlight = batch.length;
      try {
        await this.#writer.write(batch);
      } catch {
        // A failed target stops logging; the session goes on.
        this.#failed = true;
        this.#queue = [];
      }
      this.#inFlight = 0;
      this.#wake();
    }
    this.#writing = false;
    this.#idle?.();
    this.#idle = undefined;
  }

  /** Resolves the stall promise once the backlog is under the mark (or nothing waits). */
  #wake(): void {
    if (this.#ready === undefined) return;
    if (this.ready() !== undefined) return;
    this.#ready.resolve();
    this.#ready = undefined;
  }
}
