// Copyright the dexpect authors. MIT license.
/**
 * The errors the engine throws.
 *
 * @module
 */

import type { ExitStatus } from "./channel.ts";
import { escapeControl, formatMs, joinOr } from "./_format.ts";

/**
 * The details every {@linkcode ExpectError} carries.
 *
 * @example The details an error carries
 * ```ts
 * import type { ExpectErrorDetails } from "./errors.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const d: ExpectErrorDetails = { patterns: ['"$ "'], timeout: 1000, waited: 1001, tail: "" };
 * strictEqual(d.patterns.length, 1);
 * ```
 */
export interface ExpectErrorDetails {
  /** Descriptions of the patterns that were awaited, e.g. `"login:"`, `/\$ $/`. */
  readonly patterns: readonly string[];
  /** The call's timeout in milliseconds, `null` for none. */
  readonly timeout: number | null;
  /** How long the call waited, in milliseconds. */
  readonly waited: number;
  /**
   * The last 512 characters of unconsumed output (in bytes mode, one character per byte),
   * with secrets sent with `{ secret: true }` replaced by `***`.
   */
  readonly tail: string;
  /** Whether the session is in bytes mode (changes how `tail` is escaped in messages). */
  readonly binary?: boolean;
  /**
   * What the call's custom patterns reported (e.g. the screen as it was), appended to the
   * message on its own lines; secrets redacted.
   */
  readonly report?: string;
  /** For a send that timed out: how far it got (then `patterns` is empty). */
  readonly sending?: SendProgress;
}

/**
 * How far a send got when its deadline passed, in bytes: `written` were handed to the peer's
 * connection, `queued` stay queued in the transport and go out, in order, if the peer reads
 * again (`close()` drops them), and the rest, `total - written - queued`, was not sent.
 *
 * @example Read the progress of a timed-out send
 * ```ts
 * import type { SendProgress } from "./errors.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const p: SendProgress = { total: 200_000, written: 65_536, queued: 65_536 };
 * strictEqual(p.total - p.written - p.queued, 68_928);
 * ```
 */
export interface SendProgress {
  /** Bytes the call was to send. */
  readonly total: number;
  /** Bytes written. */
  readonly written: number;
  /** Bytes queued in the transport when the deadline passed. */
  readonly queued: number;
}

/**
 * Base class of the errors an `expect()` call rejects with when no pattern matched:
 * `instanceof ExpectError` catches {@linkcode TimeoutError}, {@linkcode EOFError} and
 * {@linkcode BufferOverflowError}.
 *
 * @example Catch any failed expectation
 * ```ts
 * import { ExpectError, TimeoutError } from "./errors.ts";
 * import { ok } from "node:assert/strict";
 *
 * const e = new TimeoutError({ patterns: ['"$ "'], timeout: 10, waited: 10, tail: "abc" });
 * ok(e instanceof ExpectError);
 * ```
 */
export class ExpectError extends Error {
  /** The error class name, `"ExpectError"`. */
  override name = "ExpectError";
  /** Descriptions of the patterns that were awaited. */
  readonly patterns: readonly string[];
  /** The call's timeout in milliseconds, `null` for none. */
  readonly timeout: number | null;
  /** How long the call waited, in milliseconds. */
  readonly waited: number;
  /** The last 512 characters of unconsumed output, secrets redacted. */
  readonly tail: string;
  /** What the call's custom patterns reported (e.g. the screen), if anything. */
  readonly report: string | undefined;

  /**
   * Creates the error.
   *
   * @param message The message.
   * @param details What was awaited and what arrived.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, details: ExpectErrorDetails, options?: ErrorOptions) {
    super(details.report ? `${message}\n${details.report}` : message, options);
    this.report = details.report;
    this.patterns = details.patterns;
    this.timeout = details.timeout;
    this.waited = details.waited;
    this.tail = details.tail;
  }
}

/** `: the last N characters received were "..."` or `: nothing was received`. */
function tailClause(details: ExpectErrorDetails): string {
  if (details.tail.length === 0) return "nothing unconsumed was received";
  return `the last ${details.tail.length} characters received were "${
    escapeControl(details.tail, details.binary)
  }"`;
}

/**
 * The call's deadline passed before any pattern matched (and `TIMEOUT` was not listed).
 * The unconsumed output stays buffered for the next call.
 *
 * @example The message says what, how long and what arrived
 * ```ts
 * import { TimeoutError } from "./errors.ts";
 * import { match } from "node:assert/strict";
 *
 * const e = new TimeoutError({ patterns: ['"$ "'], timeout: 500, waited: 502, tail: "Password:\r\n" });
 * match(e.message, /^Timed out after 502 ms waiting for "\$ ": .*Password:\\r\\n/);
 * ```
 */
export class TimeoutError extends ExpectError {
  /** The error class name, `"TimeoutError"`. */
  override name = "TimeoutError";
  /** For a send (`send`, `sendLine`, ...) whose deadline passed: how far it got. */
  readonly sending: SendProgress | undefined;

