// Copyright the dexpect authors. MIT license.
/**
 * Patterns over what the screen shows: {@linkcode onScreen} and {@linkcode settled}. They
 * mix with stream patterns, `EOF`, `TIMEOUT` and `idle()` in one `expect()`.
 *
 * @module
 */

import { type CustomMatcher, CustomPattern, type MatchContext } from "../expect/custom.ts";
import { screenOf } from "./attach.ts";
import type { Screen } from "./screen.ts";

/**
 * The `match` of a screen pattern: what matched and where (0-based, in cells).
 *
 * @example Reading a match
 * ```ts
 * import type { ScreenMatch } from "./patterns.ts";
 *
 * function where(m: ScreenMatch): string {
 *   return `${m.text} at ${m.row}:${m.col}`;
 * }
 * void where;
 * ```
 */
export interface ScreenMatch {
  /** The matched text (for `settled()`, the whole screen's `text()`). */
  readonly text: string;
  /** Row of the match's first character (for `settled()`, the cursor's). */
  readonly row: number;
  /** Column in cells of the match's first character (for `settled()`, the cursor's). */
  readonly col: number;
  /** The RegExp's match, for a RegExp pattern (indices count in `screen.text()`). */
  readonly exec: RegExpExecArray | null;
  /** The screen it matched on. */
  readonly screen: Screen;
}

/**
 * Options of {@linkcode onScreen}.
 *
 * @example Text present and the screen still for 200 ms
 * ```ts
 * import type { OnScreenOptions } from "./patterns.ts";
 *
 * const options: OnScreenOptions = { settled: 200 };
 * void options;
 * ```
 */
export interface OnScreenOptions {
  /**
   * Also require that nothing shown (text, colours, attributes, cursor) changed for this
   * many ms: the program finished drawing.
   */
  settled?: number;
}

/** How long a screen may be checked only once caught up, under a flood of output. */
const BEHIND_MS = 50;

function checkMs(ms: number): number {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`Invalid settled: expected milliseconds >= 0, got ${String(ms)}`);
  }
  return ms;
}

/**
 * A pattern over the screen of the session: see {@linkcode onScreen} and
 * {@linkcode settled}.
 *
 * @example Its description in error messages
 * ```ts
 * import { ScreenPattern } from "./patterns.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(new ScreenPattern(/ready/, 100).description, "onScreen(/ready/, settled 100 ms)");
 * ```
 */
export class ScreenPattern extends CustomPattern<ScreenMatch> {
  /** The text or RegExp looked for; `undefined` for `settled()`. */
  readonly target: string | RegExp | undefined;
  /** The quiet period required, in ms. */
  readonly settledMs: number | undefined;
  readonly #regex: RegExp | undefined;

  /**
   * Creates the pattern (use {@linkcode onScreen} or {@linkcode settled}).
   *
   * @param target Text (literal) or RegExp, or `undefined` for the screen settling only.
   * @param settledMs The quiet period in ms.
   * @throws {TypeError} On empty text or without target nor quiet period.
   * @throws {RangeError} On a bad quiet period.
   */
  constructor(target: string | RegExp | undefined, settledMs?: number) {
    super();
    if (target === "" || (target === undefined && settledMs === undefined)) {
      throw new TypeError("Cannot create a screen pattern: give non-empty text or a RegExp");
    }
    this.target = target;
    this.settledMs = settledMs === undefined ? undefined : checkMs(settledMs);
    if (target instanceof RegExp) {
      this.#regex = new RegExp(target.source, target.flags.replace(/[gy]/g, ""));
    }
  }

  /** How error messages name it. */
  get description(): string {
    const t = this.target;
    if (t === undefined) return `settled(${this.settledMs} ms)`;
    const what = t instanceof RegExp ? `/${t.source}/${t.flags}` : JSON.stringify(t);
    return this.settledMs === undefined
      ? `onScreen(${what})`
      : `onScreen(${what}, settled ${this.settledMs} ms)`;
  }

