// Copyright the dexpect authors. MIT license.
/**
 * Types for handing a session to a user's terminal with `Session.interact()`.
 *
 * The engine knows no platform APIs: the caller injects the terminal. A Deno adapter over
 * the process's standard input and output lives with the pty transport (`pty/terminal.ts`).
 *
 * @module
 */

import type { ExitStatus } from "./channel.ts";

/**
 * A terminal size in cells.
 *
 * @example The classic terminal size
 * ```ts
 * import type { TerminalSize } from "./interact.ts";
 *
 * const size: TerminalSize = { cols: 80, rows: 24 };
 * void size;
 * ```
 */
export interface TerminalSize {
  /** Width in cells. */
  cols: number;
  /** Height in cells. */
  rows: number;
}

/**
 * The user's side of `interact()`: keyboard in, screen out, and the optional tty controls.
 *
 * @example A terminal made of plain streams (not a tty: input is piped until it ends)
 * ```ts
 * import type { InteractTerminal } from "./interact.ts";
 *
 * const terminal: InteractTerminal = {
 *   readable: ReadableStream.from([new TextEncoder().encode("exit\n")]),
 *   writable: new WritableStream(),
 *   isTerminal: false,
 * };
 * void terminal;
 * ```
 */
export interface InteractTerminal {
  /** What the user types (stdin). Released, never cancelled, when `interact()` returns. */
  readonly readable: ReadableStream<Uint8Array>;
  /** The user's screen (stdout). Released, never closed, when `interact()` returns. */
  readonly writable: WritableStream<Uint8Array>;
  /**
   * Whether this is an interactive terminal. When `false`, raw mode, sizes and the escape
   * character are not used: input is piped to the session until it ends, then the
   * session's `sendEof()` is called and output is copied until the session ends.
   * @default {true when setRaw is given}
   */
  readonly isTerminal?: boolean;
  /** Switches raw mode; `interact()` sets it and restores it on every exit path. */
  setRaw?(raw: boolean): void | Promise<void>;
  /** The current size; sent to the session once at the start. */
  size?(): TerminalSize;
  /**
   * Subscribes to size changes (SIGWINCH); returns the function that unsubscribes.
   * Each change is forwarded to the session's `onWindowChange`.
   */
  onResize?(listener: (size: TerminalSize) => void): () => void;
}

/**
 * Options of `interact()`.
 *
 * @example Upper-case everything shown
 * ```ts
 * import type { InteractOptions, InteractTerminal } from "./interact.ts";
 *
 * const terminal: InteractTerminal = { readable: new ReadableStream(), writable: new WritableStream() };
 * const decoder = new TextDecoder();
 * const options: InteractOptions = {
 *   terminal,
 *   outputFilter: (d) => new TextEncoder().encode(decoder.decode(d).toUpperCase()),
 * };
 * void options;
 * ```
 */
export interface InteractOptions {
  /** The user's terminal. */
  terminal: InteractTerminal;
  /**
   * The byte that ends `interact()` when typed (not sent), `null` for none.
   * @default {0x1d (Ctrl-])}
   */
  escapeCharacter?: number | null;
  /** Transforms what the user typed before it is sent (and before the escape check). */
  inputFilter?: (data: Uint8Array) => Uint8Array;
  /** Transforms the session's output before it is shown. */
  outputFilter?: (data: Uint8Array) => Uint8Array;
  /** Ends `interact()`, which then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * How `interact()` ended: the user typed the escape character, or the session's output
 * ended (with the child's status when the transport knows it).
 *
 * @example An interaction that ended with the output
 * ```ts
 * import type { InteractResult } from "./interact.ts";
 *
 * const r: InteractResult = { reason: "eof", exitStatus: { code: 0, signal: null } };
 * void r;
 * ```
 */
export interface InteractResult {
  /** `"escape"` or `"eof"`. */
  readonly reason: "escape" | "eof";
  /** For `"eof"`: how the child ended, if known. */
  readonly exitStatus?: ExitStatus;
}
