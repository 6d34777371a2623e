// Copyright the dexpect authors. MIT license.
/**
 * {@linkcode Screen}: what a terminal shows after the output it was fed, emulated by
 * xterm.js (`@xterm/headless`), with wide characters measured by Unicode 11 rules.
 *
 * @module
 */

import type { IBufferLine, Terminal } from "@xterm/headless";
import type { SerializeAddon } from "@xterm/addon-serialize";
import { cancelCleanup, color, loadedXterm, loadXterm, type Xterm } from "./_xterm.ts";
import { renderBox } from "./_box.ts";
import { renderSvg, type SvgOptions } from "./_svg.ts";
import type { Cell, Position, ScreenOptions } from "./types.ts";

export type { Cell, Color, Position, ScreenOptions } from "./types.ts";

/** Queued bytes beyond which `feed()` asks the reader to wait. */
const HIGH_WATER = 1 << 20;

const BLANK: Cell = {
  char: "",
  width: 1,
  fg: null,
  bg: null,
  bold: false,
  italic: false,
  underline: false,
  inverse: false,
};

function checkDimension(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min || value > 65_535) {
    throw new RangeError(`Invalid ${name}: expected an integer ${min}–65535, got ${value}`);
  }
  return value;
}

/**
 * A terminal screen fed with a program's output: the text and attributes a person would
 * see, the cursor, the title, the alternate screen and the scrollback. Built on the xterm.js
 * emulator (`@xterm/headless`) with Unicode 11 cell widths (`@xterm/addon-unicode11`) and
 * ANSI snapshots (`@xterm/addon-serialize`). Rows and columns are 0-based.
 *
 * Sessions get one with `attachScreen(session)` or `spawn(cmd, { screen: true })`; a screen
 * can also be fed directly with {@linkcode Screen.write}.
 *
 * @example Feed a screen and read it
 * ```ts
 * import { Screen } from "@dexpect/dexpect/screen";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * using screen = new Screen({ cols: 20, rows: 3 });
 * await screen.write("\x1b]0;demo\x07hello\r\n\x1b[7mworld\x1b[m");
 * strictEqual(screen.text(), "hello\nworld");
 * deepStrictEqual(screen.cursor, { row: 1, col: 5 });
 * strictEqual(screen.cell(1, 0).inverse, true);
 * strictEqual(screen.title, "demo");
 * ```
 */
export class Screen implements Disposable {
  #cols: number;
  #rows: number;
  readonly #scrollback: number;
  /** Where a failed expectation writes the SVG picture, if anywhere. */
  readonly svgOnFailure: string | undefined;
  #term: Terminal | undefined;
  #serializer: SerializeAddon | undefined;
  #ready: Promise<void> | undefined;
  #title = "";
  #version = 0;
  #disposed = false;
  /** Bytes given to xterm.js and not parsed yet. */
  #pending = 0;
  /** Settles when the latest write is parsed. */
  #last: Promise<void> = Promise.resolve();
  #listeners: readonly (() => void)[] = [];

  /**
   * Creates a blank screen. When xterm.js is not loaded yet (the root module loads it on
   * first use), the screen reads as blank until the load finishes; `write()` waits for it.
   *
   * @param options Size in cells and scrollback lines.
   * @throws {RangeError} On a size out of range.
   */
  constructor(options: ScreenOptions = {}) {
    this.#cols = checkDimension("cols", options.cols ?? 80, 1);
    this.#rows = checkDimension("rows", options.rows ?? 24, 1);
    this.#scrollback = checkDimension("scrollback", options.scrollback ?? 1000, 0);
    this.svgOnFailure = options.svgOnFailure;
    const xterm = loadedXterm();
    if (xterm !== undefined) this.#create(xterm);
    else this.#ready = loadXterm().then((x) => this.#create(x));
  }

