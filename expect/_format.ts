// Copyright the dexpect authors. MIT license.
/**
 * Human-readable descriptions for error messages.
 *
 * @module
 */

import { EOF, IdlePattern, type Pattern, TIMEOUT } from "./patterns.ts";
import { CustomPattern } from "./custom.ts";

/** How many characters of trailing output errors keep. */
export const TAIL_LENGTH = 512;

/**
 * Escapes control characters (C0, DEL, C1) so output is readable on one line: `\r`, `\n`,
 * `\t`, `\e`... as `\xNN`/`\uNNNN`. In bytes mode (`binary`), every byte ≥ 0x80 is `\xNN`.
 */
export function escapeControl(text: string, binary = false): string {
  let out = "";
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x5c) continue;
    if (c >= 0xa0 && !binary && c !== 0x2028 && c !== 0x2029) continue;
    out += text.slice(run, i);
    run = i + 1;
    switch (c) {
      case 0x0a:
        out += "\\n";
        break;
      case 0x0d:
        out += "\\r";
        break;
      case 0x09:
        out += "\\t";
        break;
      case 0x5c:
        out += "\\\\";
        break;
      default:
        out += c <= 0xff
          ? "\\x" + c.toString(16).padStart(2, "0")
          : "\\u" + c.toString(16).padStart(4, "0");
    }
  }
  return out + text.slice(run);
}

/** The last {@link TAIL_LENGTH} characters of `text`. */
export function tailOf(text: string): string {
  return text.length > TAIL_LENGTH ? text.slice(-TAIL_LENGTH) : text;
}

// The one rule for hiding secrets in text (tails, reports); logs, observers and recordings
// follow it too, streaming.
export { redactText as redact } from "./_redact.ts";

/** Describes one pattern: `"login:"`, `/\$ $/m`, `EOF`, `TIMEOUT`, `idle(500 ms)`. */
export function describePattern(pattern: Pattern, key?: string): string {
  let s: string;
  if (pattern === EOF) s = "EOF";
  else if (pattern === TIMEOUT) s = "TIMEOUT";
  else if (pattern instanceof IdlePattern) s = `idle(${pattern.ms} ms)`;
  else if (pattern instanceof CustomPattern) s = pattern.description;
  else if (pattern instanceof RegExp) s = `/${pattern.source}/${pattern.flags}`;
  else if (pattern instanceof Uint8Array) {
    s = "bytes " + Array.from(pattern, (b) => b.toString(16).padStart(2, "0")).join(" ");
  } else s = `"${escapeControl(pattern).replaceAll('"', '\\"')}"`;
  return key === undefined ? s : `${key}: ${s}`;
}

/** Joins descriptions as `a`, `a or b`, `a, b or c`. */
export function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "nothing";
  return items.slice(0, -1).join(", ") + " or " + items[items.length - 1];
}

/** Formats a duration in whole milliseconds: `850 ms`. */
export function formatMs(ms: number): string {
  return `${Math.round(ms)} ms`;
}
