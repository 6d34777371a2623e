// Copyright the dexpect authors. MIT license.
/**
 * The read side of the engine: takes chunks from the channel (at once, or waiting), hands
 * them to observers and read hooks, and buffers them, decoded in text mode. The engine's
 * calls decide when to read and what a chunk means to them; this decides how.
 *
 * @module
 */

import type { Channel } from "./channel.ts";
import type { ReadHook } from "./custom.ts";
import type { StreamBuffer } from "./_buffer.ts";
import { createDecoder, type StreamDecoder } from "./_codec.ts";
import type { ObserverHub } from "./_observers.ts";
import { Pump, type ReadOutcome } from "./_pump.ts";
import { Redactor } from "./_redact.ts";
import type { AnsiStripper } from "./_strip.ts";
import type { Waiter, WakeReason } from "./_waiter.ts";

/** Bytes decoded into one string in text mode (see `append`). */
const DECODE_SLICE = 32 * 1024;
/**
 * A stream whose reads never wait (output from memory, a transport's synchronous reads)
 * would keep a reading call from ever letting the event loop run: no timer, not even the
 * call's own deadline, would fire. So a read that comes PACE_MS after the engine last let
 * the loop run first does so with a setImmediate (~30 µs here), which runs the timers due.
 */
const PACE_MS = 5;
const letLoopRun = () =>
  new Promise<void>((resolve) => (globalThis.setImmediate ?? setTimeout)(() => resolve()));

/** A chunk read. */
export type DataOutcome = ReadOutcome & { kind: "data" };

export class Intake {
  readonly #pump: Pump;
  readonly #hub: ObserverHub;
  readonly #buffer: StreamBuffer;
  readonly #decoder: StreamDecoder;
  readonly #strip: AnsiStripper | undefined;
  readonly #bytesMode: boolean;
  /** Redacts the echo of secrets from read events. */
  readonly #redactor = new Redactor();
  #hooks: readonly ReadHook[] = [];
  /** The last chunk observers or read hooks were handed: they may keep it. */
  #shared: Uint8Array | null = null;
  /** When a read last let the event loop run (see PACE_MS). */
  #loopRanAt = performance.now();

