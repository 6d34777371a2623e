// Copyright the dexpect authors. MIT license.
/**
 * The state and loops behind {@linkcode Session}: the buffer, the expect loop, `readInto`,
 * results and release; reading is `_intake.ts`'s, writing `_sender.ts`'s, failed waits'
 * errors `_outcome.ts`'s. `Session` is the documented facade over it.
 *
 * @module
 */

import type { Channel, ExitStatus } from "./channel.ts";
import type { ExpectOptions, ReadOptions, SendOptions, SessionOptions } from "./options.ts";
import type { Data, ExpectResult } from "./results.ts";
import { SessionStateError } from "./errors.ts";
import { AsciicastRecorder } from "./asciicast.ts";
import { StreamBuffer } from "./_buffer.ts";
import { concatBytes, fromInternal, internalToBytes, toInternal, toWire } from "./_codec.ts";
import { redact } from "./_format.ts";
import { type FailureContext, rebaseMatch, waitError } from "./_outcome.ts";
import { ObserverHub } from "./_observers.ts";
import type { ReadOutcome } from "./_pump.ts";
import { Intake } from "./_intake.ts";
import { type Entry, type Found, type PatternSet, Searcher } from "./_search.ts";
import { Waiter, type WakeReason } from "./_waiter.ts";
import { Sender } from "./_sender.ts";
import { checkDuration, checkOptions } from "./_session_util.ts";
import type { ReadHook } from "./custom.ts";
import { Matchers } from "./_matchers.ts";
import { AnsiStripper } from "./_strip.ts";

/** A result as the engine builds it (typed precisely by `Session`'s signatures). */
export type AnyResult<D extends Data> = ExpectResult<never, D, number, string | undefined>;

/** The state of one expect call (one object, where closures over locals took several). */
class Call {
  found: Found | null = null;
  matchers: Matchers | undefined = undefined;
  waiter: Waiter | undefined = undefined;

  constructor(
    readonly set: PatternSet,
    readonly options: ExpectOptions | undefined,
    readonly consume: boolean,
    readonly full: boolean,
    readonly timeout: number | null,
    readonly listOrder: boolean,
    readonly started: number,
    readonly searcher: Searcher,
  ) {}
}

export class Engine<D extends Data> {
  readonly hub: ObserverHub = new ObserverHub();
  readonly bytesMode: boolean;
  timeout: number | null;
  eof = false;
  closed = false;
  last: AnyResult<D> | undefined;
  /** What a failed wait reports on. */
  readonly #failure: FailureContext;
  readonly #intake: Intake;
  readonly #buffer = new StreamBuffer();
  readonly #secrets = new Set<string>();
  readonly #overflow: "error" | "drop-oldest";
  readonly #window: number | null;
  readonly #listOrder: boolean;
  readonly #sender: Sender;
  #active: Waiter | undefined;
  /** The session, handed to custom patterns (set by `Session`). */
  owner: object = this;

