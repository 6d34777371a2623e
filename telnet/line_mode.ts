// Copyright the dexpect authors. MIT license.
/**
 * NVT line mode for an interactive Telnet client, as telnet(1) falls back to it: when the
 * server does not echo, keys are echoed locally and edited on the line (Backspace, Ctrl-U,
 * Ctrl-W), and the line is sent when Enter is pressed. When the server echoes (WILL ECHO),
 * keys go out one by one (character mode). Used as `interact()`'s `inputFilter`; no I/O.
 *
 * @module
 */

/** `"line"`: local echo and editing, a line at a time; `"character"`: each key at once. */
export type NvtMode = "line" | "character";

/**
 * The mode telnet(1) would pick: character mode when the server echoes what we type
 * (it asked WILL ECHO and we agreed), line mode otherwise (RFC 854's NVT default).
 *
 * @param serverEchoes Whether the server's ECHO option is enabled.
 * @returns The mode.
 *
 * @example Pick the mode from the negotiated options
 * ```ts
 * import { autoNvtMode } from "./line_mode.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(autoNvtMode(false), "line");
 * strictEqual(autoNvtMode(true), "character");
 * ```
 */
export function autoNvtMode(serverEchoes: boolean): NvtMode {
  return serverEchoes ? "character" : "line";
}

const CR = 0x0d;
const LF = 0x0a;
const BS = 0x08;
const DEL = 0x7f;
const ESC = 0x1b;
const CTRL_U = 0x15;
const CTRL_W = 0x17;
/** Keys passed on at once in line mode: Ctrl-C, Ctrl-D, Ctrl-Z, Ctrl-\ and Ctrl-]. */
const PASS = new Set([0x03, 0x04, 0x1a, 0x1c, 0x1d]);
const ERASE = Uint8Array.of(BS, 0x20, BS);
/** Longest line kept; keys beyond it are dropped (and not echoed) until Enter. */
const MAX_LINE = 4096;

/**
 * A line editor over raw key bytes: echoes what it keeps, returns what to send. In line
 * mode a line goes out (with CR LF) on Enter; Ctrl-C, Ctrl-D, Ctrl-Z, Ctrl-\ and Ctrl-] go
 * out at once (Ctrl-C and Ctrl-U drop the line). Cursor keys and other escape sequences are
 * ignored. In character mode keys pass through, after any half-typed line.
 *
 * @example Edit a line, then send it
 * ```ts
 * import { NvtLineEditor } from "./line_mode.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const shown: string[] = [];
 * const editor = new NvtLineEditor((b) => void shown.push(new TextDecoder().decode(b)));
 * const key = (s: string) => new TextDecoder().decode(editor.feed(new TextEncoder().encode(s), "line"));
 * strictEqual(key("shw"), "");
 * strictEqual(key("\x7fow\r"), "show\r\n");
 * ```
 */
export class NvtLineEditor {
  readonly #echo: (bytes: Uint8Array) => void;
  #line: number[] = [];
  #escape: "none" | "esc" | "csi" = "none";

  /**
   * Creates an editor.
   *
   * @param echo Shows bytes on the user's screen (local echo); called synchronously.
   */
  constructor(echo: (bytes: Uint8Array) => void) {
    this.#echo = echo;
  }

  /** The half-typed line, as bytes. */
  get pending(): Uint8Array {
    return Uint8Array.from(this.#line);
  }

  /**
   * Takes typed bytes and returns the bytes to send now.
   *
   * @param keys What the user typed (raw mode).
   * @param mode The current mode.
   * @returns What to send (possibly empty).
   */
  feed(keys: Uint8Array, mode: NvtMode): Uint8Array {
    if (mode === "character") {
      if (this.#line.length === 0) return keys;
      const out = Uint8Array.from([...this.#line, ...keys]);
      this.#line = [];
      return out;
    }
    const out: number[] = [];
    const shown: number[] = [];
    for (const b of keys) this.#key(b, out, shown);
    if (shown.length > 0) this.#echo(Uint8Array.from(shown));
    return Uint8Array.from(out);
  }

  #key(b: number, out: number[], shown: number[]): void {
    if (this.#escape !== "none") {
      // ESC [ ... final byte (0x40-0x7e): a cursor key or the like, ignored.
      if (this.#escape === "esc") this.#escape = b === 0x5b ? "csi" : "none";
      else if (b >= 0x40 && b <= 0x7e) this.#escape = "none";
      return;
    }
    if (b === ESC) {
      this.#escape = "esc";
    } else if (b === CR || b === LF) {
      out.push(...this.#line, CR, LF);
      shown.push(CR, LF);
      this.#line = [];
    } else if (b === BS || b === DEL) {
      if (this.#eraseChar()) shown.push(...ERASE);
    } else if (b === CTRL_U || b === 0x03) {
      while (this.#eraseChar()) if (b === CTRL_U) shown.push(...ERASE);
      if (b === 0x03) out.push(b);
    } else if (b === CTRL_W) {
      while (this.#line.length > 0 && this.#line.at(-1) === 0x20 && this.#eraseChar()) {
        shown.push(...ERASE);
      }
      while (this.#line.length > 0 && this.#line.at(-1) !== 0x20 && this.#eraseChar()) {
        shown.push(...ERASE);
      }
    } else if (PASS.has(b)) {
      out.push(b);
    } else if (b >= 0x20 || b === 0x09) {
      if (this.#line.length >= MAX_LINE) return;
      this.#line.push(b);
      shown.push(b);
    }
  }

  /** Removes the last character (all bytes of a UTF-8 sequence); false when empty. */
  #eraseChar(): boolean {
    if (this.#line.length === 0) return false;
    let b = this.#line.pop()!;
    while ((b & 0xc0) === 0x80 && this.#line.length > 0) b = this.#line.pop()!;
    return true;
  }
}
