// Copyright the dexpect authors. MIT license.
/**
 * Errors of the cassette layer.
 *
 * @module
 */

/** Where in a cassette a replay stands. */
export interface ReplayPosition {
  /** 0-based index of the input event among all events. */
  readonly event: number;
  /** The event's line in the file (the header is line 1). */
  readonly line: number;
  /** Seconds from the start of the recording, as recorded. */
  readonly time: number;
  /** Bytes of this event already matched before the difference. */
  readonly offset: number;
}

const SHOWN = 60;

function show(text: string | null): string {
  if (text === null) return "the end of the cassette";
  const cut = text.length > SHOWN ? text.slice(0, SHOWN) + "..." : text;
  return JSON.stringify(cut);
}

/**
 * A replayed session was sent something other than what was recorded: the script changed,
 * or the cassette is for another script. The message shows the expected and received input
 * and where in the cassette the replay stands; a secret received is never shown.
 *
 * @example Catch a changed script
 * ```ts
 * import { replay, ReplayMismatchError } from "./mod.ts";
 * import { parseCassette } from "./format.ts";
 * import { rejects } from "node:assert/strict";
 * const cassette = parseCassette(
 *   '{"version":2,"width":80,"height":24}\n[0,"o","$ "]\n[0.5,"i","ls\\n"]\n',
 * );
 * await using s = replay(cassette);
 * await s.expect("$ ");
 * await rejects(s.sendLine("pwd"), ReplayMismatchError);
 * ```
 */
export class ReplayMismatchError extends Error {
  /** The error class name, `"ReplayMismatchError"`. */
  override name = "ReplayMismatchError";
  /** The recorded input from the point of difference (`null` after the last input). */
  readonly expected: string | null;
  /** What was sent, from the point of difference (`"(secret)"` for a secret). */
  readonly received: string;
  /** Where the replay stands. */
  readonly position: ReplayPosition;
  /** The cassette file, if known. */
  readonly source: string | undefined;

  /**
   * Creates the error.
   *
   * @param expected The recorded input from the difference, or `null` at the end.
   * @param received What was sent from the difference.
   * @param position Where.
   * @param source The cassette file.
   */
  constructor(
    expected: string | null,
    received: string,
    position: ReplayPosition,
    source?: string,
  ) {
    const where = `event ${position.event} (line ${position.line}, ${position.time.toFixed(3)} s${
      position.offset > 0 ? `, byte ${position.offset}` : ""
    })`;
    super(
      `Replay mismatch at ${where}${source ? ` of ${source}` : ""}: expected ${
        show(expected)
      }, received ${received === "(secret)" ? received : show(received)}`,
    );
    this.expected = expected;
    this.received = received;
    this.position = position;
    this.source = source;
  }
}

/**
 * In record mode `"none"` the cassette a session asked for does not exist.
 *
 * @example What it says
 * ```ts
 * import { CassetteNotFoundError } from "./errors.ts";
 * console.log(new CassetteNotFoundError("cassettes/login.cast").message);
 * ```
 */
export class CassetteNotFoundError extends Error {
  /** The error class name, `"CassetteNotFoundError"`. */
  override name = "CassetteNotFoundError";
  /** The file that is missing. */
  readonly path: string;

  /**
   * Creates the error.
   *
   * @param path The file that is missing.
   */
  constructor(path: string) {
    super(
      `Cannot replay cassette ${path}: no such file, and record mode "none" does not record; ` +
        `record it once with DEXPECT_RECORD=once (or record: "once")`,
    );
    this.path = path;
  }
}
