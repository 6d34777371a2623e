// Copyright the dexpect authors. MIT license.
/**
 * Conservative static analysis of a RegExp's source, used to bound search work.
 *
 * - {@link canMatchNewline}: `false` only when no part of the regex (including lookarounds)
 *   can consume a `"\n"`. Such a regex's matches, and everything its assertions inspect,
 *   lie within one line plus the line break around it, so a search can restart at the
 *   start of the last incomplete line.
 * - {@link requiredLiteral}: a string every match must contain. Searching for it with
 *   `indexOf` first lets the engine skip running the regex over chunks that cannot match.
 *
 * Both answer "don't know" (`true` / `null`) whenever the source uses something they do not
 * model, which only costs speed, never correctness.
 *
 * @module
 */

const HEX = /^[0-9a-fA-F]+$/;

/** Reads an escape at `source[i] === "\\"`: returns [code point or -1 for a class, next i]. */
function readEscape(source: string, i: number, unicode: boolean): [number, number, string] {
  const c = source[i + 1];
  if (c === undefined) return [0x5c, i + 1, ""];
  switch (c) {
    case "n":
      return [0x0a, i + 2, ""];
    case "r":
      return [0x0d, i + 2, ""];
    case "t":
      return [0x09, i + 2, ""];
    case "v":
      return [0x0b, i + 2, ""];
    case "f":
      return [0x0c, i + 2, ""];
    case "0":
      if (!/[0-9]/.test(source[i + 2] ?? "")) return [0, i + 2, ""];
      return [-1, i + 2, "octal"];
    case "x": {
      const h = source.slice(i + 2, i + 4);
      return HEX.test(h) && h.length === 2 ? [parseInt(h, 16), i + 4, ""] : [0x78, i + 2, ""];
    }
    case "u": {
      if (source[i + 2] === "{" && unicode) {
        const close = source.indexOf("}", i + 3);
        const h = source.slice(i + 3, close);
        if (close > 0 && HEX.test(h)) return [parseInt(h, 16), close + 1, ""];
        return [-1, i + 2, "unknown"];
      }
      const h = source.slice(i + 2, i + 6);
      return HEX.test(h) && h.length === 4 ? [parseInt(h, 16), i + 6, ""] : [0x75, i + 2, ""];
    }
    case "c": {
      const l = source[i + 2];
      if (l !== undefined && /[a-zA-Z]/.test(l)) return [l.charCodeAt(0) % 32, i + 3, ""];
      return [0x5c, i + 1, ""];
    }
    case "d":
    case "D":
    case "w":
    case "W":
    case "s":
    case "S":
    case "b":
    case "B":
      return [-1, i + 2, c];
    case "p":
    case "P": {
      const close = source[i + 2] === "{" ? source.indexOf("}", i + 3) : -1;
      return [-1, close > 0 ? close + 1 : i + 2, "property"];
    }
    case "k": {
      const close = source[i + 2] === "<" ? source.indexOf(">", i + 3) : -1;
      return [-1, close > 0 ? close + 1 : i + 2, "backreference"];
    }
    default:
      if (c >= "1" && c <= "9") {
        let j = i + 2;
        while (j < source.length && source[j] >= "0" && source[j] <= "9") j++;
        return [-1, j, unicode ? "backreference" : "octal"];
      }
      // An identity escape (`\.`, `\$`, `\/`...) or a surrogate pair start.
      return [c.codePointAt(0)!, i + 1 + (c.codePointAt(0)! > 0xffff ? 2 : 1), ""];
  }
}

/** Whether a class escape kind can match "\n". */
function classEscapeMatchesNewline(kind: string, unicode: boolean): boolean {
  switch (kind) {
    case "s":
    case "D":
    case "W":
    case "property":
    case "unknown":
      return true;
    case "octal":
      return !unicode;
    default: // d, w, S, b, B, backreference (to a group analysed on its own)
      return false;
  }
}

