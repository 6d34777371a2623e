// Copyright the dexpect authors. MIT license.
/**
 * What `expect()` can wait for.
 *
 * @module
 */

import type { CustomPattern } from "./custom.ts";

/**
 * Pattern for the end of the peer's output. Listing it makes end of stream a result
 * (with `before` holding all remaining output) instead of an {@linkcode EOFError}.
 *
 * @example Wait for a program to finish
 * ```ts
 * import { EOF } from "./patterns.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(typeof EOF, "symbol");
 * // const { before } = await session.expect(EOF);
 * ```
 */
export const EOF: unique symbol = Symbol("EOF");

/**
 * Pattern for the call's deadline. Listing it makes a timeout a result (with `before`
 * holding the unconsumed output, which stays buffered) instead of a
 * {@linkcode TimeoutError}.
 *
 * @example Poll without throwing
 * ```ts
 * import { TIMEOUT } from "./patterns.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(typeof TIMEOUT, "symbol");
 * // const r = await session.expect(["ready", TIMEOUT], { timeout: 100 });
 * ```
 */
export const TIMEOUT: unique symbol = Symbol("TIMEOUT");

/**
 * Pattern that matches once no output has arrived for {@linkcode IdlePattern.ms}
 * milliseconds, counted from the start of the call or the latest chunk, whichever is later:
 * "wait until the screen settles". When it matches, all buffered output is consumed into
 * `before`. Create it with {@linkcode idle}.
 *
 * @example Wait for a quiet period
 * ```ts
 * import { IdlePattern } from "./patterns.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(new IdlePattern(250).ms, 250);
 * ```
 */
export class IdlePattern {
  /** The quiet period in milliseconds. */
  readonly ms: number;

  /**
   * Creates an idle pattern.
   *
   * @param ms The quiet period in milliseconds, a finite number ≥ 0.
   * @throws {RangeError} If `ms` is negative or not finite.
   */
  constructor(ms: number) {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(
        `Cannot create an idle pattern: ms must be a finite number >= 0, got ${ms}`,
      );
    }
    this.ms = ms;
  }
}

/**
 * Creates a pattern that matches when no output has arrived for `ms` milliseconds.
 *
 * @param ms The quiet period in milliseconds.
 * @returns The pattern.
 * @throws {RangeError} If `ms` is negative or not finite.
 *
 * @example Let a full-screen program finish drawing
 * ```ts
 * import { idle } from "./patterns.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const settled = idle(300);
 * strictEqual(settled.ms, 300);
 * // const { before: screen } = await session.expect(settled);
 * ```
 */
export function idle(ms: number): IdlePattern {
  return new IdlePattern(ms);
}

/**
 * One pattern:
 * - `string`: exact text (searched literally, never as a regular expression);
 * - `Uint8Array`: exact bytes (decoded as UTF-8 in text mode);
 * - `RegExp`: searched with its own flags except `g` and `y`, which are ignored; the
 *   object's `lastIndex` is never read or written;
 * - {@linkcode EOF}, {@linkcode TIMEOUT}, {@linkcode IdlePattern}: outcomes;
 * - a {@linkcode CustomPattern}: evaluated by its own matcher (e.g. the screen patterns).
 *
 * @example Every kind of pattern
 * ```ts
 * import { EOF, idle, type Pattern, TIMEOUT } from "./patterns.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const all: Pattern[] = ["$ ", /\d+/, new Uint8Array([0x1b]), EOF, TIMEOUT, idle(100)];
 * strictEqual(all.length, 6);
 * ```
 */
export type Pattern =
  | string
  | RegExp
  | Uint8Array
  | typeof EOF
  | typeof TIMEOUT
  | IdlePattern
  | CustomPattern<unknown>;

/**
 * A pattern accepted by `expectExact()`: anything but a `RegExp`.
 *
 * @example Literal patterns
 * ```ts
 * import { EOF, type ExactPattern } from "./patterns.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const literal: ExactPattern[] = ["a.b*", EOF];
 * strictEqual(literal.length, 2);
 * ```
 */
export type ExactPattern = Exclude<Pattern, RegExp>;

/**
 * An ordered list of patterns; the result carries the `index` of the one that matched.
 *
 * @example A list
 * ```ts
 * import { EOF, type PatternList } from "./patterns.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const list: PatternList = ["login:", /password:/i, EOF];
 * strictEqual(list.length, 3);
 * ```
 */
export type PatternList = readonly Pattern[];

/**
 * Named patterns; the result carries the `key` of the one that matched, typed as the union
 * of the record's keys. Key order is list order.
 *
 * @example A record
 * ```ts
 * import { EOF, type PatternRecord } from "./patterns.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const record: PatternRecord = { prompt: /\$ $/, more: "--More--", done: EOF };
 * strictEqual(Object.keys(record).length, 3);
 * ```
 */
export type PatternRecord = { readonly [key: string]: Pattern };

/**
 * Anything `expect()` accepts: one pattern, a list or a record.
 *
 * @example Three forms
 * ```ts
 * import type { Patterns } from "./patterns.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const forms: Patterns[] = ["$ ", ["$ ", "# "], { user: "$ ", root: "# " }];
 * strictEqual(forms.length, 3);
 * ```
 */
export type Patterns = Pattern | PatternList | PatternRecord;
