// Copyright the dexpect authors. MIT license.
/**
 * The two shapes every transport hands to the engine.
 *
 * @module
 */

/**
 * A bidirectional byte stream: what a transport (pty, Telnet connection, pipes, socket)
 * gives a {@linkcode Session}. `readable` carries the peer's output, `writable` takes what is
 * sent to it.
 *
 * The engine reads `readable` only while a call is waiting for data, keeping at most one
 * `read()` outstanding, so a pull-based source (`highWaterMark: 0`) is read on demand.
 * Writes must therefore complete without anyone reading `readable` (as they do on a pty or
 * a socket, which buffer): an in-memory peer built from a `TransformStream` needs a
 * readable-side `highWaterMark` large enough to hold its replies.
 *
 * When `readable` is a byte stream (`type: "bytes"`, as the Telnet client's is), a text-mode
 * session reads it with a BYOB reader: into a buffer of its own (1 KiB at first, doubling
 * while reads fill it, up to 256 KiB) that it reuses once a chunk is decoded, so streaming
 * text allocates no buffer per read. Bytes-mode sessions keep the chunks they are given.
 *
 * @example Wrap any pair of web streams
 * ```ts
 * import type { Channel } from "./channel.ts";
 * import { ok } from "node:assert/strict";
 *
 * const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
 * const loopback: Channel = { readable, writable };
 * ok(loopback.readable instanceof ReadableStream);
 * ```
 */
export interface Channel {
  /** The peer's output, as bytes. */
  readonly readable: ReadableStream<Uint8Array>;
  /** The peer's input, as bytes. */
  readonly writable: WritableStream<Uint8Array>;
  /**
   * Lets an outstanding read keep the process alive (the default), like `Deno.Conn.ref()`.
   * The engine calls it whenever a call starts waiting for data.
   */
  ref?(): void;
  /**
   * Stops an outstanding read from keeping the process alive, like `Deno.Conn.unref()`. The
   * engine calls it when a call stops waiting (a timeout, an abort) while its read stays
   * outstanding, so a script that ends without `close()` still exits.
   */
  unref?(): void;
  /**
   * Optional fast path for reading, for transports that can read without a promise: the
   * next chunk of `readable` when one is there now (an implementation may wait for it on
   * the spot, a few ms at most), else `undefined`, and the engine reads `readable`. The
   * engine calls it only while it holds `readable`'s lock with no read outstanding, so the
   * chunk is the one `readable` would have given next; end of output and errors are left
   * to `readable`.
   */
  readNow?(): Uint8Array | undefined;
  /**
   * Optional fast path for writing: writes what it can of `bytes` at once, without waiting,
   * and returns how many bytes it wrote (0 when it would block or failed); the engine sends
   * the rest through `writable`, which reports any error. Called only while no write of
   * `writable` is in flight, so the order of the bytes is kept.
   */
  writeNow?(bytes: Uint8Array): number;
}

/**
 * How a child process ended, like pexpect's `exitstatus` / `signalstatus`: exactly one of
 * the two is a number once the child has ended normally or by a signal.
 *
 * @example A child killed by SIGTERM
 * ```ts
 * import type { ExitStatus } from "./channel.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const status: ExitStatus = { code: null, signal: 15 };
 * strictEqual(status.code, null);
 * ```
 */
export interface ExitStatus {
  /** The exit code when the child exited normally, else `null`. */
  code: number | null;
  /** The number of the signal that ended the child, else `null`. */
  signal: number | null;
}