  /** `exitStatus` and `echo` are the session's overridable hooks. */
  constructor(
    channel: Channel,
    options: SessionOptions<D>,
    exitStatus: () => ExitStatus | undefined,
    echo: () => boolean = () => true,
  ) {
    checkOptions(options);
    this.bytesMode = options.encoding === null;
    this.#intake = new Intake(
      channel,
      this.hub,
      this.#buffer,
      this.bytesMode,
      options.stripAnsi ? new AnsiStripper() : undefined,
    );
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
    const held = this.#intake.takePending();
    return held.length === 0 ? bytes : concatBytes(bytes, held);
  }

  /**
   * Sends data: secrets remembered for redaction, optional delay between characters;
   * `undefined` when it was all written at once. Throws synchronously (see `Sender.send`).
   */
  send(data: string | Uint8Array, options?: SendOptions): Promise<void> | undefined {
    return this.#sender.send(data, options);
  }

  /** Remembers data to redact from error messages. */
  addSecret(data: string | Uint8Array): void {
    if (data.length === 0) return;
    this.#secrets.add(toInternal(data, this.bytesMode));
    this.#intake.addSecret(toWire(data));
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
   * `[entry, before, after]` for the iteration helpers. Never throws: errors reject.
   */
  run(
    set: PatternSet,
    options: ExpectOptions | undefined,
    consume: boolean,
    full = true,
  ): Promise<unknown> {
    if (this.#intake.hooked) return this.#runHooked(set, options, consume, full);
    // Not an async function: a match already buffered, or in what the channel has at once,
    // costs one promise and no async frame.
    let call: Call;
    let done: unknown;
    try {
      call = this.#begin(set, options, consume, full);
      done = this.#attempt(call);
    } catch (error) {
      return Promise.reject(error);
    }
    return done !== undefined ? Promise.resolve(done) : this.#wait(call);
  }

  /** `run` with read hooks: they complete what they started before the call returns. */
  async #runHooked(
    set: PatternSet,
    options: ExpectOptions | undefined,
    consume: boolean,
    full: boolean,
  ): Promise<unknown> {
    this.assertReadable("expect");
    try {
      const call = this.#begin(set, options, consume, full);
      const done = this.#attempt(call);
      return done !== undefined ? done : await this.#wait(call);
    } finally {
      await this.#intake.flush();
    }
  }

  /** The state of a call, custom patterns started. */
  #begin(
    set: PatternSet,
    options: ExpectOptions | undefined,
    consume: boolean,
    full: boolean,
  ): Call {
    this.assertReadable("expect");
    const timeout = options?.timeout === undefined
      ? this.timeout
      : checkDuration("timeout", options.timeout);
    const window = options?.searchWindowSize === undefined
      ? this.#window
      : options.searchWindowSize;
    const listOrder = options?.order === undefined ? this.#listOrder : options.order === "list";
    const started = performance.now();
    const searcher = new Searcher(set, this.#buffer, window, listOrder);
    const call = new Call(set, options, consume, full, timeout, listOrder, started, searcher);
    if (set.custom !== undefined && set.custom.length > 0) {
      call.matchers = Matchers.start(set, {
        session: this.owner,
        started,
        redact: (text) => redact(text, this.#secrets),
        recheck: () => call.waiter?.nudge(),
      });
    }
    return call;
  }

  /**
   * The call's outcome without waiting: a match in what is buffered, the end of output, or a
   * match in one chunk the channel has at once (a reply already there, or one that comes
   * within the transport's wait on the spot, costs no deadline timer or waiter). `undefined`
   * when the call has to wait.
   */
  #attempt(call: Call): unknown {
    const set = call.set;
    try {
      call.found = call.searcher.search();
      const done = this.#check(call);
      if (done !== undefined) {
        call.matchers?.dispose();
        return done;
      }
      if (this.eof) {
        call.matchers?.dispose();
        return set.eof ? this.#settle(call, set.eof) : this.#fail(call, "eof");
      }
    } catch (error) {
      call.matchers?.dispose();
      throw error;
    }
    if (call.matchers !== undefined || set.idle !== undefined || call.options?.signal?.aborted) {
      return undefined;
    }
    const r = this.#intake.readNow();
    if (r === undefined) return undefined;
    this.#intake.append(r.value);
    call.found = call.searcher.search();
    const done = this.#check(call);
    if (done === undefined) this.#bound(set, call.timeout, call.started);
    return done;
  }

  /** Reads until the call has its outcome. */
  async #wait(call: Call): Promise<unknown> {
    const { set, options, matchers, searcher } = call;
    const idleMs = set.idle === undefined ? undefined : (set.idle.pattern as { ms: number }).ms;
    const waiter = new Waiter(call.timeout, options?.signal, idleMs);
    this.enter(waiter, "expect");
    call.waiter = waiter;
    let done: unknown;
    try {
      while (true) {
        matchers?.schedule(waiter);
        const r = await this.#intake.read(waiter);
        if (typeof r === "string") {
          if (r === "recheck") {
            call.found = null;
            if ((done = this.#check(call)) !== undefined) return done;
            continue;
          }
          if (r === "timeout") {
            return set.timeout ? this.#settle(call, set.timeout) : this.#fail(call, "timeout");
          }
          if (r === "idle") return this.#settle(call, set.idle!);
          if (r === "abort") throw options?.signal?.reason;
          throw new SessionStateError(
            "closed",
            "Cannot expect: the session was closed while waiting",
          );
        }
        if (r.kind === "error") throw r.error;
        if (r.kind === "end") {
          this.eof = true;
          await this.#intake.flush();
          this.#intake.appendRest();
          call.found = searcher.search();
          if ((done = this.#check(call)) !== undefined) return done;
          return set.eof ? this.#settle(call, set.eof) : this.#fail(call, "eof");
        }
        this.#intake.append(r.value);
        waiter.activity();
        call.found = searcher.search();
        if ((done = this.#check(call)) !== undefined) return done;
        this.#bound(set, call.timeout, call.started);
      }
    } finally {
      matchers?.dispose();
      waiter.dispose();
      this.leave(waiter);
    }
  }

  /**
   * The result when a pattern matched or a custom pattern holds (in stream order, or list
   * order with `order: "list"`), else `undefined`.
   */
  #check(call: Call): unknown {
    const custom = call.matchers === undefined ? undefined : call.matchers.check();
    const found = call.found;
    if (
      found !== null &&
      (custom === undefined || !call.listOrder || found.entry.index < custom[0].index)
    ) {
      return this.#finish(found.entry, found, call.consume, call.full);
    }
    if (custom === undefined) return undefined;
    return this.#finish(custom[0], undefined, call.consume, call.full, custom[1]);
  }

  /** The result for an outcome that is not a match: `EOF`, `TIMEOUT` or idle listed. */
  #settle(call: Call, entry: Entry): unknown {
    return this.#finish(entry, undefined, call.consume, call.full);
  }

  #fail(call: Call, kind: "timeout" | "eof" | "overflow"): never {
    throw waitError(this.#failure, kind, call.set, call.timeout, call.started, call.matchers);
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
    const intake = this.#intake;
    const now = intake.readNow();
    if (now !== undefined && now.value.length > 0) return intake.copyOut(now.value, view);
    const started = performance.now();
    const waiter = new Waiter(timeout, options?.signal, undefined);
    this.enter(waiter, "readInto");
    try {
      while (true) {
        const r = await intake.read(waiter, !intake.stripping);
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
          await intake.flush();
          return null;
        }
        if (intake.stripping) intake.append(r.value);
        else if (r.value.length > 0) return intake.copyOut(r.value, view);
        if (this.#buffer.length > 0) return this.#buffer.copyBytesInto(view);
      }
    } finally {
      waiter.dispose();
      this.leave(waiter);
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

  /** Reads one chunk (telling observers), or the reason the waiter fired. */
  read(waiter: Waiter): Promise<ReadOutcome | WakeReason> {
    return this.#intake.read(waiter);
  }

  /** Adds a hook given every chunk read; returns its removal. */
  addReadHook(hook: ReadHook): () => void {
    return this.#intake.addReadHook(hook);
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
    await this.#intake.close();
    await this.#sender.release();
    this.#buffer.clear();
    this.#intake.reportEnd();
    await this.hub.close();
  }
}
