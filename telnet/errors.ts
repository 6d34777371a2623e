/**
 * The error the Telnet client and server throw for connection problems of their own. Expect
 * failures stay the engine's `TimeoutError` and `EOFError`; Deno's own errors (such as
 * `Deno.errors.ConnectionRefused`) pass through unchanged.
 *
 * @module
 */

/**
 * Why a {@linkcode TelnetError} was thrown:
 *
 * - `"timeout"`: the connection attempt took longer than its timeout.
 * - `"reopen"`: `open()` was called on a session that is already open or was closed
 *   (telnetlib: "Do not reopen an already connected instance").
 * - `"io"`: reading from or writing to the connection failed for another reason than the peer
 *   going away (a reset or a close is end of stream, not an error).
 * - `"closed"`: the session was closed before it could write.
 *
 * @example Tell a timeout apart
 * ```ts
 * import type { TelnetErrorReason } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const reason: TelnetErrorReason = "timeout";
 * assert.equal(reason, "timeout");
 * ```
 */
export type TelnetErrorReason = "timeout" | "reopen" | "io" | "closed";

/** Options of the {@linkcode TelnetError} constructor. */
export interface TelnetErrorOptions extends ErrorOptions {
  /** The peer's host name or address, when known. */
  host?: string;
  /** The peer's TCP port, when known. */
  port?: number;
}

/**
 * A Telnet connection failed: see {@linkcode TelnetError.reason}. `cause` holds the underlying
 * error, if any.
 *
 * @example Catch a connection timeout
 * ```ts
 * import { TelnetError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const e = new TelnetError("timeout", "Cannot connect to 10.0.0.1:23: no answer in 100 ms", {
 *   host: "10.0.0.1",
 *   port: 23,
 * });
 * assert.equal(e.name, "TelnetError");
 * assert.equal(e.reason, "timeout");
 * ```
 */
export class TelnetError extends Error {
  /** The error class name, `"TelnetError"`. */
  override name = "TelnetError";
  /** Why it failed. */
  readonly reason: TelnetErrorReason;
  /** The peer's host name or address, when known. */
  readonly host: string | undefined;
  /** The peer's TCP port, when known. */
  readonly port: number | undefined;

  /**
   * Creates the error.
   *
   * @param reason Why it failed.
   * @param message The message, in sentence case, action first.
   * @param options The peer's address and the `cause`.
   */
  constructor(reason: TelnetErrorReason, message: string, options: TelnetErrorOptions = {}) {
    super(message, options);
    this.reason = reason;
    this.host = options.host;
    this.port = options.port;
  }
}
