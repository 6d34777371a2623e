// Copyright the dexpect authors. MIT license.
/**
 * The state and loops behind {@linkcode Session}: the buffer, the on-demand reader, the
 * expect loop, writing, and release. `Session` is the documented facade over it.
 *
 * @module
 */

import type { Channel, ExitStatus } from "./channel.ts";
import type { ExpectOptions, SendOptions, SessionOptions } from "./options.ts";
import type { Data, ExpectResult } from "./results.ts";
import {
  BufferOverflowError,
  EOFError,
  type ExpectErrorDetails,
  SessionStateError,
  TimeoutError,
} from "./errors.ts";
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
import { redact, TAIL_LENGTH, tailOf } from "./_format.ts";
import { ObserverHub } from "./_observers.ts";
import { Pump, type ReadOutcome } from "./_pump.ts";
import { type Entry, type Found, type PatternSet, Searcher } from "./_search.ts";
import { Waiter, type WakeReason } from "./_waiter.ts";
import { checkDuration, checkOptions, sleep } from "./_session_util.ts";

/** A result as the engine builds it (typed precisely by `Session`'s signatures). */
export type AnyResult<D extends Data> = ExpectResult<never, D, number, string | undefined>;

export class Engine<D extends Data> {
  readonly hub: ObserverHub = new ObserverHub();
  readonly bytesMode: boolean;
  timeout: number | null;
  eof = false;
  closed = false;
  last: AnyResult<D> | undefined;
  readonly #channel: Channel;
  readonly #exitStatus: () => ExitStatus | undefined;
  readonly #pump: Pump;
  readonly #buffer = new StreamBuffer();
  readonly #decoder: StreamDecoder;
  readonly #secrets = new Set<string>();
  readonly #maxBuffer: number;
  readonly #overflow: "error" | "drop-oldest";
  readonly #window: number | null;
  readonly #listOrder: boolean;
  readonly #charDelay: number;
  #writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  #inflight = 0;
  #inputClosed = false;
  #active: Waiter | undefined;

  /** `exitStatus` is the session's overridable hook. */
  constructor(
    channel: Channel,
    options: SessionOptions<D>,
    exitStatus: () => ExitStatus | undefined,
  ) {
    checkOptions(options);
    this.#channel = channel;
    this.#exitStatus = exitStatus;
    this.#pump = new Pump(channel.readable, channel);
    this.bytesMode = options.encoding === null;
    this.#decoder = createDecoder(this.bytesMode ? null : "utf-8");
    this.timeout = options.timeout === undefined ? 30_000 : options.timeout;
    this.#maxBuffer = options.maxBuffer ?? 8 * 1024 * 1024;
    this.#overflow = options.overflow ?? "error";
    this.#window = options.searchWindowSize ?? null;
    this.#listOrder = options.order === "list";
    this.#charDelay = options.charDelay ?? 0;
    for (const o of options.observers ?? []) this.hub.add(o);
    if (options.logRead !== undefined) this.hub.addLog("read", options.logRead);
    if (options.logSend !== undefined) this.hub.addLog("send", options.logSend);
    if (options.record !== undefined) {
      const recorder = new AsciicastRecorder(options.record, {
        cols: options.cols,
        rows: options.rows,
        input: options.recordInput ?? true,
      });
      this.hub.add(recorder.observe);
      this.hub.own(recorder);
    }
  }

