// Copyright the dexpect authors. MIT license.
/**
 * The state and loops behind {@linkcode Session}: the buffer, the on-demand reader, the
 * expect loop and release; writing is `_sender.ts`'s, failed waits' errors `_outcome.ts`'s.
 * `Session` is the documented facade over it.
 *
 * @module
 */

import type { Channel, ExitStatus } from "./channel.ts";
import type { ExpectOptions, ReadOptions, SendOptions, SessionOptions } from "./options.ts";
import type { Data, ExpectResult } from "./results.ts";
import { SessionStateError } from "./errors.ts";
import { AsciicastRecorder } from "./asciicast.ts";
import { StreamBuffer } from "./_buffer.ts";
import {
  concatBytes,
  createDecoder,
  fromInternal,
  internalToBytes,
  type StreamDecoder,
  toInternal,
  toWire,
} from "./_codec.ts";
import { redact } from "./_format.ts";
import { type FailureContext, rebaseMatch, waitError } from "./_outcome.ts";
import { ObserverHub } from "./_observers.ts";
import { Redactor } from "./_redact.ts";
import { Pump, type ReadOutcome } from "./_pump.ts";
import { type Entry, type Found, type PatternSet, Searcher } from "./_search.ts";
import { Waiter, type WakeReason } from "./_waiter.ts";
import { Sender } from "./_sender.ts";
import { checkDuration, checkOptions } from "./_session_util.ts";
import type { ReadHook } from "./custom.ts";
import { Matchers } from "./_matchers.ts";
import { AnsiStripper } from "./_strip.ts";

/** A result as the engine builds it (typed precisely by `Session`'s signatures). */
export type AnyResult<D extends Data> = ExpectResult<never, D, number, string | undefined>;

/** Bytes decoded into one string in text mode (see `#append`). */
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

export class Engine<D extends Data> {
  /** When a read last let the event loop run (see PACE_MS). */
  #loopRanAt = performance.now();
  readonly hub: ObserverHub = new ObserverHub();
  readonly bytesMode: boolean;
  timeout: number | null;
  eof = false;
  closed = false;
  last: AnyResult<D> | undefined;
  /** What a failed wait reports on. */
  readonly #failure: FailureContext;
  readonly #pump: Pump;
  /** The last chunk observers or read hooks were handed: they may keep it. */
  #shared: Uint8Array | null = null;
  readonly #buffer = new StreamBuffer();
  readonly #decoder: StreamDecoder;
  readonly #secrets = new Set<string>();
  /** Redacts the echo of secrets from read events. */
  readonly #readRedactor = new Redactor();
  readonly #overflow: "error" | "drop-oldest";
  readonly #window: number | null;
  readonly #listOrder: boolean;
  readonly #sender: Sender;
  #active: Waiter | undefined;
  /** The session, handed to custom patterns (set by `Session`). */
  owner: object = this;
  #readHooks: readonly ReadHook[] = [];
  readonly #strip: AnsiStripper | undefined;

