// Copyright the dexpect authors. MIT license.
/**
 * What a {@linkcode Screen} is made of and how one is made: cells and their colours,
 * positions, and the options of a new screen.
 *
 * @module
 */

/**
 * A colour: `null` for the terminal's default, a palette index 0–255 (0–7 the ANSI colours,
 * 8–15 their bright forms), or `"#rrggbb"` for a 24-bit colour.
 *
 * @example The three forms
 * ```ts
 * import type { Color } from "./screen.ts";
 *
 * const colours: Color[] = [null, 1, "#ff8800"];
 * void colours;
 * ```
 */
export type Color = null | number | string;

/**
 * One cell of the screen.
 *
 * @example A bold red "x"
 * ```ts
 * import type { Cell } from "./screen.ts";
 *
 * const cell: Cell = {
 *   char: "x", width: 1, fg: 1, bg: null,
 *   bold: true, italic: false, underline: false, inverse: false,
 * };
 * void cell;
 * ```
 */
export interface Cell {
  /** The character shown (`""` for a blank cell and for the right half of a wide one). */
  readonly char: string;
  /** Cells it covers: 1, 2 for wide characters, 0 for the right half of a wide one. */
  readonly width: number;
  /** Foreground colour. */
  readonly fg: Color;
  /** Background colour. */
  readonly bg: Color;
  /** SGR 1. */
  readonly bold: boolean;
  /** SGR 3. */
  readonly italic: boolean;
  /** SGR 4 (any underline style). */
  readonly underline: boolean;
  /** SGR 7 (reverse video): how menus and selections are highlighted. */
  readonly inverse: boolean;
}

/**
 * Options of a {@linkcode Screen} (and of `attachScreen` and `spawn(..., { screen })`).
 *
 * @example A wide screen with a long history
 * ```ts
 * import type { ScreenOptions } from "./screen.ts";
 *
 * const options: ScreenOptions = { cols: 132, rows: 43, scrollback: 10_000 };
 * void options;
 * ```
 */
export interface ScreenOptions {
  /** Width in cells. @default {80} */
  cols?: number;
  /** Height in cells. @default {24} */
  rows?: number;
  /** Lines kept above the screen as they scroll off. @default {1000} */
  scrollback?: number;
  /**
   * When a screen expectation fails, also write the SVG picture of the screen to this path
   * (the error message names it).
   */
  svgOnFailure?: string;
}

/**
 * A cursor position, 0-based.
 *
 * @example The top-left corner
 * ```ts
 * import type { Position } from "./screen.ts";
 *
 * const home: Position = { row: 0, col: 0 };
 * void home;
 * ```
 */
export interface Position {
  /** Row from the top of the screen. */
  readonly row: number;
  /** Column in cells. */
  readonly col: number;
}
