// Copyright the dexpect authors. MIT license.
/**
 * The deadline and abort signal of one send: the engine writes a send in chunks and waits for
 * each under one {@linkcode SendDeadline}, so a peer that stops reading costs the call its
 * deadline, not forever, and the error says how far the send got.
 *
 * @module
 */

import { TimeoutError } from "./errors.ts";
import { Waiter } from "./_waiter.ts";

/** Largest piece handed to the transport at once: what "written" is counted in. */
export const SEND_CHUNK_BYTES = 64 * 1024;

export class SendDeadline {
  readonly #waiter: Waiter;
  readonly #timeout: number | null;
  readonly #signal: AbortSignal | undefined;
  readonly #started = performance.now();
  readonly #total: number;
  #written = 0;

  /** `total` is the size of the whole send in bytes, for the error message. */
  /** `written` counts bytes the transport already took before this deadline began. */
  constructor(
    total: number,
    timeout: number | null,
    signal: AbortSignal | undefined,
    written = 0,
  ) {
    this.#total = total;
    this.#written = written;
    this.#timeout = timeout;
    this.#signal = signal;
    this.#waiter = new Waiter(timeout, signal);
  }

  /**
   * Waits for the write of `size` bytes; throws the signal's reason on abort, and a
   * `TimeoutError` saying how much was written when the deadline passes first. The write
   * itself goes on: it stays queued in the transport.
   */
  async wait(write: Promise<void>, size: number): Promise<void> {
    const r = await this.#waiter.race(write);
    if (typeof r !== "string") {
      this.#written += size;
      return;
    }
    this.#fail(r, size);
  }

  /** Throws as `wait` does if the deadline passed or the signal fired (between characters). */
  async check(): Promise<void> {
    const r = await this.#waiter.race(Promise.resolve());
    if (typeof r === "string") this.#fail(r, 0);
  }

  #fail(reason: string, queued: number): never {
    if (reason === "abort") throw this.#signal?.reason;
    throw new TimeoutError({
      patterns: [],
      timeout: this.#timeout,
      waited: performance.now() - this.#started,
      tail: "",
      sending: { total: this.#total, written: this.#written, queued },
    });
  }

  dispose(): void {
    this.#waiter.dispose();
  }
}