/**
 * Scans a character class starting after `[` at `i`; returns [can match "\n", next i].
 */
function scanClass(source: string, i: number, unicode: boolean, sets: boolean): [boolean, number] {
  let negated = false;
  if (source[i] === "^") {
    negated = true;
    i++;
  }
  let hasNewline = false;
  let unsure = false;
  let prev = -1; // previous single character, for ranges
  while (i < source.length && source[i] !== "]") {
    const ch = source[i];
    if (sets && (ch === "[" || (ch === "-" && source[i + 1] === "-") || ch === "&")) {
      // Nested classes and set operations (`v` flag): don't model.
      unsure = true;
      const [, next] = scanClass(source, ch === "[" ? i + 1 : i + 1, unicode, sets);
      i = ch === "[" ? next : i + 1;
      continue;
    }
    let code: number;
    if (ch === "\\") {
      const [c, next, kind] = readEscape(source, i, unicode);
      i = next;
      if (c < 0) {
        if (classEscapeMatchesNewline(kind, unicode)) hasNewline = true;
        if (kind === "b") code = 0x08;
        else {
          prev = -1;
          continue;
        }
      } else code = c;
    } else {
      code = source.codePointAt(i)!;
      i += code > 0xffff ? 2 : 1;
    }
    if (code === 0x2d && prev >= 0 && source[i] !== "]" && i < source.length) {
      // A range prev-next.
      let hi: number;
      if (source[i] === "\\") {
        const [c, next] = readEscape(source, i, unicode);
        i = next;
        hi = c;
      } else {
        hi = source.codePointAt(i)!;
        i += hi > 0xffff ? 2 : 1;
      }
      if (hi < 0) unsure = true;
      else if (prev <= 0x0a && 0x0a <= hi) hasNewline = true;
      prev = -1;
      continue;
    }
    if (code === 0x0a) hasNewline = true;
    prev = code;
  }
  const matches = unsure || (negated ? !hasNewline : hasNewline);
  return [matches, i + 1];
}

/**
 * Whether `re` might consume a `"\n"` character. Conservative: `true` when unsure.
 *
 * @param re The regular expression.
 * @returns `false` only when no match of `re` can contain `"\n"`.
 */
export function canMatchNewline(re: RegExp): boolean {
  const source = re.source;
  const unicode = re.unicode || re.unicodeSets;
  for (let i = 0; i < source.length;) {
    const ch = source[i];
    if (ch === "\\") {
      const [c, next, kind] = readEscape(source, i, unicode);
      if (c === 0x0a || (c < 0 && classEscapeMatchesNewline(kind, unicode))) return true;
      i = next;
    } else if (ch === "[") {
      const [matches, next] = scanClass(source, i + 1, unicode, re.unicodeSets);
      if (matches) return true;
      i = next;
    } else if (ch === ".") {
      if (re.dotAll) return true;
      i++;
    } else if (ch === "\n") {
      return true;
    } else i++;
  }
  return false;
}

/** Skips a group starting at `(` at `i`; returns the index after its `)`. */
function skipGroup(source: string, i: number, unicode: boolean, sets: boolean): number {
  let depth = 0;
  while (i < source.length) {
    const ch = source[i];
    if (ch === "\\") i = readEscape(source, i, unicode)[1];
    else if (ch === "[") i = scanClass(source, i + 1, unicode, sets)[1];
    else {
      if (ch === "(") depth++;
      else if (ch === ")" && --depth === 0) return i + 1;
      i++;
    }
  }
  return i;
}

/**
 * Reads a quantifier at `i`: returns [minimum repetitions, next i], or [1, i] when there is
 * none. Unparseable braces count as "may repeat zero times".
 */