  #create(xterm: Xterm): void {
    if (this.#disposed) return;
    const term = new xterm.Terminal({
      cols: this.#cols,
      rows: this.#rows,
      scrollback: this.#scrollback,
      allowProposedApi: true,
    });
    term.loadAddon(new xterm.Unicode11Addon());
    term.unicode.activeVersion = "11";
    this.#serializer = new xterm.SerializeAddon();
    term.loadAddon(this.#serializer as never);
    term.onTitleChange((title) => (this.#title = title));
    this.#term = term;
    this.#ready = undefined;
  }

  /** Width in cells. */
  get cols(): number {
    return this.#cols;
  }

  /** Height in cells. */
  get rows(): number {
    return this.#rows;
  }

  /** Bytes written or fed that xterm.js has not parsed yet. */
  get pending(): number {
    return this.#pending;
  }

  /** Counts the writes applied; changes whenever output was applied. */
  get version(): number {
    return this.#version;
  }

  /**
   * Applies output to the screen. Resolves once it is parsed, so reads that follow see it.
   *
   * @param data Bytes (decoded as UTF-8, split characters kept across calls) or text.
   * @returns A promise that settles when the data is on the screen.
   */
  async write(data: Uint8Array | string): Promise<void> {
    if (this.#ready !== undefined) await this.#ready;
    if (this.#term === undefined) return; // disposed
    await this.#queue(data);
  }

  /**
   * Queues output without waiting for it to be parsed, so that parsing overlaps reading
   * (xterm.js parses on a timer, in batches): what sessions call for each chunk read.
   * Returns a promise to wait for only when more than 1 MiB is queued (backpressure), or
   * while xterm.js is still loading.
   *
   * @param data Bytes or text.
   * @returns `undefined`, or a promise to wait for before feeding more.
   */
  feed(data: Uint8Array | string): Promise<void> | undefined {
    if (this.#term === undefined) return this.write(data);
    const done = this.#queue(data);
    return this.#pending > HIGH_WATER ? done : undefined;
  }

  /**
   * Waits until everything written or fed is on the screen.
   *
   * @returns A promise that settles when parsing caught up.
   */
  flush(): Promise<void> {
    return this.#ready === undefined ? this.#last : this.#ready.then(() => this.#last);
  }

  /**
   * Calls `listener` each time queued output has been applied.
   *
   * @param listener The callback.
   * @returns A function that removes it.
   */
  onApplied(listener: () => void): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  #queue(data: Uint8Array | string): Promise<void> {
    const term = this.#term!;
    const size = data.length;
    this.#pending += size;
    const done = new Promise<void>((resolve) =>
      term.write(data, () => {
        this.#pending -= size;
        this.#version++;
        for (const listener of this.#listeners) listener();
        resolve();
      })
    );
    this.#last = done;
    return done;
  }

  /**
   * Changes the size; the content is re-laid out as a terminal does (the program redraws
   * once it gets SIGWINCH).
   *
   * @param cols Width in cells, 1–65535.
   * @param rows Height in cells, 1–65535.
   * @throws {RangeError} On a size out of range.
   */
  resize(cols: number, rows: number): void {
    this.#cols = checkDimension("cols", cols, 1);
    this.#rows = checkDimension("rows", rows, 1);
    this.#term?.resize(cols, rows);
    this.#version++;
  }

  #line(y: number): IBufferLine | undefined {
    return this.#term?.buffer.active.getLine(y);
  }

  /** Index in the buffer of the screen's first row. */
  #top(): number {
    return this.#term?.buffer.active.baseY ?? 0;
  }

  /**
   * One row as text, trailing empty cells trimmed (spaces the program wrote are kept, so
   * a prompt's `"$ "` stays whole).
   *
   * @param row 0 to `rows - 1`.
   * @returns The text (`""` for a blank row).
   * @throws {RangeError} When `row` is off the screen.
   */
  line(row: number): string {
    this.#checkRow(row);
    return this.#line(this.#top() + row)?.translateToString(true) ?? "";
  }

  /**
   * Every row, trailing empty cells of each trimmed (as in {@linkcode Screen.line}).
   *
   * @returns `rows` strings.
   */
  lines(): string[] {
    const top = this.#top();
    const out: string[] = [];
    for (let r = 0; r < this.#rows; r++) {
      out.push(this.#line(top + r)?.translateToString(true) ?? "");
    }
    return out;
  }

  /**
   * The visible rows joined with `"\n"`, trailing empty cells of each row and trailing
   * empty rows trimmed.
   *
   * @returns The text.
   */
  text(): string {
    const rows = this.lines();
    let n = rows.length;
    while (n > 0 && rows[n - 1] === "") n--;
    return rows.slice(0, n).join("\n");
  }

  /**
   * The lines that scrolled off the top of the main screen, oldest first (at most
   * `scrollback`), trailing blanks trimmed. Empty while the alternate screen is active
   * (it has none).
   *
   * @returns The lines.
   */
  scrollback(): string[] {
    const buffer = this.#term?.buffer.active;
    const out: string[] = [];
    if (buffer === undefined) return out;
    for (let y = 0; y < buffer.baseY; y++) {
      out.push(buffer.getLine(y)?.translateToString(true) ?? "");
    }
    return out;
  }

  /** The cursor, 0-based. */
  get cursor(): Position {
    const buffer = this.#term?.buffer.active;
    return { row: buffer?.cursorY ?? 0, col: buffer?.cursorX ?? 0 };
  }

  /** The window title last set with OSC 0 or OSC 2 (`""` if none). */
  get title(): string {
    return this.#title;
  }

  /** Whether the alternate screen is active (full-screen programs switch to it). */
  get altScreen(): boolean {
    return this.#term?.buffer.active.type === "alternate";
  }

  /**
   * One cell's character, colours and attributes.
   *
   * @param row 0 to `rows - 1`.
   * @param col 0 to `cols - 1`.
   * @returns The cell.
   * @throws {RangeError} When the position is off the screen.
   */
  cell(row: number, col: number): Cell {
    this.#checkRow(row);
    if (!Number.isInteger(col) || col < 0 || col >= this.#cols) {
      throw new RangeError(`Invalid col: expected an integer 0–${this.#cols - 1}, got ${col}`);
    }
    const c = this.#line(this.#top() + row)?.getCell(col);
    if (c === undefined) return BLANK;
    return {
      char: c.getChars(),
      width: c.getWidth(),
      fg: color("fg", c),
      bg: color("bg", c),
      bold: c.isBold() !== 0,
      italic: c.isItalic() !== 0,
      underline: c.isUnderline() !== 0,
      inverse: c.isInverse() !== 0,
    };
  }

  /**
   * A string that changes when anything shown changes: text, colours and attributes,
   * cursor, alternate screen. Used to tell when the screen settled.
   *
   * @returns The fingerprint.
   */
  fingerprint(): string {
    const term = this.#term;
    if (term === undefined) return "";
    const buffer = term.buffer.active;
    const scratch = buffer.getNullCell();
    let attrs = 0;
    for (let r = 0; r < this.#rows; r++) {
      const line = buffer.getLine(buffer.baseY + r);
      if (line === undefined) continue;
      for (let x = 0; x < this.#cols; x++) {
        const c = line.getCell(x, scratch);
        if (c === undefined || c.isAttributeDefault()) continue;
        const flags = (c.isBold() ? 1 : 0) | (c.isItalic() ? 2 : 0) | (c.isUnderline() ? 4 : 0) |
          (c.isInverse() ? 8 : 0);
        attrs = (Math.imul(attrs, 31) + (r * 65_536 + x) ^ c.getFgColor() ^
          (c.getBgColor() << 3) ^ (c.getFgColorMode() >>> 20) ^ (flags << 26)) | 0;
      }
    }
    const { row, col } = this.cursor;
    return `${row},${col},${this.altScreen},${attrs}\n${this.lines().join("\n")}`;
  }

  /**
   * The cell column of the character at `index` in `line(row)` (they differ after wide
   * characters).
   *
   * @param row The row.
   * @param index A UTF-16 index into `line(row)`.
   * @returns The column in cells.
   */
  columnOf(row: number, index: number): number {
    const line = this.#line(this.#top() + row);
    if (line === undefined) return index;
    let at = 0;
    for (let x = 0; x < this.#cols; x++) {
      const c = line.getCell(x);
      if (c === undefined || c.getWidth() === 0) continue;
      if (at >= index) return x;
      at += c.getChars().length || 1;
    }
    return this.#cols;
  }

  /**
   * The screen as ANSI text that recreates it when written to a terminal of the same size
   * (the serialize addon): for snapshot files.
   *
   * @param options `scrollback`: how many scrollback lines to include. @default {0}
   * @returns The snapshot.
   */
  serialize(options: { scrollback?: number } = {}): string {
    return this.#serializer?.serialize({ scrollback: options.scrollback ?? 0 }) ?? "";
  }

  /**
   * A picture of the screen as SVG: a monospace grid with colours, attributes and the
   * cursor.
   *
   * @param options Font size in pixels and font family.
   * @returns The SVG document.
   */
  toSvg(options: SvgOptions = {}): string {
    const cells: Cell[][] = [];
    for (let r = 0; r < this.#rows; r++) {
      const row: Cell[] = [];
      for (let c = 0; c < this.#cols; c++) row.push(this.cell(r, c));
      cells.push(row);
    }
    return renderSvg(cells, this.cursor, options);
  }

  /**
   * The screen in a box of text, the cursor marked `█` where it sits on a blank cell:
   * what failed screen expectations show.
   *
   * @returns The box, with a header line giving the size and cursor.
   */
  toBox(): string {
    return renderBox(this);
  }

  #checkRow(row: number): void {
    if (!Number.isInteger(row) || row < 0 || row >= this.#rows) {
      throw new RangeError(`Invalid row: expected an integer 0–${this.#rows - 1}, got ${row}`);
    }
  }

  /** Releases the emulator. Idempotent. */
  dispose(): void {
    this.#disposed = true;
    const term = this.#term;
    if (term === undefined) return;
    cancelCleanup(term);
    term.dispose();
    this.#term = undefined;
  }

  /** Releases the emulator (`using screen = ...`). */
  [Symbol.dispose](): void {
    this.dispose();
  }
}
