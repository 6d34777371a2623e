// Copyright the dexpect authors. MIT license.
/**
 * Drawing a screen as SVG: one background rectangle per run of cells with the same
 * background, one `<text>` per run with the same style, the cursor as an outlined cell.
 * Colours follow xterm's default palette (16 ANSI colours, the 6x6x6 cube, 24 greys).
 *
 * @module
 */

import type { Cell, Color, Position } from "./screen.ts";

/**
 * Options of `Screen.toSvg()`.
 *
 * @example A larger picture
 * ```ts
 * import type { SvgOptions } from "./_svg.ts";
 *
 * const options: SvgOptions = { fontSize: 16, fontFamily: "DejaVu Sans Mono" };
 * void options;
 * ```
 */
export interface SvgOptions {
  /** Font size in pixels; a cell is 0.6 of it wide and 1.2 of it high. @default {14} */
  fontSize?: number;
  /** CSS font family. @default {"monospace"} */
  fontFamily?: string;
}

const ANSI = [
  "#000000",
  "#cd0000",
  "#00cd00",
  "#cdcd00",
  "#0000ee",
  "#cd00cd",
  "#00cdcd",
  "#e5e5e5",
  "#7f7f7f",
  "#ff0000",
  "#00ff00",
  "#ffff00",
  "#5c5cff",
  "#ff00ff",
  "#00ffff",
  "#ffffff",
];
const DEFAULT_FG = "#e5e5e5";
const DEFAULT_BG = "#000000";

function hex(n: number): string {
  return n.toString(16).padStart(2, "0");
}

/** A colour as CSS, `fallback` for the default. */
function css(color: Color, fallback: string): string {
  if (color === null) return fallback;
  if (typeof color === "string") return color;
  if (color < 16) return ANSI[color];
  if (color < 232) {
    const i = color - 16;
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    return "#" + hex(level(Math.floor(i / 36))) + hex(level(Math.floor(i / 6) % 6)) +
      hex(level(i % 6));
  }
  const grey = 8 + (color - 232) * 10;
  return "#" + hex(grey).repeat(3);
}

function escapeXml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot" }[c]};`,
  );
}

/** The colours a cell is drawn with, inverse applied. */
function paint(cell: Cell): [fg: string, bg: string] {
  const fg = css(cell.fg, DEFAULT_FG);
  const bg = css(cell.bg, DEFAULT_BG);
  return cell.inverse ? [bg, fg] : [fg, bg];
}

function style(cell: Cell, fg: string): string {
  let s = `fill="${fg}"`;
  if (cell.bold) s += ` font-weight="bold"`;
  if (cell.italic) s += ` font-style="italic"`;
  if (cell.underline) s += ` text-decoration="underline"`;
  return s;
}

/** Renders rows of cells; `cursor` is outlined. */
export function renderSvg(rows: Cell[][], cursor: Position, options: SvgOptions): string {
  const size = options.fontSize ?? 14;
  const family = options.fontFamily ?? "monospace";
  const w = size * 0.6;
  const h = size * 1.2;
  const cols = rows[0]?.length ?? 0;
  const width = +(cols * w).toFixed(2);
  const height = +(rows.length * h).toFixed(2);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="${escapeXml(family)}" font-size="${size}">`,
    `<rect width="100%" height="100%" fill="${DEFAULT_BG}"/>`,
  ];
  const x = (c: number) => +(c * w).toFixed(2);
  for (let r = 0; r < rows.length; r++) {
    const y = +(r * h).toFixed(2);
    const row = rows[r];
    // Backgrounds, in runs.
    for (let c = 0; c < row.length;) {
      const bg = paint(row[c])[1];
      let end = c + 1;
      while (end < row.length && paint(row[end])[1] === bg) end++;
      if (bg !== DEFAULT_BG) {
        out.push(
          `<rect x="${x(c)}" y="${y}" width="${x(end) - x(c)}" height="${h}" fill="${bg}"/>`,
        );
      }
      c = end;
    }
    // Text, in runs of one style; each run is placed at its first cell.
    for (let c = 0; c < row.length;) {
      const cell = row[c];
      if (cell.char === "" || cell.char === " ") {
        c++;
        continue;
      }
      const attrs = style(cell, paint(cell)[0]);
      let text = "";
      let end = c;
      while (end < row.length) {
        const next = row[end];
        if (next.width === 0) {
          end++;
          continue;
        }
        if (next.width !== 1 || style(next, paint(next)[0]) !== attrs) break;
        text += next.char || " ";
        end++;
      }
      if (text === "") { // a wide character: its own element, two cells wide
        text = cell.char;
        end = c + 1;
      }
      out.push(
        `<text x="${x(c)}" y="${+(y + size).toFixed(2)}" ${attrs} xml:space="preserve">${
          escapeXml(text.trimEnd())
        }</text>`,
      );
      c = end;
    }
  }
  if (cursor.row < rows.length && cursor.col < cols) {
    out.push(
      `<rect x="${x(cursor.col)}" y="${+(cursor.row * h).toFixed(2)}" width="${+w.toFixed(2)}" ` +
        `height="${h}" fill="none" stroke="${DEFAULT_FG}"/>`,
    );
  }
  out.push("</svg>");
  return out.join("\n");
}