  /**
   * Starts the matcher of one call on the session's screen.
   *
   * @param context The call.
   * @returns The matcher.
   * @throws {TypeError} When the session has no screen.
   */
  start(context: MatchContext): CustomMatcher<ScreenMatch> {
    const screen = screenOf(context.session);
    if (screen === undefined) {
      throw new TypeError(
        `Cannot expect ${this.description}: the session has no screen; ` +
          "spawn with { screen: true } or call attachScreen(session) first",
      );
    }
    const ms = this.settledMs;
    let version = -1;
    let shown = "";
    let since = context.started;
    const stable = (now: number): boolean => {
      if (ms === undefined) return true;
      if (screen.version !== version) {
        version = screen.version;
        const next = screen.fingerprint();
        if (next !== shown) {
          since = now;
          shown = next;
        }
      }
      return now - since >= ms;
    };
    let first = true;
    let looked = context.started;
    let found = -1; // the screen version `hit` was found on
    let hit: ScreenMatch | null = null;
    // Output is parsed asynchronously: check again each time some was applied.
    const remove = screen.onApplied(() => context.recheck());
    return {
      check: (now) => {
        if (first) {
          // What was shown before the call counts as unchanged since its start.
          first = false;
          version = screen.version;
          shown = screen.fingerprint();
        }
        // Output still queued: this is a state in the middle of what was read; the screen
        // is checked again once it caught up (fewer half-drawn states, less work), or
        // every 50 ms under a flood that keeps it behind.
        if (screen.pending > 0 && now - looked < BEHIND_MS) return null;
        looked = now;
        if (found !== screen.version) {
          found = screen.version;
          hit = this.#find(screen);
        }
        if (hit === null || !stable(now)) return null;
        return { match: hit };
      },
      dispose: remove,
      recheckIn: (now) => {
        // Output still queued: look again once the flood allowance has passed.
        if (screen.pending > 0) return Math.max(0, looked + BEHIND_MS - now);
        // Only a hit waiting to be stable needs a timer (new output nudges the rest). Once
        // its time has passed (timers fire late or early by a millisecond), check at once:
        // returning nothing here would leave the call waiting for output that never comes.
        if (ms === undefined || hit === null || found !== screen.version) return undefined;
        return Math.max(0, since + ms - now);
      },
      report: () => this.#report(screen, context),
    };
  }

  #find(screen: Screen): ScreenMatch | null {
    const text = screen.text();
    const target = this.target;
    if (target === undefined) {
      const { row, col } = screen.cursor;
      return { text, row, col, exec: null, screen };
    }
    let index: number;
    let matched: string;
    let exec: RegExpExecArray | null = null;
    if (this.#regex !== undefined) {
      exec = this.#regex.exec(text);
      if (exec === null) return null;
      index = exec.index;
      matched = exec[0];
    } else {
      index = text.indexOf(target as string);
      if (index < 0) return null;
      matched = target as string;
    }
    const lineStart = text.lastIndexOf("\n", index - 1) + 1;
    let row = 0;
    for (let i = text.indexOf("\n"); i >= 0 && i < index; i = text.indexOf("\n", i + 1)) row++;
    return { text: matched, row, col: screen.columnOf(row, index - lineStart), exec, screen };
  }

  #report(screen: Screen, context: MatchContext): string {
    let box = screen.toBox();
    const path = screen.svgOnFailure;
    if (path !== undefined) {
      try {
        Deno.writeTextFileSync(path, context.redact(screen.toSvg()));
        box += `\nscreen picture written to ${path}`;
      } catch (error) {
        box += `\nscreen picture not written to ${path}: ${(error as Error).message}`;
      }
    }
    return box;
  }
}

/**
 * A pattern that matches once `target` is on the session's screen, checked after each
 * chunk of output is applied (so text a program draws piecewise, or across a redraw,
 * matches as it appears to a person). Text is literal; a RegExp runs on `screen.text()`
 * (rows joined with `"\n"`, so `^`/`$` with the `m` flag anchor at rows). The result's
 * `match` is a {@linkcode ScreenMatch} with `row` and `col` (cells); unconsumed stream
 * output is consumed into `before`. With `{ settled: ms }` it also waits until the screen
 * stopped changing for `ms`.
 *
 * The session needs a screen: `spawn(cmd, { screen: true })` or `attachScreen(session)`.
 * How output is split into chunks does not change what is on the screen in the end; as
 * with stream patterns, text that is drawn and erased within the same burst of output can
 * be seen in one split and missed in another.
 *
 * @param target Text or RegExp (its `g` and `y` flags are ignored).
 * @param options `settled`: the quiet period in ms.
 * @returns The pattern.
 * @throws {TypeError} On empty text.
 * @throws {RangeError} On a bad quiet period.
 *
 * @example Wait for vim's ruler
 * ```ts ignore
 * import { onScreen } from "@dexpect/dexpect/screen";
 * import { spawn } from "@dexpect/dexpect/pty";
 * await using vim = spawn("vi -u NONE", { screen: true });
 * const r = await vim.expect(onScreen(/(\d+),(\d+)\s+All/));
 * console.log(r.match.row, r.match.exec?.[1]);
 * ```
 */
export function onScreen(target: string | RegExp, options: OnScreenOptions = {}): ScreenPattern {
  return new ScreenPattern(target, options.settled);
}

/**
 * A pattern that matches once nothing shown on the session's screen (text, colours,
 * attributes, cursor) changed for `ms`, counted from the start of the call or the last
 * change. Unlike `idle(ms)`, output that does not change the screen (a redraw of the same
 * content) does not restart the period.
 *
 * @param ms The quiet period in milliseconds.
 * @returns The pattern.
 * @throws {RangeError} If `ms` is negative or not finite.
 *
 * @example Let a menu finish drawing
 * ```ts
 * import { settled } from "@dexpect/dexpect/screen";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(settled(300).description, "settled(300 ms)");
 * // const { match } = await session.expect(settled(300));
 * ```
 */
export function settled(ms: number): ScreenPattern {
  return new ScreenPattern(undefined, checkMs(ms));
}