  /** `exitStatus` and `echo` are the session's overridable hooks. */
  constructor(
    channel: Channel,
    options: SessionOptions<D>,
    exitStatus: () => ExitStatus | undefined,
    echo: () => boolean = () => true,
  ) {
    checkOptions(options);
    this.#pump = new Pump(
      channel.readable,
      channel,
      channel.readNow === undefined ? undefined : () => channel.readNow!(),
      // Text is decoded as it is read: the bytes can go back to the channel for the next read.
      options.encoding !== null,
    );
    this.bytesMode = options.encoding === null;
    this.#decoder = createDecoder(this.bytesMode ? null : "utf-8");
    this.timeout = options.timeout === undefined ? 30_000 : options.timeout;
    this.#overflow = options.overflow ?? "error";
    this.#window = options.searchWindowSize ?? null;
    this.#listOrder = options.order === "list";
    this.#failure = {
      buffer: this.#buffer,
      secrets: this.#secrets,
      bytesMode: this.bytesMode,
      maxBuffer: options.maxBuffer ?? 8 * 1024 * 1024,
      exitStatus,
    };
    this.#sender = new Sender(channel, this, this.hub, echo, options.charDelay ?? 0);
    this.#strip = options.stripAnsi ? new AnsiStripper() : undefined;
    for (const o of options.observers ?? []) this.hub.add(o);
    if (options.logRead !== undefined) this.hub.addLog("read", options.logRead);
    if (options.logSend !== undefined) this.hub.addLog("send", options.logSend);
    if (options.record !== undefined) {
      const recorder = new AsciicastRecorder(options.record, {
        cols: options.cols,
        rows: options.rows,
        input: options.recordInput ?? false,
      });
      this.hub.add(recorder.observe);
      this.hub.own(recorder);
    }
  }

  /** The unconsumed output. */
  buffered(): D {
    return this.#range(this.#buffer.start, this.#buffer.end, false);
  }

  /** Removes and returns unconsumed output (and undecoded bytes) as bytes. */
  takeBuffered(): Uint8Array {
    const buffer = this.#buffer;
    const bytes = this.bytesMode
      ? buffer.sliceBytes(buffer.start, buffer.end, true)
      : internalToBytes(buffer.slice(buffer.start), false);
    buffer.clear();
    const held = this.#decoder.takePending();
    return held.length === 0 ? bytes : concatBytes(bytes, held);
  }

  /** Sends data: secrets remembered for redaction, optional delay between characters. */
  send(data: string | Uint8Array, options?: SendOptions): Promise<void> {
    return this.#sender.send(data, options);
  }

  /** Remembers data to redact from error messages. */
  addSecret(data: string | Uint8Array): void {
    if (data.length === 0) return;
    this.#secrets.add(toInternal(data, this.bytesMode));
    this.#readRedactor.add(toWire(data));
  }

  /** Closes the writable (the default `sendEof()`). */
  closeInput(): Promise<void> {
    return this.#sender.closeInput();
  }

  /** Tells observers about a resize. */
  emitResize(cols: number, rows: number): void {
    if (this.hub.active) this.hub.emit({ type: "resize", cols, rows, time: performance.now() });
  }

  /**
   * The expect loop. With `full`, resolves to the user's result; otherwise to
   * `[entry, before]` for the iteration helpers.
   */
  async run(
    set: PatternSet,
    options: ExpectOptions | undefined,
    consume: boolean,
    full = true,
  ): Promise<unknown> {
    this.assertReadable("expect");
    if (this.#readHooks.length === 0) return await this.#run(set, options, consume, full);
    try {
      return await this.#run(set, options, consume, full);
    } finally {
      await this.#flush();
    }
  }

  async #run(
    set: PatternSet,
    options: ExpectOptions | undefined,
    consume: boolean,
    full: boolean,
  ): Promise<unknown> {
    const timeout = options?.timeout === undefined
      ? this.timeout
      : checkDuration("timeout", options.timeout);
    const window = options?.searchWindowSize === undefined
      ? this.#window
      : options.searchWindowSize;
    const listOrder = options?.order === undefined ? this.#listOrder : options.order === "list";
    const started = performance.now();
    const searcher = new Searcher(set, this.#buffer, window, listOrder);
    const finish = (entry: Entry, found?: Found, custom?: { match: unknown }): unknown =>
      this.#finish(entry, found, consume, full, custom);
    let nudge = () => {};
    const matchers = Matchers.start(set, {
      session: this.owner,
      started,
      redact: (text) => redact(text, this.#secrets),
      recheck: () => nudge(),
    });
    const check = (): unknown => {
      const custom = matchers === undefined ? undefined : matchers.check();
      if (
        found !== null &&
        (custom === undefined || !listOrder || found.entry.index < custom[0].index)
      ) {
        return finish(found.entry, found);
      }
      return custom === undefined ? undefined : finish(custom[0], undefined, custom[1]);
    };
    let found = searcher.search();
    let done = check();
    if (done !== undefined) {
      matchers?.dispose();
      return done;
    }
    const fail = (kind: "timeout" | "eof" | "overflow"): never => {
      throw waitError(this.#failure, kind, set, timeout, started, matchers);
    };
    if (this.eof) {
      matchers?.dispose();
      return set.eof ? finish(set.eof) : fail("eof");
    }
    if (matchers === undefined && set.idle === undefined && !options?.signal?.aborted) {
      // One chunk the transport has at once: a reply that is already there (or comes within
      // the transport's wait on the spot) costs no deadline timer, waiter or promise.
      const r = this.#readNow();
      if (r !== undefined) {
        this.#append(r.value);
        found = searcher.search();
        if ((done = check()) !== undefined) return done;
        this.#bound(set, timeout, started);
      }
    }
    const idleMs = set.idle === undefined ? undefined : (set.idle.pattern as { ms: number }).ms;
    const waiter = new Waiter(timeout, options?.signal, idleMs);
    this.enter(waiter, "expect");
    nudge = () => waiter.nudge();
    try {
      while (true) {
        matchers?.schedule(waiter);
        const r = await this.read(waiter);
        if (typeof r === "string") {
          if (r === "recheck") {
            found = null;
            if ((done = check()) !== undefined) return done;
            continue;
          }
          if (r === "timeout") return set.timeout ? finish(set.timeout) : fail("timeout");
          if (r === "idle") return finish(set.idle!);
          if (r === "abort") throw options?.signal?.reason;
          throw new SessionStateError(
            "closed",
            "Cannot expect: the session was closed while waiting",
          );
        }
        if (r.kind === "error") throw r.error;
        if (r.kind === "end") {
          this.eof = true;
          await this.#flush();
          this.#buffer.append(this.#text(this.#decoder.flush()));
          found = searcher.search();
          if ((done = check()) !== undefined) return done;
          return set.eof ? finish(set.eof) : fail("eof");
        }
        this.#append(r.value);
        waiter.activity();
        found = searcher.search();
        if ((done = check()) !== undefined) return done;
        this.#bound(set, timeout, started);
      }
    } finally {
      matchers?.dispose();
      waiter.dispose();
      this.leave(waiter);
    }
  }

  /**
   * Copies up to `view.length` bytes of output into `view` (bytes mode): what is buffered,
   * else one read, into memory the pump lends and gets back; `null` at the end of output.
   * `set` describes the wait in a timeout's message.
   */
  async readInto(
    view: Uint8Array,
    set: PatternSet,
    options: ReadOptions | undefined,
  ): Promise<number | null> {
    this.assertReadable("readInto");
    const timeout = options?.timeout === undefined
      ? this.timeout
      : checkDuration("timeout", options.timeout);
    options?.signal?.throwIfAborted();
    if (view.length === 0) return 0;
    if (this.#buffer.length > 0) return this.#buffer.copyBytesInto(view);
    if (this.eof) return null;
    const now = this.#readNow();
    if (now !== undefined && now.value.length > 0) return this.#copyOut(now.value, view);
    const started = performance.now();
    const waiter = new Waiter(timeout, options?.signal, undefined);
    this.enter(waiter, "readInto");
    try {
      while (true) {
        const r = await this.read(waiter, this.#strip === undefined);
        if (typeof r === "string") {
          if (r === "timeout") throw waitError(this.#failure, "timeout", set, timeout, started);
          if (r === "abort") throw options?.signal?.reason;
          if (r === "closed") {
            throw new SessionStateError("closed", "Cannot readInto: the session was closed");
          }
          continue;
        }
        if (r.kind === "error") throw r.error;
        if (r.kind === "end") {
          this.eof = true;
          await this.#flush();
          return null;
        }
        if (this.#strip !== undefined) this.#append(r.value);
        else if (r.value.length > 0) return this.#copyOut(r.value, view);
        if (this.#buffer.length > 0) return this.#buffer.copyBytesInto(view);
      }
    } finally {
      waiter.dispose();
      this.leave(waiter);
    }
  }

  /** Copies a chunk into `view`, buffers what does not fit, and gives the chunk back. */
  #copyOut(value: Uint8Array, view: Uint8Array): number {
    const n = Math.min(view.length, value.length);
    view.set(n === value.length ? value : value.subarray(0, n));
    if (n < value.length) this.#buffer.appendBytes(value.slice(n));
    if (value !== this.#shared) this.#pump.giveBack(value);
    return n;
  }

  /** Buffers a chunk read. */
  #append(value: Uint8Array): void {
    // Bytes are kept as read (no strings unless a search needs them); observers and read
    // hooks were handed the same array, so the buffer (then the caller) gets a copy.
    if (this.bytesMode && this.#strip === undefined) {
      const shared = this.hub.active || this.#readHooks.length > 0;
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

  /** Applies `maxBuffer`: throws (overflow "error") or drops the oldest output. */
  #bound(set: PatternSet, timeout: number | null, started: number): void {
    const max = this.#failure.maxBuffer;
    if (this.#buffer.length <= max) return;
    if (this.#overflow === "error") {
      const error = waitError(this.#failure, "overflow", set, timeout, started);
      this.#buffer.clear();
      throw error;
    }
    this.#buffer.discard(this.#buffer.end - max);
  }

  /**
   * A chunk the channel has at once (telling observers), when no read hook or lagging
   * observer is in the way; else `undefined`.
   */
  #readNow(): (ReadOutcome & { kind: "data" }) | undefined {
    if (this.#readHooks.length > 0 || this.hub.ready() !== undefined) return undefined;
    const r = this.#pump.readNow() as (ReadOutcome & { kind: "data" }) | undefined;
    if (r !== undefined && (this.hub.active || this.#readRedactor.active)) this.#emitRead(r);
    return r;
  }

  /**
   * Reads one chunk (telling observers), or the reason the waiter fired. With `lend`, a
   * byte stream is read into the pump's memory: give the chunk back once it is copied.
   */
  async read(waiter: Waiter, lend = false): Promise<ReadOutcome | WakeReason> {
    if (!this.#pump.pending) {
      // Backpressure: while a log or recording lags, nothing more is read (the peer waits).
      for (let ready = this.hub.ready(); ready !== undefined; ready = this.hub.ready()) {
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
    if (this.hub.active || this.#readRedactor.active) this.#emitRead(r);
    if (r.kind === "data" && this.#readHooks.length > 0) return await this.#feed(r);
    return r;
  }

  /** Tells observers what was read, the echo of secrets redacted; at the end, what is held. */
  #emitRead(r: ReadOutcome): void {
    const redactor = this.#readRedactor;
    let data: Uint8Array;
    if (r.kind === "data") {
      this.#shared = r.value;
      data = redactor.active ? redactor.push(r.value) : r.value;
    } else data = redactor.flush();
    if (data.length > 0) this.hub.emit({ type: "read", data, time: performance.now() });
  }

  /** Adds a hook given every chunk read; returns its removal. */
  addReadHook(hook: ReadHook): () => void {
    this.#readHooks = [...this.#readHooks, hook];
    return () => {
      this.#readHooks = this.#readHooks.filter((h) => h !== hook);
    };
  }

  /** Gives a chunk to every read hook in order; a hook's failure is the reading call's. */
  async #feed(r: ReadOutcome & { kind: "data" }): Promise<ReadOutcome> {
    this.#shared = r.value;
    try {
      for (const hook of this.#readHooks) {
        const pending = hook.read(r.value);
        if (pending !== undefined) await pending;
      }
    } catch (error) {
      return { kind: "error", error };
    }
    return r;
  }

  /** Lets every read hook complete what it started. */
  async #flush(): Promise<void> {
    for (const hook of this.#readHooks) await hook.flush?.();
  }

  /** The text buffered for a decoded chunk (without control sequences under `stripAnsi`). */
  #text(decoded: string): string {
    return this.#strip === undefined ? decoded : this.#strip.push(decoded);
  }

  #finish(
    entry: Entry,
    found: Found | undefined,
    consume: boolean,
    full: boolean,
    custom?: { match: unknown },
  ): unknown {
    const buffer = this.#buffer;
    const start = buffer.start;
    const mid = found === undefined ? buffer.end : found.start;
    const end = found === undefined ? (entry.kind === "timeout" ? start : buffer.end) : found.end;
    let before: D;
    let after: D;
    let match: unknown = null;
    if (found?.exec !== undefined) {
      // A RegExp match: its strings are the internal form, as the search saw them.
      const text = buffer.slice(start, mid);
      const matched = buffer.slice(mid, end);
      before = this.out(text);
      after = this.out(matched);
      match = rebaseMatch(found.exec, found.start - start, text + matched);
    } else {
      // Output read as bytes stays bytes: no string form unless a search made one.
      before = this.#range(start, mid, consume && mid <= end);
      after = found === undefined ? this.out("") : this.#range(mid, end, consume);
      if (found !== undefined && full) {
        match = typeof after === "string" ? after : (after as Uint8Array).slice();
      }
    }
    if (consume) buffer.discard(end);
    if (!full) return [entry, before, after];
    if (found === undefined && custom !== undefined) match = custom.match;
    const result: Record<string, unknown> = {
      index: entry.index,
      key: entry.key,
      pattern: entry.pattern,
      match,
      before,
      after,
    };
    if (entry.kind === "eof") {
      const status = this.#failure.exitStatus();
      if (status !== undefined) result.exitStatus = status;
    }
    const typed = result as unknown as AnyResult<D>;
    if (consume) this.last = typed;
    return typed;
  }

  /** Output between absolute positions as `D`; `owned` when the range is being consumed. */
  #range(from: number, to: number, owned: boolean): D {
    const buffer = this.#buffer;
    return (this.bytesMode ? buffer.sliceBytes(from, to, owned) : buffer.slice(from, to)) as D;
  }

  out(text: string): D {
    return fromInternal(text, this.bytesMode) as D;
  }

  assertReadable(call: string): void {
    if (this.closed) {
      throw new SessionStateError("closed", `Cannot ${call}: the session is closed`);
    }
    if (this.#active !== undefined) {
      throw new SessionStateError(
        "busy",
        `Cannot ${call}: another call (expect, peek, an iteration or interact) is already reading this session`,
      );
    }
  }

  enter(waiter: Waiter, call: string): void {
    this.assertReadable(call);
    this.#active = waiter;
  }

  leave(waiter: Waiter): void {
    if (this.#active === waiter) this.#active = undefined;
  }

  async release(): Promise<void> {
    this.closed = true;
    this.#active?.wake("closed");
    await this.#pump.close();
    await this.#sender.release();
    this.#buffer.clear();
    this.#emitRead({ kind: "end" });
    await this.hub.close();
  }
}
