// Copyright the dexpect authors. MIT license.
// The lexical rules of dialogue files (expect/chat.ts): comments that respect quotes, and the
// tokens of an alternative line (`PATTERN [as NAME] [ACTION; ACTION...]`). Private.

/** Thrown by the lexer; the parser adds the line. */
export class LexError extends Error {}

/**
 * Removes a trailing comment: a `#` that starts a word and is followed by a space or tab,
 * outside double quotes, single quotes and a `/regex/` word. A `#` ending the line, or
 * inside a word (`router#`, `/[#>]/`), is text: `expect router #` keeps its `#`. Single
 * quotes count only in `spawn` lines (`shellQuotes`), where they are the shell's; elsewhere
 * an apostrophe is text (`expect don't # a comment`).
 */
export function stripComment(line: string, shellQuotes = false): string {
  let quote: '"' | "'" | "/" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    const wordStart = i === 0 || line[i - 1] === " " || line[i - 1] === "\t";
    if (quote !== undefined) {
      if (c === "\\" && quote !== "'") i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || (c === "'" && shellQuotes)) {
      quote = c;
    } else if (c === "/" && wordStart) {
      quote = "/";
    } else if (c === "#" && wordStart && (i === 0 || /[ \t]/.test(line[i + 1] ?? ""))) {
      return line.slice(0, i).trimEnd();
    }
  }
  return line.trimEnd();
}

/** A token: its text as written (quotes and slashes kept) and where the rest begins. */
export interface Token {
  readonly text: string;
  readonly rest: string;
}

/** Reads one word, a `"quoted string"` (C escapes kept) or a `/regex/flags`, from `text`. */
export function readToken(text: string): Token | undefined {
  const s = text.trimStart();
  if (s === "") return undefined;
  let end: number;
  if (s[0] === '"' || s[0] === "/") {
    end = closing(s, s[0]);
    if (s[0] === "/") { while (/[dgimsuvy]/.test(s[end] ?? "")) end++; }
  } else {
    end = s.search(/[ \t]|$/);
  }
  const next = s.slice(end);
  if (next !== "" && !/^[ \t;]/.test(next)) {
    throw new LexError(`text follows ${s.slice(0, end)} without a space`);
  }
  return { text: s.slice(0, end), rest: next };
}

/** The index just past the quote that closes `s[0]`. */
function closing(s: string, quote: string): number {
  for (let i = 1; i < s.length; i++) {
    if (s[i] === "\\") i++;
    else if (s[i] === quote) return i + 1;
  }
  throw new LexError(quote === '"' ? "a double quote is not closed" : "a /regex/ is not closed");
}

/** Splits action text on `;` outside double quotes; trims each part, drops empty ones. */
export function splitActions(text: string): string[] {
  const parts: string[] = [];
  let from = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (quoted && text[i] === "\\") i++;
    else if (text[i] === '"') quoted = !quoted;
    else if (!quoted && text[i] === ";") {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  if (quoted) throw new LexError("a double quote is not closed");
  parts.push(text.slice(from));
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

/** `as NAME` after a pattern: the name and the rest, or `undefined` when absent. */
export function readCapture(rest: string): { name: string; rest: string } | undefined {
  const m = /^[ \t]+as[ \t]+([A-Za-z_]\w*)(?=[ \t;]|$)(.*)$/s.exec(rest);
  return m ? { name: m[1], rest: m[2] } : undefined;
}
