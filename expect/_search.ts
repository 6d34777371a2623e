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
import { canMatchNewline, contextNeed, requiredLiteral } from "./_regex_analysis.ts";
import { toInternal } from "./_codec.ts";
import { describePattern } from "./_format.ts";
import { EOF, IdlePattern, type Pattern, type Patterns, TIMEOUT } from "./patterns.ts";
import { CustomPattern } from "./custom.ts";

/** Beyond this many old characters in the line being searched, use the literal gate. */
const LONG_LINE = 1024;

/** A RegExp prepared for searching. */
interface CompiledRegex {
  /** Private copy with `g` (for `lastIndex`) and without `y`. */
  readonly re: RegExp;
  readonly lineBounded: boolean;
  /** A literal every match contains, used to skip work (see {@link useGate}). */
  readonly literal: string | null;
  /**
   * Whether to look for the literal before running the regex. Always for regexes that
   * can match `"\n"` (it is what keeps them from rescanning the buffer at every chunk);
   * for line-bounded ones only when the regex does not start with a literal or `^`,
   * which irregexp already scans for faster than `indexOf`.
   */
  readonly useGate: boolean;
  readonly context: "none" | "line" | "char";
}

const regexCache = new WeakMap<RegExp, CompiledRegex>();

function compileRegex(user: RegExp): CompiledRegex {
  let c = regexCache.get(user);
  if (c === undefined) {
    const flags = user.flags.replace(/[gy]/g, "") + "g";
    const re = new RegExp(user.source, flags);
    const lineBounded = !canMatchNewline(re);
    const literal = requiredLiteral(re);
    const fastStart = /^(\^|[^\\[(.*+?{|)]|\\[^dDwWsSbBpPk1-9])/.test(re.source) && !re.ignoreCase;
    c = {
      re,
      lineBounded,
      literal,
      useGate: literal !== null && (!lineBounded || !fastStart),
      context: contextNeed(re),
    };
    regexCache.set(user, c);
  }
  return c;
}

/** One pattern of a call, prepared. */
export interface Entry {
  readonly index: number;
  readonly key: string | undefined;
  readonly pattern: Pattern;
  readonly kind: "exact" | "regex" | "any" | "eof" | "timeout" | "idle" | "custom";
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
  /** The {@link CustomPattern} entries, in list order. */
  readonly custom?: readonly Entry[];
  /** Descriptions for error messages. */
  readonly descriptions: readonly string[];
}

function isPattern(p: unknown): p is Pattern {
  return typeof p === "string" || p === EOF || p === TIMEOUT || p instanceof RegExp ||
    p instanceof Uint8Array || p instanceof IdlePattern || p instanceof CustomPattern;
}

/**
 * Prepares the patterns of a call.
 *
 * @throws {TypeError} On an empty list, an unknown pattern, or a RegExp when `exact`.
 */
export function compilePatterns(patterns: Patterns, bytesMode: boolean, exact = false): PatternSet {
  if (typeof patterns === "string" || patterns instanceof Uint8Array) {
    // The common call, one literal, without the general path's lists.
    const entry = exactEntry(patterns, undefined, 0, bytesMode);
    return new CompiledSet([entry], undefined, undefined, undefined, false);
  }
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
  let custom = false;
  for (const [key, pattern] of items) {
    const index = entries.length;
    if (!isPattern(pattern)) {
      throw new TypeError(
        `Cannot expect pattern ${key ?? index}: expected a string, RegExp, Uint8Array, EOF, ` +
          `TIMEOUT, idle(ms) or a custom pattern, got ${typeof pattern}`,
      );
    }
    let entry: Entry;
    if (pattern instanceof RegExp) {
      if (exact) {
        throw new TypeError(
          `Cannot expectExact a RegExp (${describePattern(pattern)}): use expect()`,
        );
      }
      entry = { index, key, pattern, kind: "regex", text: "", regex: compileRegex(pattern) };
    } else if (typeof pattern === "string" || pattern instanceof Uint8Array) {
      entry = exactEntry(pattern, key, index, bytesMode);
    } else if (pattern instanceof CustomPattern) {
      entry = { index, key, pattern, kind: "custom", text: "", regex: undefined };
      custom = true;
    } else {
      const kind = pattern === EOF ? "eof" : pattern === TIMEOUT ? "timeout" : "idle";
      entry = { index, key, pattern, kind, text: "", regex: undefined };
      if (kind === "eof") eof ??= entry;
      else if (kind === "timeout") timeout ??= entry;
      else if (
        idle === undefined || (pattern as IdlePattern).ms < (idle.pattern as IdlePattern).ms
      ) {
        idle = entry;
      }
    }
    entries.push(entry);
  }
  return new CompiledSet(entries, eof, timeout, idle, custom);
}

/** The entry of a string or bytes pattern. */
function exactEntry(
  pattern: string | Uint8Array,
  key: string | undefined,
  index: number,
  bytesMode: boolean,
): Entry {
  const text = toInternal(pattern, bytesMode);
  if (text.length === 0) {
    throw new TypeError(
      `Cannot expect pattern ${key ?? index}: the empty string matches nothing useful`,
    );
  }
  return { index, key, pattern, kind: "exact", text, regex: undefined };
}

/** A {@link PatternSet} whose descriptions are made only when an error message needs them. */
class CompiledSet implements PatternSet {
  readonly searchable: readonly Entry[];
  readonly custom: readonly Entry[];
  #descriptions: readonly string[] | undefined;

  constructor(
    readonly entries: readonly Entry[],
    readonly eof: Entry | undefined,
    readonly timeout: Entry | undefined,
    readonly idle: Entry | undefined,
    custom: boolean,
  ) {
    this.searchable = entries.length === 1 && entries[0].kind === "exact"
      ? entries
      : entries.filter((e) => e.kind === "exact" || e.kind === "regex" || e.kind === "any");
    this.custom = custom ? entries.filter((e) => e.kind === "custom") : NONE;
  }

  get descriptions(): readonly string[] {
    return this.#descriptions ??= this.entries.map((e) => describePattern(e.pattern, e.key));
  }
}

const NONE: readonly Entry[] = [];

/** A match found in the buffer, in absolute positions. */
export interface Found {
  readonly entry: Entry;
  readonly start: number;
  readonly end: number;
  readonly exec: RegExpExecArray | undefined;
}

/**
 * First occurrence of `text` in the buffer at or after absolute position `from`, knowing
 * that the data before `seen` holds no occurrence (it was searched before). Only the
 * boundary (`text.length − 1` characters either side of `seen`) and the new data are
 * searched; the new data is usually one piece, searched in place without copying.
 */
function findText(buffer: StreamBuffer, text: string, from: number, seen: number): number {
  let lo = Math.max(from, seen - (text.length - 1));
  if (lo < seen) {
    const edge = buffer.slice(lo, Math.min(buffer.end, seen + text.length - 1));
    const at = edge.indexOf(text);
    if (at >= 0) return lo + at;
    lo = seen;
  }
  const at = buffer.slice(lo).indexOf(text);
  return at < 0 ? -1 : lo + at;
}

/** Per-regex search state. */
interface RegexState {
  /** Absolute position of a known occurrence of the literal, or -1. */
  litPos: number;
  /** Literal searched up to here (absolute). */
  litEnd: number;
}

const NO_STATES: RegexState[] = [];

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
  #first = true;

  constructor(set: PatternSet, buffer: StreamBuffer, window: number | null, listOrder: boolean) {
    this.#set = set;
    this.#buffer = buffer;
    this.#window = window;
    this.#listOrder = listOrder;
    this.#checked = buffer.start;
    this.#lineStart = buffer.start;
    // Only RegExps keep state: a call for one literal allocates none.
    this.#states = set.searchable.some((e) => e.kind === "regex")
      ? set.searchable.map(() => ({ litPos: -1, litEnd: buffer.start }))
      : NO_STATES;
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
    const searchable = this.#set.searchable;
    for (let i = 0; i < searchable.length; i++) {
      const entry = searchable[i];
      let found: Found | null = null;
      if (entry.kind === "exact") {
        const at = findText(buffer, entry.text, start, checked);
        if (at >= 0) found = { entry, start: at, end: at + entry.text.length, exec: undefined };
      } else if (entry.kind === "regex") {
        found = this.#searchRegex(entry, this.#states[i], checked);
      } else if (end > start) {
        // "any" (chunks()): one piece, so a chunk never joins reads into one big copy.
        found = { entry, start, end: buffer.pieceEnd(start), exec: undefined };
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
    const regex = entry.regex!;
    const end = buffer.end;
    let from = buffer.start;
    let lineStart = true; // whether `from` is known to be a line start
    if (this.#window !== null && end - this.#window > from) {
      from = end - this.#window;
      lineStart = false;
    }
    const incremental = regex.lineBounded && checked > buffer.start;
    if (incremental && this.#lineStart >= from) {
      from = this.#lineStart;
      lineStart = true;
    }
    // Long incomplete lines make the line rule rescan much old data: gate those too.
    if (regex.literal !== null && (regex.useGate || checked - from > LONG_LINE)) {
      const literal = regex.literal!;
      if (state.litPos < from) {
        state.litPos = findText(buffer, literal, from, state.litEnd);
        // Searched up to the occurrence found (later ones are looked for next time).
        state.litEnd = state.litPos >= 0 ? state.litPos + literal.length : end;
      }
      if (state.litPos < from) return null;
    }
    if (incremental && from < checked) {
      // First the incomplete line the new data continues, up to its "\n" (matches cannot
      // cross it), then the rest, which usually lies in one piece and is searched in place.
      const nl = findText(buffer, "\n", checked, checked);
      const found = this.#exec(entry, from, lineStart, nl < 0 ? end : nl + 1);
      if (found !== null && (nl < 0 || found.start <= nl)) return found;
      if (nl < 0) return null;
      from = nl + 1;
      lineStart = true;
    }
    return this.#exec(entry, from, lineStart, end);
  }

  /** Runs the regex on [from, to) with the context it needs before `from`. */
  #exec(entry: Entry, from: number, lineStart: boolean, to: number): Found | null {
    const buffer = this.#buffer;
    const { re, context } = entry.regex!;
    const ctx = from > buffer.start && (context === "char" || (context === "line" && !lineStart))
      ? 1
      : 0;
    const text = buffer.slice(from - ctx, to);
    re.lastIndex = ctx;
    const m = re.exec(text);
    if (m === null) return null;
    const s = from - ctx + m.index;
    return { entry, start: s, end: s + m[0].length, exec: m };
  }
}

/**
 * An internal pattern set: `"line"` waits for `"\n"` or EOF (for `lines()`); `"any"`
 * matches all buffered output as soon as there is some, or EOF (for `chunks()`).
 */
export function internalSet(kind: "line" | "any"): PatternSet {
  const set = compilePatterns(kind === "line" ? ["\n", EOF] : [EOF], false);
  if (kind === "line") {
    const { entries, searchable, eof, timeout, idle, custom } = set;
    return { entries, searchable, eof, timeout, idle, custom, descriptions: ["a line"] };
  }
  const any: Entry = {
    index: 0,
    key: undefined,
    pattern: EOF,
    kind: "any",
    text: "",
    regex: undefined,
  };
  const eof: Entry = { ...set.entries[0], index: 1 };
  return {
    entries: [any, eof],
    searchable: [any],
    eof,
    timeout: undefined,
    idle: undefined,
    descriptions: ["any output"],
  };
}