  constructor(
    channel: Channel,
    hub: ObserverHub,
    buffer: StreamBuffer,
    bytesMode: boolean,
    strip: AnsiStripper | undefined,
  ) {
    this.#pump = new Pump(
      channel.readable,
      channel,
      channel.readNow === undefined ? undefined : () => channel.readNow!(),
      // Text is decoded as it is read: the bytes can go back to the channel for the next read.
      !bytesMode,
    );
    this.#hub = hub;
    this.#buffer = buffer;
    this.#bytesMode = bytesMode;
    this.#decoder = createDecoder(bytesMode ? null : "utf-8");
    this.#strip = strip;
  }

  /** Whether read hooks are installed (calls must let them finish). */
  get hooked(): boolean {
    return this.#hooks.length > 0;
  }

  /** Whether control sequences are stripped (then bytes go through the text buffer). */
  get stripping(): boolean {
    return this.#strip !== undefined;
  }

  /** Redacts the echo of `wire` from read events from now on. */
  addSecret(wire: Uint8Array): void {
    this.#redactor.add(wire);
  }

  /** Removes and returns bytes held back by the decoder (an incomplete character). */
  takePending(): Uint8Array {
    return this.#decoder.takePending();
  }

  /**
   * A chunk the channel has at once (telling observers), when no read hook or lagging
   * observer is in the way; else `undefined`.
   */
  readNow(): DataOutcome | undefined {
    if (this.#hooks.length > 0 || this.#hub.ready() !== undefined) return undefined;
    const r = this.#pump.readNow() as DataOutcome | undefined;
    if (r !== undefined && (this.#hub.active || this.#redactor.active)) this.#emitRead(r);
    return r;
  }

  /**
   * Reads one chunk (telling observers), or the reason the waiter fired. With `lend`, a
   * byte stream is read into the pump's memory: give the chunk back once it is copied.
   */
  async read(waiter: Waiter, lend = false): Promise<ReadOutcome | WakeReason> {
    if (!this.#pump.pending) {
      // Backpressure: while a log or recording lags, nothing more is read (the peer waits).
      for (let ready = this.#hub.ready(); ready !== undefined; ready = this.#hub.ready()) {
        const r = await waiter.race(ready);
        if (typeof r === "string") return r;
      }
    }
    if (!this.#pump.pending && performance.now() - this.#loopRanAt >= PACE_MS) {
      await letLoopRun();
      this.#loopRanAt = performance.now();
    }
    const next = lend ? this.#pump.next(true) : this.#pump.next();
    const r = await waiter.race(next);
    if (typeof r === "string") {
      this.#pump.idle();
      return r;
    }
    this.#pump.take();
    if (this.#hub.active || this.#redactor.active) this.#emitRead(r);
    if (r.kind === "data" && this.#hooks.length > 0) return await this.#feed(r);
    return r;
  }

  /** Buffers a chunk read. */
  append(value: Uint8Array): void {
    // Bytes are kept as read (no strings unless a search needs them); observers and read
    // hooks were handed the same array, so the buffer (then the caller) gets a copy.
    if (this.#bytesMode && this.#strip === undefined) {
      const shared = this.#hub.active || this.#hooks.length > 0;
      this.#buffer.appendBytes(shared ? value.slice() : value);
    } else {
      // Decoded a slice at a time: V8 keeps strings this size in its young generation, whose
      // memory is reused, where one string per read would be a fresh large object each time.
      for (let at = 0; at < value.length; at += DECODE_SLICE) {
        const slice = at === 0 && value.length <= DECODE_SLICE
          ? value
          : value.subarray(at, at + DECODE_SLICE);
        this.#buffer.append(this.#text(this.#decoder.decode(slice)));
      }
      if (value !== this.#shared) this.#pump.giveBack(value);
    }
  }

  /** At the end of output: buffers what the decoder held back. */
  appendRest(): void {
    this.#buffer.append(this.#text(this.#decoder.flush()));
  }

  /** Copies a chunk into `view`, buffers what does not fit, and gives the chunk back. */
  copyOut(value: Uint8Array, view: Uint8Array): number {
    const n = Math.min(view.length, value.length);
    view.set(n === value.length ? value : value.subarray(0, n));
    if (n < value.length) this.#buffer.appendBytes(value.slice(n));
    if (value !== this.#shared) this.#pump.giveBack(value);
    return n;
  }

  /** Adds a hook given every chunk read; returns its removal. */
  addReadHook(hook: ReadHook): () => void {
    this.#hooks = [...this.#hooks, hook];
    return () => {
      this.#hooks = this.#hooks.filter((h) => h !== hook);
    };
  }

  /** Lets every read hook complete what it started. */
  async flush(): Promise<void> {
    for (const hook of this.#hooks) await hook.flush?.();
  }

  /** Cancels the read in progress, if any, and releases the channel's readable. */
  close(): Promise<void> {
    return this.#pump.close();
  }

  /** Tells observers the output ended (with the echo the redactor still held). */
  reportEnd(): void {
    this.#emitRead({ kind: "end" });
  }

  /** Gives a chunk to every read hook in order; a hook's failure is the reading call's. */
  async #feed(r: DataOutcome): Promise<ReadOutcome> {
    this.#shared = r.value;
    try {
      for (const hook of this.#hooks) {
        const pending = hook.read(r.value);
        if (pending !== undefined) await pending;
      }
    } catch (error) {
      return { kind: "error", error };
    }
    return r;
  }

  /** Tells observers what was read, the echo of secrets redacted; at the end, what is held. */
  #emitRead(r: ReadOutcome): void {
    const redactor = this.#redactor;
    let data: Uint8Array;
    if (r.kind === "data") {
      this.#shared = r.value;
      data = redactor.active ? redactor.push(r.value) : r.value;
    } else data = redactor.flush();
    if (data.length > 0) this.#hub.emit({ type: "read", data, time: performance.now() });
  }

  /** The text buffered for a decoded chunk (without control sequences under `stripAnsi`). */
  #text(decoded: string): string {
    return this.#strip === undefined ? decoded : this.#strip.push(decoded);
  }
}
