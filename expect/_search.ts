// Copyright the dexpect authors. MIT license.
/**
 * Compiling patterns and searching a {@link StreamBuffer} incrementally.
 *
 * The search rules (see `Session.expect` for the user-facing version):
 * - Exact strings: each check looks only at data not seen before plus the pattern's
 *   length − 1 characters before it, so total work is linear in the output.
 * - RegExps: each check runs the regex from a *restart point* to the end of the buffer:
 *   - with a search window `w`: no earlier than `end − w` (pexpect's searchwindowsize);
 *   - when the regex cannot match `"\n"` (see `canMatchNewline`): no earlier than the start
 *     of the line holding the first new character (lossless: a match cannot span a line
 *     break);
 *   - otherwise from the start of the unconsumed buffer.
 *   If the regex has a required literal, the regex runs only once that literal occurs
 *   after the restart point (found with `indexOf` over new data only).
 *   The character before the restart point is given to the regex as context, so `^`,
 *   `\b` and one-character lookbehinds see the same text as in a full search.
 * - Winner: the match that starts earliest (ties: first listed) in `"stream"` order, or the
 *   first listed pattern that matches in `"list"` order.
 *
 * @module
 */

import type { StreamBuffer } from "./_buffer.ts";
import { canMatchNewline, requiredLiteral } from "./_regex_analysis.ts";
import { toInternal } from "./_codec.ts";
import { describePattern } from "./_format.ts";
import { EOF, IdlePattern, type Pattern, type Patterns, TIMEOUT } from "./patterns.ts";

/** A RegExp prepared for searching. */
interface CompiledRegex {
  /** Private copy with `g` (for `lastIndex`) and without `y`. */
  readonly re: RegExp;
  readonly lineBounded: boolean;
  readonly literal: string | null;
}

const regexCache = new WeakMap<RegExp, CompiledRegex>();

function compileRegex(user: RegExp): CompiledRegex {
  let c = regexCache.get(user);
  if (c === undefined) {
    const flags = user.flags.replace(/[gy]/g, "") + "g";
    const re = new RegExp(user.source, flags);
    c = { re, lineBounded: !canMatchNewline(re), literal: requiredLiteral(re) };
    regexCache.set(user, c);
  }
  return c;
}

/** One pattern of a call, prepared. */
export interface Entry {
  readonly index: number;
  readonly key: string | undefined;
  readonly pattern: Pattern;
  readonly kind: "exact" | "regex" | "eof" | "timeout" | "idle";
  /** Exact text in internal form (binary string in bytes mode). */
  readonly text: string;
  readonly regex: CompiledRegex | undefined;
}

/** The prepared patterns of a call. */
export interface PatternSet {
  readonly entries: readonly Entry[];
  readonly searchable: readonly Entry[];
  readonly eof: Entry | undefined;
  readonly timeout: Entry | undefined;
  /** The idle entry with the shortest period. */
  readonly idle: Entry | undefined;
  /** Descriptions for error messages. */
  readonly descriptions: readonly string[];
}

function isPattern(p: unknown): p is Pattern {
  return typeof p === "string" || p === EOF || p === TIMEOUT || p instanceof RegExp ||
    p instanceof Uint8Array || p instanceof IdlePattern;
}

/**
 * Prepares the patterns of a call.
 *
 * @throws {TypeError} On an empty list, an unknown pattern, or a RegExp when `exact`.
 */
export function compilePatterns(patterns: Patterns, bytesMode: boolean, exact = false): PatternSet {
  let items: [string | undefined, unknown][];
  if (isPattern(patterns)) items = [[undefined, patterns]];
  else if (Array.isArray(patterns)) items = patterns.map((p) => [undefined, p]);
  else if (typeof patterns === "object" && patterns !== null) items = Object.entries(patterns);
  else throw new TypeError(`Cannot expect ${String(patterns)}: not a pattern, list or record`);
  if (items.length === 0) throw new TypeError("Cannot expect an empty list of patterns");
  const entries: Entry[] = [];
  let eof: Entry | undefined;
  let timeout: Entry | undefined;
  let idle: Entry | undefined;
  for (const [key, pattern] of items) {
    const index = entries.length;
    if (!isPattern(pattern)) {
      throw new TypeError(
        `Cannot expect pattern ${key ?? index}: expected a string, RegExp, Uint8Array, EOF, ` +
          `TIMEOUT or idle(ms), got ${typeof pattern}`,
      );
    }
    let entry: Entry;
    if (pattern instanceof RegExp) {
      if (exact) {
        throw new TypeError(`Cannot expectExact a RegExp (${describePattern(pattern)}): use expect()`);
      }
      entry = { index, key, pattern, kind: "regex", text: "", regex: compileRegex(pattern) };
    } else if (typeof pattern === "string" || pattern instanceof Uint8Array) {
      const text = toInternal(pattern, bytesMode);
      if (text.length === 0) {
        throw new TypeError(`Cannot expect pattern ${key ?? index}: the empty string matches nothing useful`);
      }
      entry = { index, key, pattern, kind: "exact", text, regex: undefined };
    } else {
      const kind = pattern === EOF ? "eof" : pattern === TIMEOUT ? "timeout" : "idle";
      entry = { index, key, pattern, kind, text: "", regex: undefined };
      if (kind === "eof") eof ??= entry;
      else if (kind === "timeout") timeout ??= entry;
      else if (idle === undefined || (pattern as IdlePattern).ms < (idle.pattern as IdlePattern).ms) {
        idle = entry;
      }
    }
    entries.push(entry);
  }
  return {
    entries,
    searchable: entries.filter((e) => e.kind === "exact" || e.kind === "regex"),
    eof,
    timeout,
    idle,
    descriptions: entries.map((e) => describePattern(e.pattern, e.key)),
  };
}