  /** The unconsumed output. */
  buffered(): D {
    return this.out(this.#buffer.slice(this.#buffer.start));
  }

  /** Removes and returns unconsumed output (and undecoded bytes) as bytes. */
  takeBuffered(): Uint8Array {
    const text = this.#buffer.slice(this.#buffer.start);
    this.#buffer.clear();
    const held = this.#decoder.takePending();
    const bytes = internalToBytes(text, this.bytesMode);
    return held.length === 0 ? bytes : concatBytes(bytes, held);
  }

  /** Sends data: secrets remembered for redaction, optional delay between characters. */
  async send(data: string | Uint8Array, options?: SendOptions): Promise<void> {
    this.assertWritable("send");
    const secret = options?.secret ?? false;
    if (secret) this.addSecret(data);
    const delay = checkDuration("charDelay", options?.charDelay ?? this.#charDelay) ?? 0;
    if (delay === 0) return await this.#write(toWire(data), secret);
    const units = typeof data === "string"
      ? Array.from(data)
      : Array.from(data, (b) => new Uint8Array([b]));
    for (let i = 0; i < units.length; i++) {
      if (i > 0) await sleep(delay, options?.signal);
      this.assertWritable("send");
      await this.#write(toWire(units[i]), secret);
    }
  }

  /** Remembers data to redact from error messages. */
  addSecret(data: string | Uint8Array): void {
    if (data.length > 0) this.#secrets.add(toInternal(data, this.bytesMode));
  }

  /** Closes the writable (the default `sendEof()`). */
  async closeInput(): Promise<void> {
    this.assertWritable("sendEof");
    this.#inputClosed = true;
    this.#writer ??= this.#channel.writable.getWriter();
    await this.#writer.close();
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
    const timeout = options?.timeout === undefined
      ? this.timeout
      : checkDuration("timeout", options.timeout);
    const window = options?.searchWindowSize === undefined
      ? this.#window
      : options.searchWindowSize;
    const listOrder = options?.order === undefined ? this.#listOrder : options.order === "list";
    const started = performance.now();
    const searcher = new Searcher(set, this.#buffer, window, listOrder);
    const finish = (entry: Entry, found?: Found): unknown =>
      this.#finish(entry, found, consume, full);
    let found = searcher.search();
    if (found !== null) return finish(found.entry, found);
    const fail = (kind: "timeout" | "eof" | "overflow"): never => {
      throw this.#error(kind, set, timeout, started);
    };
    if (this.eof) return set.eof ? finish(set.eof) : fail("eof");
    const idleMs = set.idle === undefined ? undefined : (set.idle.pattern as { ms: number }).ms;
    const waiter = new Waiter(timeout, options?.signal, idleMs);
    this.enter(waiter, "expect");
    try {
      while (true) {
        const r = await this.read(waiter);
        if (typeof r === "string") {
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
          this.#buffer.append(this.#decoder.flush());
          found = searcher.search();
          if (found !== null) return finish(found.entry, found);
          return set.eof ? finish(set.eof) : fail("eof");
        }
        this.#buffer.append(this.#decoder.decode(r.value));
        waiter.activity();
        found = searcher.search();
        if (found !== null) return finish(found.entry, found);
        if (this.#buffer.length > this.#maxBuffer) {
          if (this.#overflow === "error") {
            const error = this.#error("overflow", set, timeout, started);
            this.#buffer.clear();
            throw error;
          }
          this.#buffer.discard(this.#buffer.end - this.#maxBuffer);
        }
      }
    } finally {
      waiter.dispose();
      this.leave(waiter);
    }
  }

  /** Reads one chunk (telling observers), or the reason the waiter fired. */
  async read(waiter: Waiter): Promise<ReadOutcome | WakeReason> {
    const next = this.#pump.next();
    const r = await waiter.race(next);
    if (typeof r === "string") {
      this.#pump.idle();
      return r;
    }
    this.#pump.take();
    if (r.kind === "data" && this.hub.active) {
      this.hub.emit({ type: "read", data: r.value, time: performance.now() });
    }
    return r;
  }

  #finish(entry: Entry, found: Found | undefined, consume: boolean, full: boolean): unknown {
    const buffer = this.#buffer;
    const start = buffer.start;
    let before: string;
    let after = "";
    let end: number;
    if (found !== undefined) {
      before = buffer.slice(start, found.start);
      after = buffer.slice(found.start, found.end);
      end = found.end;
    } else {
      before = buffer.slice(start);
      end = entry.kind === "timeout" ? start : buffer.end;
    }
    if (consume) buffer.discard(end);
    if (!full) return [entry, before, after];
    let match: unknown = null;
    if (found?.exec !== undefined) {
      const m = found.exec;
      const delta = found.start - start - m.index;
      m.index += delta;
      m.input = before + after;
      if (m.indices !== undefined) {
        for (const pair of m.indices) {
          if (pair !== undefined) {
            pair[0] += delta;
            pair[1] += delta;
          }
        }
        for (const pair of Object.values(m.indices.groups ?? {})) {
          if (pair !== undefined && !m.indices.includes(pair)) {
            pair[0] += delta;
            pair[1] += delta;
          }
        }
      }
      match = m;
    } else if (found !== undefined) match = this.out(after);
    const result: Record<string, unknown> = {
      index: entry.index,
      key: entry.key,
      pattern: entry.pattern,
      match,
      before: this.out(before),
      after: this.out(after),
    };
    if (entry.kind === "eof") {
      const status = this.#exitStatus();
      if (status !== undefined) result.exitStatus = status;
    }
    const typed = result as unknown as AnyResult<D>;
    if (consume) this.last = typed;
    return typed;
  }

  #error(
    kind: "timeout" | "eof" | "overflow",
    set: PatternSet,
    timeout: number | null,
    started: number,
  ): Error {
    const buffer = this.#buffer;
    let longest = 0;
    for (const s of this.#secrets) longest = Math.max(longest, s.length);
    const raw = buffer.slice(buffer.end - TAIL_LENGTH - longest);
    const details: ExpectErrorDetails = {
      patterns: set.descriptions,
      timeout,
      waited: performance.now() - started,
      tail: tailOf(redact(raw, this.#secrets)),
      binary: this.bytesMode,
    };
    if (kind === "timeout") return new TimeoutError(details);
    if (kind === "eof") return new EOFError(details, this.#exitStatus());
    return new BufferOverflowError(details, this.#maxBuffer);
  }

  out(text: string): D {
    return fromInternal(text, this.bytesMode) as D;
  }

  async #write(bytes: Uint8Array, secret: boolean): Promise<void> {
    this.#writer ??= this.#channel.writable.getWriter();
    if (this.hub.active) {
      const data = secret ? new Uint8Array([0x2a, 0x2a, 0x2a]) : bytes;
      this.hub.emit({ type: "send", data, time: performance.now(), secret });
    }
    this.#inflight++;
    try {
      await this.#writer.write(bytes);
    } finally {
      this.#inflight--;
    }
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

  assertWritable(call: string): void {
    if (this.closed) {
      throw new SessionStateError("closed", `Cannot ${call}: the session is closed`);
    }
    if (this.#inputClosed) {
      throw new SessionStateError("closed", `Cannot ${call}: the input was closed by sendEof()`);
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
    const writer = this.#writer;
    try {
      if (writer !== undefined) {
        if (this.#inflight > 0) {
          // A send is stuck (the peer stopped reading): abort without waiting for it.
          writer.abort().catch(() => {});
        } else if (!this.#inputClosed) await writer.close();
        writer.releaseLock();
      } else if (!this.#channel.writable.locked) {
        await this.#channel.writable.close();
      }
    } catch {
      // The peer is gone: the writable is released all the same.
      writer?.releaseLock();
    }
    this.#buffer.clear();
    await this.hub.close();
  }
}
