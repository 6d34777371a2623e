// Copyright the dexpect authors. MIT license.
/**
 * Observing what a session reads and sends: pexpect's `logfile_read` / `logfile_send`.
 * The engine notifies observers; it never prints.
 *
 * @module
 */

/**
 * Something that happened on a session, as observers see it. `time` is
 * `performance.now()` when it happened, in milliseconds.
 *
 * - `"read"`: bytes that arrived from the peer (also during `interact()`), with every
 *   occurrence of a secret sent so far (its echo) as `***`, even when it arrives split over
 *   several reads: a tail that could begin a secret is held back (never longer than the
 *   longest secret) until more output shows whether it does, or the output ends.
 *   Results and `interact()`'s screen are not redacted.
 * - `"send"`: bytes written to the peer; with `secret: true` the data is `***`. `echo` is
 *   `false` when the peer's terminal did not echo input at that moment (a pty whose termios
 *   `ECHO` flag is off, as while a program reads a password); absent or `true` otherwise.
 * - `"resize"`: the terminal size changed to `cols` x `rows` cells (from `interact()` or
 *   a transport's `resize`).
 *
 * @example Counting bytes
 * ```ts
 * import type { SessionEvent } from "./observers.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * let read = 0;
 * const observer = (e: SessionEvent) => {
 *   if (e.type === "read") read += e.data.length;
 * };
 * observer({ type: "read", data: new Uint8Array(3), time: 0 });
 * strictEqual(read, 3);
 * ```
 */
export type SessionEvent =
  | { readonly type: "read"; readonly data: Uint8Array; readonly time: number }
  | {
    readonly type: "send";
    readonly data: Uint8Array;
    readonly time: number;
    readonly secret: boolean;
    readonly echo?: boolean;
  }
  | {
    readonly type: "resize";
    readonly cols: number;
    readonly rows: number;
    readonly time: number;
  };

/**
 * A callback told about every {@linkcode SessionEvent}. It runs synchronously on the
 * engine's path, so it should be quick; exceptions it throws are ignored.
 *
 * @example Mirror the peer's output
 * ```ts
 * import type { SessionObserver } from "./observers.ts";
 *
 * const chunks: Uint8Array[] = [];
 * const observer: SessionObserver = (e) => {
 *   if (e.type === "read") chunks.push(e.data);
 * };
 * void observer;
 * ```
 */
export type SessionObserver = (event: SessionEvent) => void;

/**
 * Where a log goes: a callback given the bytes, or a `WritableStream` the session writes to
 * in order. A callback runs synchronously on the session's path. A stream is fed without
 * waiting, with bounded memory:
 *
 * - Writes are coalesced: while one write is in flight, what comes is queued and then
 *   written as one chunk, so a stream that is slow per write (a file on a slow disk, a
 *   network log) costs few writes.
 * - Backpressure: while more than 1 MiB waits for a stream, the session reads no more
 *   output (the peer waits, as pexpect, Tcl Expect and script(1) wait for their log file),
 *   and a call's deadline and signal still apply while it waits. Output is never lost.
 * - Sent data does not wait for a log: beyond 4 MiB waiting, it is dropped and a line
 *   `[dexpect: N bytes not logged: the log target was too slow]` is written in its place.
 * - `close()` waits for what is queued (at most 2 s, then gives up on a stream that takes
 *   nothing) and releases the stream's lock without closing it, so the owner can close it.
 *
 * @example Both kinds
 * ```ts
 * import type { LogTarget } from "./observers.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const toCallback: LogTarget = (data) => void data;
 * const toStream: LogTarget = new WritableStream<Uint8Array>();
 * strictEqual(typeof toCallback, "function");
 * void toStream;
 * ```
 */
export type LogTarget = WritableStream<Uint8Array> | ((data: Uint8Array) => void);
