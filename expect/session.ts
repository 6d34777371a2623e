// Copyright the dexpect authors. MIT license.
/**
 * The {@linkcode Session}: expect and send over any {@linkcode Channel}.
 *
 * @module
 */

import type { Channel, ExitStatus } from "./channel.ts";
import type { ExpectOptions, ReadOptions, SendOptions, SessionOptions } from "./options.ts";
import type { ExactPattern, Patterns } from "./patterns.ts";
import type { Data, ResultOf } from "./results.ts";
import type { SessionObserver } from "./observers.ts";
import type { InteractOptions, InteractResult } from "./interact.ts";
import { SessionStateError } from "./errors.ts";
import { Engine } from "./_engine.ts";
import { concatBytes, toWire, withoutFinalCr } from "./_codec.ts";
import { compilePatterns, type Entry } from "./_search.ts";
import { ANY, checkDuration, controlCode, LINE } from "./_session_util.ts";
import { runInteract } from "./_interact.ts";
import { peerGone } from "./_peer_gone.ts";
import type { ReadHook } from "./custom.ts";

/** What a send the transport took at once returns (a settled promise is safe to share). */
const SENT: Promise<void> = Promise.resolve();

/**
 * An interactive session over a {@linkcode Channel}: wait for patterns in the peer's
 * output with `expect()`, answer with `send()`. Transports (a pty, a Telnet client, pipes)
 * subclass it, passing their streams to `super()` and overriding only their hooks:
 * {@linkcode Session.sendEof}, {@linkcode Session.sendIntr}, {@linkcode Session.close},
 * `exitStatus()` and `onWindowChange()`.
 *
 * Reading happens only while a call waits for data, with at most one read outstanding;
 * a read still pending when a call times out is kept for the next call, so no output is
 * lost. One call may read at a time (`expect`, `peek`, an iteration or `interact`).
 *
 * @typeParam D `string` (text mode, the default) or `Uint8Array` (bytes mode, with
 * `encoding: null`).
 *
 * @example Drive a peer
 * ```ts
 * import { Session } from "./session.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * // A peer that prints a prompt, then echoes each line upper-cased.
 * const peer = new TransformStream<Uint8Array, Uint8Array>({
 *   start: (c) => c.enqueue(new TextEncoder().encode("> ")),
 *   transform: (chunk, c) =>
 *     c.enqueue(new TextEncoder().encode(new TextDecoder().decode(chunk).toUpperCase() + "> ")),
 * }, undefined, { highWaterMark: 16 });
 * await using session = new Session(peer, { timeout: 1_000 });
 * await session.expect("> ");
 * await session.sendLine("hello");
 * const { before } = await session.expect("> ");
 * strictEqual(before, "HELLO\n");
 * ```
 *
 * @example Write a transport: pass streams to `super()`, override only the hooks
 * ```ts
 * import { Session } from "./session.ts";
 * import type { ExitStatus } from "./channel.ts";
 * import type { SessionOptions } from "./options.ts";
 *
 * class DeviceSession extends Session {
 *   #status: ExitStatus | undefined;
 *   constructor(options?: SessionOptions) {
 *     const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
 *     super({ readable, writable }, { lineEnding: "\r\n", ...options });
 *   }
 *   override async sendIntr(): Promise<void> {
 *     await this.send(new Uint8Array([0x03]));
 *   }
 *   protected override exitStatus(): ExitStatus | undefined {
 *     return this.#status; // reported in EOF results and EOFError
 *   }
 *   protected override onWindowChange(cols: number, rows: number): void {
 *     this.notifyWindowChange(cols, rows); // recordings get an "r" event
 *   }
 *   override async close(): Promise<void> {
 *     this.#status = { code: 0, signal: null };
 *     await super.close();
 *   }
 * }
 * await using device = new DeviceSession();
 * void device;
 * ```
 */
export class Session<D extends Data = string> implements AsyncDisposable {
  /** What `sendLine()` appends. */
  lineEnding: string;
  readonly #engine: Engine<D>;
  #closing: Promise<void> | undefined;

