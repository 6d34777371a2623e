// Copyright the dexpect authors. MIT license.
/**
 * The custom patterns of one `expect()` call: their matchers, when to check them again,
 * and what they report on failure.
 *
 * @module
 */

import type { CustomMatcher, CustomPattern, MatchContext } from "./custom.ts";
import type { Entry, PatternSet } from "./_search.ts";
import type { Waiter } from "./_waiter.ts";

export class Matchers {
  readonly #entries: readonly Entry[];
  readonly #matchers: CustomMatcher<unknown>[];

  /** Starts the matchers, or returns `undefined` when the set has no custom pattern. */
  static start(set: PatternSet, context: MatchContext): Matchers | undefined {
    const custom = set.custom;
    return custom === undefined || custom.length === 0 ? undefined : new Matchers(custom, context);
  }

  private constructor(entries: readonly Entry[], context: MatchContext) {
    this.#entries = entries;
    this.#matchers = entries.map((e) => (e.pattern as CustomPattern<unknown>).start(context));
  }

  /** The first listed custom pattern that holds now, with its match. */
  check(): [Entry, { match: unknown }] | undefined {
    const now = performance.now();
    for (let i = 0; i < this.#matchers.length; i++) {
      const hit = this.#matchers[i].check(now);
      if (hit !== null) return [this.#entries[i], hit];
    }
    return undefined;
  }

  /** Asks `waiter` for a `"recheck"` when the soonest matcher wants one. */
  schedule(waiter: Waiter): void {
    const now = performance.now();
    let soonest: number | undefined;
    for (const m of this.#matchers) {
      const ms = m.recheckIn?.(now);
      if (ms !== undefined && (soonest === undefined || ms < soonest)) soonest = ms;
    }
    if (soonest !== undefined) waiter.recheck(Math.max(0, soonest));
  }

  /** Releases what the matchers hold. */
  dispose(): void {
    for (const m of this.#matchers) m.dispose?.();
  }

  /** What the matchers say about a failure, passed through `redact`. */
  report(redact: (text: string) => string): string | undefined {
    const parts: string[] = [];
    for (const m of this.#matchers) {
      const text = m.report?.();
      if (text) parts.push(redact(text));
    }
    return parts.length === 0 ? undefined : parts.join("\n");
  }
}