function readQuantifier(source: string, i: number): [number, number] {
  const ch = source[i];
  let min = 1;
  let next = i;
  if (ch === "*" || ch === "?") {
    min = 0;
    next = i + 1;
  } else if (ch === "+") {
    min = 2; // at least one, maybe more: the literal run must end after it
    next = i + 1;
  } else if (ch === "{") {
    const m = /^\{(\d+)(,\d*)?\}/.exec(source.slice(i));
    if (m) {
      const n = Number(m[1]);
      min = n === 0 ? 0 : n === 1 && m[2] === undefined ? 1 : 2;
      next = i + m[0].length;
    } else return [0, i + 1];
  }
  if (next > i && source[next] === "?") next++;
  return [min, next];
}

/**
 * A string every match of `re` must contain, or `null`. Only top-level literal characters
 * are used, and none when the regex has a top-level alternation or the `i` flag. Among the
 * runs found, the last one of length ≥ 3 is chosen (it is the one whose arrival most likely
 * completes a match), else the longest.
 *
 * @param re The regular expression.
 * @returns The literal, or `null` when none is known.
 */
export function requiredLiteral(re: RegExp): string | null {
  if (re.ignoreCase) return null;
  const source = re.source;
  const unicode = re.unicode || re.unicodeSets;
  const runs: string[] = [];
  let run = "";
  const end = () => {
    if (run.length > 0) runs.push(run);
    run = "";
  };
  for (let i = 0; i < source.length;) {
    const ch = source[i];
    let literal: string | null = null;
    let next: number;
    if (ch === "|") return null;
    if (ch === "(") {
      next = skipGroup(source, i, unicode, re.unicodeSets);
    } else if (ch === "[") {
      next = scanClass(source, i + 1, unicode, re.unicodeSets)[1];
    } else if (ch === "\\") {
      const [c, n] = readEscape(source, i, unicode);
      next = n;
      if (c >= 0) literal = String.fromCodePoint(c);
    } else if ("^$.{}])*+?".includes(ch)) {
      next = i + 1;
    } else {
      const cp = source.codePointAt(i)!;
      literal = String.fromCodePoint(cp);
      next = i + (cp > 0xffff ? 2 : 1);
    }
    const [min, after] = readQuantifier(source, next);
    if (literal === null || min === 0) end();
    else {
      run += literal;
      if (min > 1) end();
    }
    i = after;
  }
  end();
  let chosen: string | null = null;
  for (const r of runs) if (r.length >= 3) chosen = r;
  if (chosen !== null) return chosen;
  for (const r of runs) if (chosen === null || r.length > chosen.length) chosen = r;
  return chosen;
}

/**
 * How much of the text before a search's start a regex looks at:
 * - `"none"`: nothing (no `^`, `\b`, `\B` or lookbehind);
 * - `"line"`: only whether it is a line start (`^` with the `m` flag);
 * - `"char"`: the previous character at least (`\b`, `\B`, lookbehind, `^` without `m`).
 * A lookbehind is only safe here when the regex cannot match `"\n"`; callers search such
 * regexes from line starts with one character of context.
 *
 * @param re The regular expression.
 * @returns The kind of context the regex needs.
 */
export function contextNeed(re: RegExp): "none" | "line" | "char" {
  const source = re.source;
  const unicode = re.unicode || re.unicodeSets;
  let need: "none" | "line" | "char" = "none";
  for (let i = 0; i < source.length;) {
    const ch = source[i];
    if (ch === "\\") {
      const [, next, kind] = readEscape(source, i, unicode);
      if (kind === "b" || kind === "B") return "char";
      i = next;
    } else if (ch === "[") {
      i = scanClass(source, i + 1, unicode, re.unicodeSets)[1];
    } else if (
      ch === "(" && source[i + 1] === "?" && source[i + 2] === "<" &&
      /[=!]/.test(source[i + 3] ?? "")
    ) {
      return "char";
    } else if (ch === "^") {
      if (!re.multiline) return "char";
      need = "line";
      i++;
    } else i++;
  }
  return need;
}
