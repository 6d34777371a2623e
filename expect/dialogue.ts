// Copyright the dexpect authors. MIT license.
/**
 * The small text syntax of dialogues written outside TypeScript (the CLI's `--expect` /
 * `--send` and `chat` files): patterns as exact strings or `/regex/flags`, and text with
 * C-style escapes.
 *
 * @module
 */

const REGEX_LITERAL = /^\/(.+)\/([dgimsuvy]*)$/s;

/**
 * Reads a pattern written as text: `/regex/flags` is a RegExp, anything else an exact
 * string. Write `\/...` to match a string that starts with a slash literally.
 *
 * @param text The pattern as written, e.g. `/\$ $/` or `login:`.
 * @returns The RegExp or the exact string.
 * @throws {SyntaxError} When a `/.../` pattern is not a valid RegExp.
 *
 * @example Regex literals and exact strings
 * ```ts
 * import { parsePattern } from "./dialogue.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(parsePattern("/^\\d+$/m"), /^\d+$/m);
 * deepStrictEqual(parsePattern("login:"), "login:");
 * deepStrictEqual(parsePattern("\\/tmp"), "/tmp");
 * ```
 */
export function parsePattern(text: string): string | RegExp {
  if (text.startsWith("\\/")) return text.slice(1);
  const literal = REGEX_LITERAL.exec(text);
  if (!literal) return text;
  try {
    return new RegExp(literal[1], literal[2]);
  } catch (error) {
    throw new SyntaxError(`Cannot read the pattern ${text}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

const ESCAPES: Record<string, string> = {
  n: "\n",
  r: "\r",
  t: "\t",
  "\\": "\\",
  "0": "\0",
  a: "\x07",
  b: "\b",
  e: "\x1b",
  f: "\f",
  v: "\v",
  "'": "'",
  '"': '"',
};

/**
 * Expands C-style escapes: `\r`, `\n`, `\t`, `\\`, `\0`, `\a`, `\b`, `\e` (ESC), `\f`, `\v`,
 * `\'`, `\"` and `\xHH`.
 *
 * @param text Text as written, e.g. `yes\r` or `\x03`.
 * @returns The text with escapes expanded.
 * @throws {SyntaxError} On an unknown escape or a malformed `\x`.
 *
 * @example Expand escapes
 * ```ts
 * import { unescapeText } from "./dialogue.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(unescapeText("ls\\r"), "ls\r");
 * strictEqual(unescapeText("\\x03"), "\x03");
 * ```
 */
export function unescapeText(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{2}|.|$)/gs, (whole, what: string) => {
    if (what.startsWith("x") && what.length === 3) {
      return String.fromCharCode(parseInt(what.slice(1), 16));
    }
    const plain = ESCAPES[what];
    if (plain === undefined) {
      throw new SyntaxError(`Cannot read the escape ${whole || "\\"} in ${JSON.stringify(text)}`);
    }
    return plain;
  });
}
