// Copyright the dexpect authors. MIT license.
/**
 * Options of sessions and their calls.
 *
 * @module
 */

import type { LogTarget, SessionObserver } from "./observers.ts";
import type { Data } from "./results.ts";

/**
 * How a session is set up. Every field is optional.
 *
 * @typeParam D The session's data type: `string` (default), or `Uint8Array` with
 * `encoding: null`.
 *
 * @example A session for a slow serial console
 * ```ts
 * import type { SessionOptions } from "./options.ts";
 *
 * const options: SessionOptions = {
 *   timeout: 5_000,
 *   lineEnding: "\r\n",
 *   charDelay: 20,
 *   maxBuffer: 1 << 20,
 *   overflow: "drop-oldest",
 * };
 * void options;
 * ```
 */
export interface SessionOptions<D extends Data = string> {
  /**
   * Default deadline of each call in milliseconds, `null` for none.
   * @default {30_000}
   */
  timeout?: number | null;
  /**
   * `"utf-8"`: output is decoded (streaming, so split characters survive) and results are
   * strings. `null`: bytes mode, results are `Uint8Array` (create the session as
   * `new Session<Uint8Array>(channel, { encoding: null })`).
   * @default {"utf-8"}
   */
  encoding?: [D] extends [Uint8Array] ? null : "utf-8";
  /** What `sendLine()` appends. @default {"\n"} */
  lineEnding?: string;
  /**
   * The most unconsumed output kept, in bytes in bytes mode and in UTF-16 code units in
   * text mode (the same for ASCII; a JS string costs 1 or 2 bytes per unit).
   * @default {8 * 1024 * 1024}
   */
  maxBuffer?: number;
  /**
   * What happens when unconsumed output exceeds `maxBuffer`: `"error"` rejects the
   * waiting call with `BufferOverflowError` (and discards the output); `"drop-oldest"`
   * silently drops the oldest output, like Tcl Expect's `full_buffer`.
   * @default {"error"}
   */
  overflow?: "error" | "drop-oldest";
  /**
   * Default search window for `RegExp` patterns, in code units (bytes in bytes mode):
   * a regex is only tried on the last `searchWindowSize` units. `null`: no window (see
   * `Session.expect` for how work stays bounded without one).
   * @default {null}
   */
  searchWindowSize?: number | null;
  /**
   * Which match wins when several patterns match: `"stream"`, the one that starts earliest
   * in the output (ties: first listed), like pexpect; `"list"`, the first listed pattern
   * that matches anywhere, like Tcl Expect and telnetlib.
   * @default {"stream"}
   */
  order?: "stream" | "list";
  /**
   * Removes terminal control sequences from the output that patterns, `before`/`after`,
   * `buffer` and `lines()` see: CSI (colours, cursor moves, bracketed paste), OSC (titles,
   * ended by BEL or ST), DCS/SOS/PM/APC strings, other `ESC` sequences (charset
   * designations such as `ESC ( B`) and SO/SI. Streaming and independent of how output
   * is split into chunks; logs, recordings and screens still get the raw bytes.
   * @default {false}
   */
  stripAnsi?: boolean;
  /** Delay between characters sent, in milliseconds, for slow devices. @default {0} */
  charDelay?: number;
  /** Callbacks told about everything read, sent and resized. @default {[]} */
  observers?: readonly SessionObserver[];
  /**
   * Where output read from the peer is copied (pexpect's `logfile_read`), the echo of
   * secrets as `***`. A stream that lags makes the session wait (see `LogTarget`).
   */
  logRead?: LogTarget;
  /** Where data sent to the peer is copied, secrets as `***` (pexpect's `logfile_send`). */
  logSend?: LogTarget;
  /**
   * Records the session as asciicast v2 to this stream (see `AsciicastRecorder`). The
   * stream is released, not closed, by `close()`.
   */
  record?: WritableStream<Uint8Array>;
  /**
   * Whether the recording includes sent data as `"i"` events (never while the terminal's
   * echo is off). @default {false}
   */
  recordInput?: boolean;
  /** Terminal width in cells for the recording's header. @default {80} */
  cols?: number;
  /** Terminal height in cells for the recording's header. @default {24} */
  rows?: number;
}

/**
 * Options of one `expect()`-family call.
 *
 * @example A short deadline and a cancel button
 * ```ts
 * import type { ExpectOptions } from "./options.ts";
 *
 * const controller = new AbortController();
 * const options: ExpectOptions = { timeout: 2_000, signal: controller.signal };
 * void options;
 * ```
 */
export interface ExpectOptions {
  /**
   * Total deadline of the call in milliseconds (not an idle timer), `null` for none.
   * @default {the session's timeout}
   */
  timeout?: number | null;
  /** Cancels the call: it rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Search window for `RegExp` patterns. @default {the session's searchWindowSize} */
  searchWindowSize?: number | null;
  /** Which match wins. @default {the session's order} */
  order?: "stream" | "list";
}

/**
 * Options of one send.
 *
 * @example Typing a password
 * ```ts
 * import type { SendOptions } from "./options.ts";
 *
 * const options: SendOptions = { secret: true };
 * void options;
 * ```
 */
export interface SendOptions {
  /**
   * Redacts the data as `***` in logs, recordings and error messages (also where it is
   * echoed back in an error's output tail).
   * @default {false}
   */
  secret?: boolean;
  /** Delay between characters in milliseconds. @default {the session's charDelay} */
  charDelay?: number;
  /**
   * Deadline of the whole send in milliseconds, `null` for none. A peer that stops reading
   * makes the send wait; past the deadline it rejects with a `TimeoutError` whose `sending`
   * says how many bytes were written, how many stay queued (they go out if the peer reads
   * again; `close()` drops them) and how many were not sent.
   * @default {the session's timeout}
   */
  timeout?: number | null;
  /**
   * Cancels the send (waiting for a peer that stopped reading, or between characters); it
   * rejects with the signal's reason. What was queued stays queued, as on a timeout.
   */
  signal?: AbortSignal;
}

/**
 * Options of iteration (`lines()`, `chunks()`): applied to each step.
 *
 * @example Wait without a deadline
 * ```ts
 * import type { ReadOptions } from "./options.ts";
 *
 * const options: ReadOptions = { timeout: null };
 * void options;
 * ```
 */
export interface ReadOptions {
  /** Deadline of each step in milliseconds, `null` for none. @default {the session's timeout} */
  timeout?: number | null;
  /** Cancels the iteration. */
  signal?: AbortSignal;
}
