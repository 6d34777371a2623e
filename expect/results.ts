// Copyright the dexpect authors. MIT license.
/**
 * The typed results of `expect()` and friends.
 *
 * @module
 */

import type { ExitStatus } from "./channel.ts";
import type { Pattern, PatternList, PatternRecord } from "./patterns.ts";
import type { CustomPattern } from "./custom.ts";

/**
 * The data type of a session: `string` in text mode, `Uint8Array` in bytes mode
 * (`encoding: null`).
 *
 * @example Both modes
 * ```ts
 * import type { Data } from "./results.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const text: Data = "ok";
 * const bytes: Data = new Uint8Array([0x6f, 0x6b]);
 * strictEqual(bytes.length, text.length);
 * ```
 */
export type Data = string | Uint8Array;

/**
 * The type of `match` for pattern `P`: `RegExpExecArray` for a `RegExp`, the matched data
 * for a string or byte pattern, `null` for `EOF`, `TIMEOUT` and `IdlePattern`, what its
 * matcher returned for a `CustomPattern`.
 *
 * In bytes mode a `RegExp` runs over a "binary string" (one character per byte), so the
 * strings in its `RegExpExecArray` hold one character per byte too.
 *
 * @example Narrowing by pattern
 * ```ts
 * import type { MatchOf } from "./results.ts";
 *
 * const m: MatchOf<RegExp, string> = /b/.exec("abc")!;
 * const s: MatchOf<"abc", string> = "abc";
 * const n: MatchOf<symbol, string> = null;
 * void [m, s, n];
 * ```
 */
export type MatchOf<P, D extends Data> = P extends CustomPattern<infer M> ? M
  : P extends RegExp ? RegExpExecArray
  : P extends string | Uint8Array ? D
  : null;

/**
 * One result: the pattern that won, where, and the data around it.
 *
 * `before` is everything since the previous consumed match up to the start of this one;
 * `after` is the matched data (empty for outcomes). With `EOF`, `IdlePattern` and
 * `TIMEOUT`, `before` is all unconsumed data; a `TIMEOUT` leaves it buffered.
 *
 * @typeParam P The pattern that matched.
 * @typeParam D The session's data type.
 * @typeParam I The pattern's index (a literal for tuples).
 * @typeParam K The pattern's key in a record, `undefined` otherwise.
 *
 * @example Reading a result
 * ```ts
 * import type { ExpectResult } from "./results.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const r: ExpectResult<"$ ", string, 0> = {
 *   index: 0, key: undefined, pattern: "$ ", match: "$ ", before: "hello\n", after: "$ ",
 * };
 * strictEqual(r.before + r.after, "hello\n$ ");
 * ```
 */
export interface ExpectResult<
  P extends Pattern = Pattern,
  D extends Data = string,
  I extends number = number,
  K extends string | undefined = undefined,
> {
  /** Position of the pattern in the list (or record key order); 0 for a single pattern. */
  readonly index: I;
  /** Key of the pattern when patterns were given as a record, else `undefined`. */
  readonly key: K;
  /** The pattern that matched. */
  readonly pattern: P;
  /**
   * The match: `RegExpExecArray` for a `RegExp` (its `index` counts from the start of
   * `before`, its `input` is `before` + `after`), the matched data for a string or bytes,
   * `null` for outcomes.
   */
  readonly match: MatchOf<P, D>;
  /** Data from the previous consumed match up to this one. */
  readonly before: D;
  /** The matched data; empty for `EOF`, `TIMEOUT` and idle. */
  readonly after: D;
  /** For `EOF`: how the child ended, when the transport knows (a pty does). */
  readonly exitStatus?: ExitStatus;
}

/**
 * Result of a single pattern.
 *
 * @example The result of one RegExp
 * ```ts
 * import type { SingleResult } from "./results.ts";
 *
 * type R = SingleResult<RegExp, string>;
 * const index: R["index"] = 0;
 * void index;
 * ```
 */
export type SingleResult<P extends Pattern, D extends Data> = ExpectResult<P, D, 0, undefined>;

/**
 * The numeric type of a tuple key: `"0"` → `0`; `number` for a plain array's keys.
 *
 * @example A tuple key as a number
 * ```ts
 * import type { TupleIndex } from "./results.ts";
 *
 * const i: TupleIndex<"2"> = 2;
 * void i;
 * ```
 */
export type TupleIndex<I> = I extends `${infer N extends number}` ? N : number;

/**
 * Result of a list: a union over the list's entries, so a `switch (r.index)` narrows
 * `match` when the list is a tuple (as with `const` inference in `expect()`).
 *
 * @example Narrowing on index
 * ```ts
 * import type { ListResult } from "./results.ts";
 * import { EOF } from "./patterns.ts";
 *
 * function onResult(r: ListResult<readonly [RegExp, typeof EOF], string>): string {
 *   switch (r.index) {
 *     case 0: return r.match[0]; // RegExpExecArray
 *     case 1: return String(r.match); // null
 *   }
 * }
 * void onResult;
 * ```
 */
export type ListResult<L extends PatternList, D extends Data> = {
  [I in keyof L]: L[I] extends Pattern ? ExpectResult<L[I], D, TupleIndex<I>, undefined> : never;
}[number];

/**
 * Result of a record: a union over its keys, so a `switch (r.key)` narrows `match`.
 *
 * @example Narrowing on key
 * ```ts
 * import type { RecordResult } from "./results.ts";
 * import { EOF } from "./patterns.ts";
 *
 * function onResult(r: RecordResult<{ num: RegExp; done: typeof EOF }, string>): string {
 *   switch (r.key) {
 *     case "num": return r.match[0];
 *     case "done": return r.before;
 *   }
 * }
 * void onResult;
 * ```
 */
export type RecordResult<R extends PatternRecord, D extends Data> = {
  [K in keyof R & string]: ExpectResult<R[K], D, number, K>;
}[keyof R & string];

/**
 * The result type of `expect(patterns)` for any accepted form.
 *
 * @example The result of a record of patterns
 * ```ts
 * import type { ResultOf } from "./results.ts";
 *
 * type R = ResultOf<{ ok: "OK"; err: RegExp }, string>;
 * const key: R["key"] = "ok";
 * void key;
 * ```
 */
export type ResultOf<P, D extends Data> = P extends Pattern ? SingleResult<P, D>
  : P extends PatternList ? ListResult<P, D>
  : P extends PatternRecord ? RecordResult<P, D>
  : never;
