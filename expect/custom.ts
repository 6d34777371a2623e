// Copyright the dexpect authors. MIT license.
/**
 * The engine's extension points for layers above it: patterns whose matcher owns its state
 * ({@linkcode CustomPattern}) and hooks that see every chunk read before patterns run
 * (`Session.onRead`). The `screen/` layer builds its screen patterns on them; the engine
 * knows nothing of terminals.
 *
 * @module
 */

/**
 * What a {@linkcode CustomPattern} is told when an `expect()` call starts.
 *
 * @example A context as the engine builds it
 * ```ts
 * import type { MatchContext } from "./custom.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const context: MatchContext = { session: {}, started: 0, redact: (t) => t, recheck() {} };
 * strictEqual(context.redact("x"), "x");
 * ```
 */
export interface MatchContext {
  /** The session the call runs on; layers above keep their state keyed by it. */
  readonly session: object;
  /** When the call started (`performance.now()`, ms). */
  readonly started: number;
  /** Replaces the session's secrets (sent with `{ secret: true }`) by `***` in `text`. */
  redact(text: string): string;
  /**
   * Asks the engine to check the call's custom patterns again soon, without new output:
   * for state that a read hook updates asynchronously (a screen catching up).
   */
  recheck(): void;
}

/**
 * One call's matcher for a {@linkcode CustomPattern}. The engine calls {@linkcode check}
 * when the call starts, after each chunk was given to every read hook (so state fed by a
 * hook is current), at end of output, and when {@linkcode recheckIn} asks for it.
 *
 * @typeParam M The type of the result's `match`.
 *
 * @example A matcher that holds after 3 checks
 * ```ts
 * import type { CustomMatcher } from "./custom.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * let n = 0;
 * const m: CustomMatcher<number> = { check: () => (++n >= 3 ? { match: n } : null) };
 * m.check(0);
 * m.check(0);
 * strictEqual(m.check(0)?.match, 3);
 * ```
 */
export interface CustomMatcher<M> {
  /**
   * Whether the pattern holds now.
   *
   * @param now `performance.now()` in ms.
   * @returns `{ match }` (the result's `match`) when it holds, else `null`.
   */
  check(now: number): { readonly match: M } | null;
  /**
   * In how many ms to check again even if no output arrives (e.g. a quiet-period pattern),
   * or `undefined` to check only on output.
   *
   * @param now `performance.now()` in ms.
   */
  recheckIn?(now: number): number | undefined;
  /**
   * Text added to the `TimeoutError`/`EOFError` of a call that failed with this pattern
   * listed (e.g. a picture of the screen). Secrets are redacted by the engine.
   */
  report?(): string | undefined;
  /** Called when the call ends, to release what the matcher holds (listeners). */
  dispose?(): void;
}

/**
 * A pattern evaluated by its own matcher rather than searched in the output text: it can
 * mix with strings, RegExps, `EOF`, `TIMEOUT` and `idle()` in lists and records. When its
 * matcher holds, the result's `match` is what the matcher returned, `before` is all
 * unconsumed output (consumed, as with `idle()`) and `after` is empty. When a text pattern
 * matches in the same chunk, the text pattern wins (in `order: "list"`, the first listed).
 *
 * @typeParam M The type of the result's `match`.
 *
 * @example A pattern that holds once the call has run 10 ms
 * ```ts
 * import { CustomPattern, type CustomMatcher, type MatchContext } from "./custom.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * class After extends CustomPattern<number> {
 *   readonly description = "after(10 ms)";
 *   start(context: MatchContext): CustomMatcher<number> {
 *     const due = context.started + 10;
 *     return {
 *       check: (now) => (now >= due ? { match: now - context.started } : null),
 *       recheckIn: (now) => Math.max(0, due - now),
 *     };
 *   }
 * }
 * strictEqual(new After().description, "after(10 ms)");
 * ```
 */
export abstract class CustomPattern<M = unknown> {
  /** How error messages name the pattern, e.g. `onScreen(/ready/)`. */
  abstract readonly description: string;
  /**
   * Creates the matcher of one call.
   *
   * @param context The session and call.
   * @returns The matcher.
   * @throws {TypeError} When the pattern cannot be used on this session.
   */
  abstract start(context: MatchContext): CustomMatcher<M>;
}

/**
 * Something given every chunk read from the peer, in order, before patterns are searched
 * (`Session.onRead`). A promise returned by `read` is awaited before the reading call goes
 * on (backpressure); `flush` is awaited at end of output and before every reading call
 * returns or throws, so work a hook does asynchronously is complete when the call is.
 *
 * @example Count bytes read
 * ```ts
 * import type { ReadHook } from "./custom.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * let n = 0;
 * const hook: ReadHook = { read: (chunk) => void (n += chunk.length) };
 * hook.read(new Uint8Array(4));
 * strictEqual(n, 4);
 * ```
 */
export interface ReadHook {
  /**
   * Takes one chunk.
   *
   * @param chunk The bytes read.
   */
  read(chunk: Uint8Array): void | Promise<void>;
  /** Completes the work started by `read`. */
  flush?(): void | Promise<void>;
}