  /**
   * Creates the error.
   *
   * @param details What was awaited and what arrived, or for a send how far it got.
   * @param options Standard error options (`cause`).
   */
  constructor(details: ExpectErrorDetails, options?: ErrorOptions) {
    super(
      details.sending === undefined
        ? `Timed out after ${formatMs(details.waited)} waiting for ${joinOr(details.patterns)}: ${
          tailClause(details)
        }`
        : sendingMessage(details.waited, details.sending),
      details,
      options,
    );
    this.sending = details.sending;
  }
}

function sendingMessage(waited: number, { total, written, queued }: SendProgress): string {
  return `Timed out after ${formatMs(waited)} sending ${total} bytes (the peer stopped ` +
    `reading): ${written} written, ${queued} still queued (they go out if the peer reads ` +
    `again; close() drops them), ${total - written - queued} not sent`;
}

/**
 * The peer's output ended before any pattern matched (and `EOF` was not listed).
 * {@linkcode EOFError.exitStatus} says how the child ended when the transport knows.
 *
 * @example Tell EOF from other failures
 * ```ts
 * import { EOFError } from "./errors.ts";
 * import { match, strictEqual } from "node:assert/strict";
 *
 * const e = new EOFError(
 *   { patterns: ["/ready/"], timeout: null, waited: 3, tail: "fatal\n" },
 *   { code: 2, signal: null },
 * );
 * strictEqual(e.exitStatus?.code, 2);
 * match(e.message, /exit code 2/);
 * ```
 */
export class EOFError extends ExpectError {
  /** The error class name, `"EOFError"`. */
  override name = "EOFError";
  /** How the child ended, if known. */
  readonly exitStatus: ExitStatus | undefined;

  /**
   * Creates the error.
   *
   * @param details What was awaited and what arrived.
   * @param exitStatus How the child ended, if known.
   * @param options Standard error options (`cause`).
   */
  constructor(details: ExpectErrorDetails, exitStatus?: ExitStatus, options?: ErrorOptions) {
    const status = exitStatus === undefined
      ? ""
      : exitStatus.signal !== null
      ? ` (child killed by signal ${exitStatus.signal})`
      : exitStatus.code !== null
      ? ` (child exited with exit code ${exitStatus.code})`
      : "";
    super(
      `Reached end of output${status} after ${formatMs(details.waited)} waiting for ${
        joinOr(details.patterns)
      }: ${tailClause(details)}`,
      details,
      options,
    );
    this.exitStatus = exitStatus;
  }
}

/**
 * More than `maxBuffer` bytes of output arrived without a match while the session's
 * `overflow` policy is `"error"`. The unconsumed output is discarded (its tail is in
 * {@linkcode ExpectError.tail}) so the session stays usable.
 *
 * @example Read the buffer limit from the error
 * ```ts
 * import { BufferOverflowError } from "./errors.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const e = new BufferOverflowError(
 *   { patterns: ['"$ "'], timeout: 1000, waited: 20, tail: "yyyy" },
 *   1024,
 * );
 * strictEqual(e.maxBuffer, 1024);
 * ```
 */
export class BufferOverflowError extends ExpectError {
  /** The error class name, `"BufferOverflowError"`. */
  override name = "BufferOverflowError";
  /** The limit that was exceeded, in bytes. */
  readonly maxBuffer: number;

  /**
   * Creates the error.
   *
   * @param details What was awaited and what arrived.
   * @param maxBuffer The limit that was exceeded, in bytes.
   * @param options Standard error options (`cause`).
   */
  constructor(details: ExpectErrorDetails, maxBuffer: number, options?: ErrorOptions) {
    super(
      `Discarded the output after it exceeded maxBuffer (${maxBuffer} bytes) while waiting ${
        formatMs(details.waited)
      } for ${joinOr(details.patterns)}: raise maxBuffer, use overflow: "drop-oldest" or ` +
        `consume output sooner; ${tailClause(details)}`,
      details,
      options,
    );
    this.maxBuffer = maxBuffer;
  }
}

/**
 * A call was made in a state that does not allow it: the session is closed (or was closed
 * while the call waited), or another call is already reading from it.
 *
 * @example Tell why a call was refused
 * ```ts
 * import { SessionStateError } from "./errors.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const e = new SessionStateError("closed", "Cannot expect: the session is closed");
 * strictEqual(e.reason, "closed");
 * ```
 */
export class SessionStateError extends Error {
  /** The error class name, `"SessionStateError"`. */
  override name = "SessionStateError";
  /**
   * `"closed"`: the session (or its input) is closed; `"busy"`: another call is reading;
   * `"unsupported"`: the transport cannot do this (e.g. `sendIntr()` on bare pipes).
   */
  readonly reason: "closed" | "busy" | "unsupported";

  /**
   * Creates the error.
   *
   * @param reason Why the call cannot proceed.
   * @param message The message.
   * @param options Standard error options (`cause`).
   */
  constructor(reason: "closed" | "busy" | "unsupported", message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}
