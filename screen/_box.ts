// Copyright the dexpect authors. MIT license.
/**
 * A screen drawn as a box of text, for error messages.
 *
 * @module
 */

import type { Screen } from "./screen.ts";

/** The screen in a box, the cursor marked `█` where it sits on a blank cell. */
export function renderBox(screen: Screen): string {
  const { row, col } = screen.cursor;
  const lines = screen.lines();
  const width = screen.cols;
  const out = [
    `screen ${screen.cols}x${screen.rows}, cursor at row ${row}, col ${col}` +
    (screen.altScreen ? ", alternate screen" : "") + ":",
    "┌" + "─".repeat(width) + "┐",
  ];
  for (let r = 0; r < lines.length; r++) {
    let text = lines[r];
    let used = screen.columnOf(r, text.length); // cells the text covers
    if (r === row && col >= used && col < width) {
      text += " ".repeat(col - used) + "█";
      used = col + 1;
    }
    out.push("│" + text + " ".repeat(Math.max(0, width - used)) + "│");
  }
  out.push("└" + "─".repeat(width) + "┘");
  return out.join("\n");
}