/** A match found in the buffer, in absolute positions. */
export interface Found {
  readonly entry: Entry;
  readonly start: number;
  readonly end: number;
  readonly exec: RegExpExecArray | undefined;
}

/** Per-regex search state. */
interface RegexState {
  /** Absolute position of a known occurrence of the literal, or -1. */
  litPos: number;
  /** Literal searched up to here (absolute). */
  litEnd: number;
}

/** The incremental search of one call. */
export class Searcher {
  readonly #set: PatternSet;
  readonly #buffer: StreamBuffer;
  readonly #window: number | null;
  readonly #listOrder: boolean;
  readonly #states: RegexState[];
  /** Data before this absolute position has been examined. */
  #checked: number;
  /** Start of the line holding the first unexamined character (absolute). */
  #lineStart: number;
  readonly #maxExact: number;
  #first = true;

  constructor(set: PatternSet, buffer: StreamBuffer, window: number | null, listOrder: boolean) {
    this.#set = set;
    this.#buffer = buffer;
    this.#window = window;
    this.#listOrder = listOrder;
    this.#checked = buffer.start;
    this.#lineStart = buffer.start;
    this.#states = set.searchable.map(() => ({ litPos: -1, litEnd: buffer.start }));
    let max = 0;
    for (const e of set.searchable) if (e.text.length > max) max = e.text.length;
    this.#maxExact = max;
  }

  /** Examines the data that arrived since the last call; returns the winning match. */
  search(): Found | null {
    const buffer = this.#buffer;
    const end = buffer.end;
    const start = buffer.start;
    const checked = Math.max(this.#checked, start);
    if (checked >= end && !this.#first) return null;
    this.#first = false;
    let best: Found | null = null;
    let exactRegion = "";
    let exactFrom = -1;
    const searchable = this.#set.searchable;
    for (let i = 0; i < searchable.length; i++) {
      const entry = searchable[i];
      let found: Found | null = null;
      if (entry.kind === "exact") {
        if (exactFrom < 0) {
          exactFrom = Math.max(start, checked - (this.#maxExact - 1));
          exactRegion = buffer.slice(exactFrom, end);
        }
        const from = Math.max(start, checked - (entry.text.length - 1)) - exactFrom;
        const at = exactRegion.indexOf(entry.text, from);
        if (at >= 0) {
          const s = exactFrom + at;
          found = { entry, start: s, end: s + entry.text.length, exec: undefined };
        }
      } else {
        found = this.#searchRegex(entry, this.#states[i], checked);
      }
      if (found === null) continue;
      if (this.#listOrder) {
        best = found;
        break;
      }
      if (best === null || found.start < best.start) best = found;
    }
    this.#checked = end;
    const nl = buffer.lastNewline + 1;
    if (nl > this.#lineStart) this.#lineStart = nl;
    return best;
  }

  #searchRegex(entry: Entry, state: RegexState, checked: number): Found | null {
    const buffer = this.#buffer;
    const { re, lineBounded, literal } = entry.regex!;
    const end = buffer.end;
    let from = buffer.start;
    if (this.#window !== null) from = Math.max(from, end - this.#window);
    if (lineBounded && checked > buffer.start) from = Math.max(from, this.#lineStart);
    if (literal !== null) {
      if (state.litPos < from) {
        const scan = Math.max(from, state.litEnd - (literal.length - 1));
        const at = buffer.slice(scan, end).indexOf(literal);
        state.litPos = at < 0 ? -1 : scan + at;
      }
      state.litEnd = end;
      if (state.litPos < from) return null;
    }
    const ctx = from > buffer.start ? 1 : 0;
    const text = buffer.slice(from - ctx, end);
    re.lastIndex = ctx;
    const m = re.exec(text);
    if (m === null) return null;
    const s = from - ctx + m.index;
    return { entry, start: s, end: s + m[0].length, exec: m };
  }
}