  /**
   * Creates a session over `channel`.
   *
   * @param channel The transport's streams; the session locks them until `close()`.
   * @param options Timeouts, encoding, buffer limits, logging and recording.
   * @throws {RangeError} If an option is out of range.
   * @throws {TypeError} If an option has the wrong type, or a stream is already locked.
   */
  constructor(channel: Channel, options: SessionOptions<D> = {}) {
    this.#engine = new Engine(
      channel,
      options,
      () => this.exitStatus(),
      () => this.inputEchoed(),
    );
    this.#engine.owner = this;
    this.lineEnding = options.lineEnding ?? "\n";
  }

  /**
   * The default deadline of each call in milliseconds, `null` for none.
   *
   * @default {30_000}
   * @throws {RangeError} When set to a negative or non-finite number.
   */
  get timeout(): number | null {
    return this.#engine.timeout;
  }

  set timeout(value: number | null) {
    this.#engine.timeout = checkDuration("timeout", value);
  }

  /** `before` of the last consuming result (pexpect's `child.before`), if any. */
  get before(): D | undefined {
    return this.#engine.last?.before;
  }

  /** `after` of the last consuming result (pexpect's `child.after`), if any. */
  get after(): D | undefined {
    return this.#engine.last?.after;
  }

  /** `match` of the last consuming result (pexpect's `child.match`), if any. */
  get match(): RegExpExecArray | D | null | undefined {
    return this.#engine.last?.match;
  }

  /** The unconsumed output (pexpect's `child.buffer`). */
  get buffer(): D {
    return this.#engine.buffered();
  }

  /** Whether the peer's output has ended (it may still be buffered). */
  get eof(): boolean {
    return this.#engine.eof;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#engine.closed;
  }

  /**
   * Waits until one of `patterns` matches the peer's output, consuming it up to the end of
   * the match.
   *
   * Forms: one pattern; a list (the result's `index` tells which matched); a record (its
   * `key`, typed as the union of the keys, so a `switch (r.key)` narrows `r.match`).
   *
   * Which match wins: the one that starts earliest in the output, ties going to the first
   * listed (`order: "list"` picks the first listed pattern that matches anywhere instead).
   * Matching happens on the output received so far, so as in pexpect, how the output was
   * split into chunks can change the result when a match could still grow (a greedy
   * quantifier, `$` at the end of the buffer) or when a later-starting match completes
   * first; patterns that end with a delimiter avoid both.
   *
   * Work stays linear: exact strings are searched only in new output plus the pattern's
   * length − 1; a `RegExp` that cannot match `"\n"` restarts at the last incomplete line,
   * one with `searchWindowSize` at the window; a `RegExp` with a literal every match must
   * contain runs only once that literal arrived. A `RegExp` that can match `"\n"`, without
   * a window, is tried on the whole unconsumed buffer at each chunk once its literal
   * arrived (or at every chunk if it has none): give it a window for large outputs.
   *
   * `EOF`, `TIMEOUT` and `idle(ms)` in the patterns make those outcomes results; otherwise
   * they reject with {@linkcode EOFError} or {@linkcode TimeoutError}.
   *
   * @param patterns One pattern, a list or a record.
   * @param options Deadline, abort signal, search window and order for this call.
   * @returns The result, typed by the patterns.
   * @throws {TimeoutError} When the deadline passes and `TIMEOUT` is not listed.
   * @throws {EOFError} When the output ends and `EOF` is not listed.
   * @throws {BufferOverflowError} When the output exceeds `maxBuffer` with `overflow: "error"`.
   * @throws {SessionStateError} When the session is closed or another call is reading.
   * @throws {TypeError} On an invalid pattern.
   *
   * @example Narrowing on a record's key
   * ```ts
   * import { Session } from "./session.ts";
   * import { EOF } from "./patterns.ts";
   * import { strictEqual } from "node:assert/strict";
   *
   * const peer = { readable: ReadableStream.from([new TextEncoder().encode("size: 42\n")]), writable: new WritableStream() };
   * await using session = new Session(peer);
   * const r = await session.expect({ size: /size: (\d+)/, done: EOF });
   * switch (r.key) {
   *   case "size":
   *     strictEqual(r.match[1], "42"); // r.match: RegExpExecArray
   *     break;
   *   case "done":
   *     strictEqual(r.match, null);
   * }
   * ```
   */
  expect<const P extends Patterns>(
    patterns: P,
    options?: ExpectOptions,
  ): Promise<ResultOf<P, D>> {
    return this.#expect(patterns, options, true, false);
  }

  /**
   * Like {@linkcode Session.expect} with literal patterns only (strings, bytes, `EOF`,
   * `TIMEOUT`, idle): pexpect's `expect_exact`. Strings are always literal in `expect()`
   * too; this variant rejects a `RegExp` at the call site.
   *
   * @param patterns One literal pattern, a list or a record.
   * @param options Deadline, abort signal and order for this call.
   * @returns The result, typed by the patterns.
   * @throws {TimeoutError} When the deadline passes and `TIMEOUT` is not listed.
   * @throws {EOFError} When the output ends and `EOF` is not listed.
   * @throws {TypeError} When a pattern is a `RegExp`.
   */
  expectExact<
    const P extends ExactPattern | readonly ExactPattern[] | {
      readonly [key: string]: ExactPattern;
    },
  >(patterns: P, options?: ExpectOptions): Promise<ResultOf<P, D>> {
    return this.#expect(patterns, options, true, true);
  }

  /**
   * Like {@linkcode Session.expect} but consumes nothing: the match stays buffered for the
   * next call, and `before`/`after` on the session are not updated.
   *
   * @param patterns One pattern, a list or a record.
   * @param options Deadline, abort signal, search window and order for this call.
   * @returns The result, typed by the patterns.
   * @throws {TimeoutError} When the deadline passes and `TIMEOUT` is not listed.
   * @throws {EOFError} When the output ends and `EOF` is not listed.
   *
   * @example Look before you consume
   * ```ts
   * import { Session } from "./session.ts";
   * import { strictEqual } from "node:assert/strict";
   *
   * const peer = { readable: ReadableStream.from([new TextEncoder().encode("login: ")]), writable: new WritableStream() };
   * await using session = new Session(peer);
   * await session.peek("login:");
   * strictEqual(session.buffer, "login: ");
   * ```
   */
  peek<const P extends Patterns>(
    patterns: P,
    options?: ExpectOptions,
  ): Promise<ResultOf<P, D>> {
    return this.#expect(patterns, options, false, false);
  }

  /**
   * `expect`, `expectExact` and `peek`: not async functions, so that a reply already there
   * costs one promise, not a chain of three; a bad pattern still rejects, never throws.
   */
  #expect<R>(
    patterns: Patterns,
    options: ExpectOptions | undefined,
    consume: boolean,
    exact: boolean,
  ): Promise<R> {
    try {
      const set = compilePatterns(patterns, this.#engine.bytesMode, exact);
      return this.#engine.run(set, options, consume) as Promise<R>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Yields successive matches of `patterns` until the loop breaks or an outcome (`EOF`,
   * `TIMEOUT`, idle) is reached, which is yielded last: Tcl's `exp_continue` idiom, typed.
   * Each step is one `expect()` with `options` (so `timeout` applies per step).
   *
   * @param patterns One pattern, a list or a record.
   * @param options Deadline per step, abort signal, search window and order.
   * @returns An async iterator of results.
   * @throws {TimeoutError} From a step, when `TIMEOUT` is not listed.
   * @throws {EOFError} From a step, when `EOF` is not listed.
   *
   * @example Page through `--More--`
   * ```ts
   * import { Session } from "./session.ts";
   * import { strictEqual } from "node:assert/strict";
   *
   * const text = "a\n--More--b\n--More--c\n# ";
   * const peer = { readable: ReadableStream.from([new TextEncoder().encode(text)]), writable: new WritableStream() };
   * await using session = new Session(peer);
   * let pages = 0;
   * for await (const m of session.expectEach({ more: "--More--", prompt: /# $/ })) {
   *   if (m.key === "prompt") break;
   *   pages++;
   *   await session.send(" ");
   * }
   * strictEqual(pages, 2);
   * ```
   */
  async *expectEach<const P extends Patterns>(
    patterns: P,
    options?: ExpectOptions,
  ): AsyncGenerator<ResultOf<P, D>, void, undefined> {
    const set = compilePatterns(patterns, this.#engine.bytesMode);
    while (true) {
      const r = await this.#engine.run(set, options, true) as ResultOf<P, D>;
      yield r;
      if ((r as { match: unknown }).match === null) return;
    }
  }

  /**
   * Yields the output line by line, without the `"\n"` or `"\r\n"` ending, until the
   * output ends (a last line without ending is yielded too).
   *
   * @param options Deadline per line and abort signal.
   * @returns An async iterator of lines.
   * @throws {TimeoutError} When a line does not complete in time.
   *
   * @example Read line by line
   * ```ts
   * import { Session } from "./session.ts";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const peer = { readable: ReadableStream.from([new TextEncoder().encode("a\r\nb\nc")]), writable: new WritableStream() };
   * await using session = new Session(peer);
   * deepStrictEqual(await Array.fromAsync(session.lines()), ["a", "b", "c"]);
   * ```
   */
  async *lines(options?: ReadOptions): AsyncGenerator<D, void, undefined> {
    while (true) {
      const [entry, line] = await this.#engine.run(LINE, options, true, false) as [Entry, D];
      if (entry.kind === "eof") {
        if (line.length > 0) yield line;
        return;
      }
      yield withoutFinalCr(line);
    }
  }

  /**
   * Yields the output as it arrives (first whatever is buffered), consuming it, until the
   * output ends. Each chunk is one read of the transport as it was buffered (in text mode,
   * at most 32 KiB of it decoded at a time), so a fast stream is never joined into one big
   * copy.
   *
   * @param options Deadline per chunk and abort signal.
   * @returns An async iterator of chunks.
   * @throws {TimeoutError} When no output arrives in time.
   */
  async *chunks(options?: ReadOptions): AsyncGenerator<D, void, undefined> {
    while (true) {
      const [entry, , chunk] = await this.#engine.run(ANY, options, true, false) as [
        Entry,
        D,
        D,
      ];
      if (entry.kind === "eof") return;
      yield chunk;
    }
  }

  /**
   * Copies output into `buffer`, like `Deno.Conn.read(p)`: what is buffered first, else the
   * next read, at most `buffer.length` bytes (the rest stays buffered for the next call).
   * Bytes mode only. Nothing is allocated per read: a byte stream (a Telnet or socket
   * session) is read into memory the session reuses, so streaming a large download through
   * one buffer costs no fresh memory, unlike `chunks()`, whose chunks are the caller's to keep.
   * Observers and logs still see every read.
   *
   * @param buffer Where the bytes go.
   * @param options Deadline in milliseconds (default: the session's; `null` waits forever)
   *   and abort signal.
   * @returns How many bytes were copied (0 only for an empty `buffer`), or `null` at the end
   *   of the output.
   * @throws {TypeError} In text mode (use `chunks()`, or open the session with
   *   `encoding: null`).
   * @throws {TimeoutError} When no output arrives in time.
   * @throws {SessionStateError} When the session is closed or another call is reading.
   *
   * @example Stream output through one buffer
   * ```ts
   * import { Session } from "./session.ts";
   * import { strictEqual } from "node:assert/strict";
   *
   * const peer = { readable: ReadableStream.from([Uint8Array.of(1, 2, 3), Uint8Array.of(4)]), writable: new WritableStream() };
   * await using session = new Session<Uint8Array>(peer, { encoding: null });
   * const buffer = new Uint8Array(2);
   * let total = 0;
   * for (let n = await session.readInto(buffer); n !== null; n = await session.readInto(buffer)) {
   *   total += n; // buffer.subarray(0, n) holds the bytes just read
   * }
   * strictEqual(total, 4);
   * ```
   */
  async readInto(buffer: Uint8Array, options?: ReadOptions): Promise<number | null> {
    if (!this.#engine.bytesMode) {
      throw new TypeError(
        "readInto() copies bytes: open the session with `encoding: null`, or read text with chunks()",
      );
    }
    return await this.#engine.readInto(buffer, ANY, options);
  }

  /**
   * Sends data to the peer.
   *
   * @param data Text (sent as UTF-8) or bytes.
   * @param options `secret` to redact it from logs, recordings and error messages;
   * `charDelay` between characters; `timeout` (ms, default: the session's) and `signal` bound
   * the wait when the peer stops reading (or between characters).
   * @returns A promise that settles when the data was handed to the transport.
   * @throws {SessionStateError} When the session is closed, its input was closed by
   * `sendEof()`, or the peer no longer reads (its end of the pipe or socket is closed).
   * @throws {TimeoutError} When the deadline passes first: its `sending` says how many bytes
   * were written, how many stay queued (they go out if the peer reads again; `close()` drops
   * them) and how many were not sent.
   *
   * @example Send text and bytes
   * ```ts
   * import { Session } from "./session.ts";
   * import { strictEqual } from "node:assert/strict";
   *
   * const sent: Uint8Array[] = [];
   * const peer = { readable: new ReadableStream<Uint8Array>(), writable: new WritableStream<Uint8Array>({ write: (c) => void sent.push(c) }) };
   * await using session = new Session(peer);
   * await session.send("hunter2", { secret: true });
   * strictEqual(new TextDecoder().decode(sent[0]), "hunter2");
   * ```
   */
  send(data: string | Uint8Array, options?: SendOptions): Promise<void> {
    // Not an async function: a send the transport takes at once costs no promise chain.
    let pending: Promise<void> | undefined;
    try {
      pending = this.#engine.send(data, options);
    } catch (error) {
      return Promise.reject(this.#gone(error));
    }
    return pending === undefined ? SENT : pending.catch((error) => {
      throw this.#gone(error);
    });
  }

  /** The error a failed send reports: the peer gone, when that is what happened. */
  #gone(error: unknown): unknown {
    return peerGone(error, this.constructor.name) ?? error;
  }

  /**
   * Sends `line` followed by the session's `lineEnding`.
   *
   * @param line The text (or bytes) to send before the line ending.
   * @param options As for {@linkcode Session.send}.
   * @returns A promise that settles when the data was handed to the transport.
   * @throws {SessionStateError} When the session or its input is closed.
   */
  sendLine(line: string | Uint8Array = "", options?: SendOptions): Promise<void> {
    if (options?.secret) this.#engine.addSecret(line);
    if (typeof line === "string") return this.send(line + this.lineEnding, options);
    return this.send(concatBytes(line, toWire(this.lineEnding)), options);
  }

  /**
   * Sends a control character: `sendControl("c")` sends 0x03. Accepts a letter (either
   * case) or one of `@ [ \ ] ^ _ ?` (`?` is DEL, 0x7f).
   *
   * @param char The character to combine with Ctrl.
   * @returns A promise that settles when the byte was handed to the transport.
   * @throws {RangeError} When `char` has no control code.
   */
  async sendControl(char: string): Promise<void> {
    await this.send(new Uint8Array([controlCode(char)]));
  }

  /**
   * Signals end of input to the peer. The default closes the channel's writable (right for
   * pipes and sockets); a pty overrides it to send the terminal's EOF character.
   *
   * @returns A promise that settles when the input is closed.
   * @throws {SessionStateError} When the session is closed.
   */
  async sendEof(): Promise<void> {
    await this.#engine.closeInput();
  }

  /**
   * Interrupts the peer. The default throws: a bare channel has no interrupt (a pty
   * overrides it to send the terminal's interrupt character, Telnet sends IAC IP).
   *
   * @returns A promise that settles when the interrupt was sent.
   * @throws {SessionStateError} Always, with reason `"unsupported"`, unless overridden.
   */
  sendIntr(): Promise<void> {
    return Promise.reject(
      new SessionStateError(
        "unsupported",
        `Cannot send an interrupt: this transport (${this.constructor.name}) has none; ` +
          `use sendControl("c") to send a raw Ctrl-C byte`,
      ),
    );
  }

  /**
   * Adds an observer for everything read, sent and resized from now on.
   *
   * @param observer The callback.
   * @returns A disposable that removes it (`using _ = session.observe(fn)`).
   */
  observe(observer: SessionObserver): Disposable {
    const remove = this.#engine.hub.add(observer);
    return { [Symbol.dispose]: remove };
  }

  /**
   * Gives `hook` every chunk read from now on, in order, before patterns are searched (also
   * during `interact()`); a promise it returns is awaited first, and a hook that throws
   * fails the reading call. A hook object's `flush()` is awaited at end of output and
   * before each reading call returns. Reads happen only while a call waits for output.
   * This is how layers such as `screen/` follow the output.
   *
   * @param hook A function given each chunk, or a {@linkcode ReadHook} object.
   * @returns A disposable that removes it.
   *
   * @example Count what is read
   * ```ts
   * import { Session } from "./session.ts";
   * import { EOF } from "./patterns.ts";
   * import { strictEqual } from "node:assert/strict";
   *
   * const peer = { readable: ReadableStream.from([new TextEncoder().encode("abc")]), writable: new WritableStream() };
   * await using session = new Session(peer);
   * let bytes = 0;
   * using _hook = session.onRead((chunk) => void (bytes += chunk.length));
   * await session.expect(EOF);
   * strictEqual(bytes, 3);
   * ```
   */
  onRead(hook: ReadHook | ReadHook["read"]): Disposable {
    const remove = this.#engine.addReadHook(typeof hook === "function" ? { read: hook } : hook);
    return { [Symbol.dispose]: remove };
  }

  /**
   * Hands the session to the user's terminal until the escape character (default Ctrl-],
   * 0x1D) is typed or the output ends: what the user types is sent, the output is shown.
   * Raw mode is set and restored on every exit path; size changes go to
   * `onWindowChange()`. With a terminal that is not a tty, input is piped until it ends,
   * then `sendEof()` is called and output is shown until it ends.
   *
   * @param options The terminal (injected: the engine knows no platform API), escape
   * character, filters and abort signal.
   * @returns How it ended.
   * @throws {SessionStateError} When the session is closed or another call is reading.
   *
   * @example Pipe scripted input through
   * ```ts
   * import { Session } from "./session.ts";
   * import { strictEqual } from "node:assert/strict";
   *
   * const peer = new TransformStream<Uint8Array, Uint8Array>();
   * await using session = new Session(peer);
   * const shown: string[] = [];
   * const r = await session.interact({
   *   terminal: {
   *     readable: ReadableStream.from([new TextEncoder().encode("hello\n")]),
   *     writable: new WritableStream({ write: (c) => void shown.push(new TextDecoder().decode(c)) }),
   *     isTerminal: false,
   *   },
   * });
   * strictEqual(r.reason, "eof");
   * strictEqual(shown.join(""), "hello\n");
   * ```
   */
  async interact(options: InteractOptions): Promise<InteractResult> {
    const engine = this.#engine;
    engine.assertReadable("interact");
    return await runInteract({
      enter: (waiter) => engine.enter(waiter, "interact"),
      leave: (waiter) => engine.leave(waiter),
      takeBuffered: () => engine.takeBuffered(),
      read: (waiter) => engine.read(waiter),
      send: (data) => this.send(data),
      sendEof: () => this.sendEof(),
      windowChange: (cols, rows) => {
        this.notifyWindowChange(cols, rows);
        return this.onWindowChange(cols, rows);
      },
      ended: () => {
        engine.eof = true;
        return this.exitStatus();
      },
    }, options);
  }

  /**
   * Closes the session: wakes any waiting call (it rejects with
   * {@linkcode SessionStateError}), cancels the readable, closes the writable (aborts it if
   * a send is stuck), and releases log and recording streams. Idempotent. Subclasses
   * override it to end their process or connection and call `super.close()`.
   *
   * @returns A promise that settles when everything is released.
   */
  close(): Promise<void> {
    this.#closing ??= this.#engine.release();
    return this.#closing;
  }

  /**
   * Closes the session (`await using session = ...`).
   *
   * @returns A promise that settles when everything is released.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * How the peer ended, for `EOF` results and {@linkcode EOFError}. The default knows
   * nothing; a pty returns its child's status (it is known once EOF is reported).
   *
   * @returns The status, or `undefined`.
   */
  protected exitStatus(): ExitStatus | undefined {
    return undefined;
  }

  /**
   * Whether the peer's terminal echoes what is sent, asked at each send for the `echo`
   * field of `"send"` events (recordings leave input out while it is off, as when a program
   * reads a password). The default cannot tell and says `true`; a pty returns its termios
   * `ECHO` flag.
   *
   * @returns `false` while the terminal's echo is off.
   */
  protected inputEchoed(): boolean {
    return true;
  }

  /**
   * Called by `interact()` when the user's terminal size changes (and once at its start).
   * The default does nothing; a pty overrides it to resize (the child gets SIGWINCH).
   *
   * @param cols Width in cells.
   * @param rows Height in cells.
   * @returns Nothing, or a promise.
   */
  protected onWindowChange(cols: number, rows: number): Promise<void> | void {
    void cols;
    void rows;
  }

  /**
   * Tells observers and the recording that the terminal size is now `cols` x `rows`
   * (a `"resize"` event). `interact()` calls it; transports call it from their own
   * `resize()`.
   *
   * @param cols Width in cells.
   * @param rows Height in cells.
   */
  protected notifyWindowChange(cols: number, rows: number): void {
    this.#engine.emitResize(cols, rows);
  }
}
