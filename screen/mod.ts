// Copyright the dexpect authors. MIT license.
/**
 * Terminal screens: expect what a person sees. A {@linkcode Screen} is fed with a
 * session's output by the xterm.js emulator (`@xterm/headless`), so full-screen programs
 * (vim, less, top, `dialog` menus, device menus) can be checked by what they show, not by
 * the escape sequences they send.
 *
 * - `spawn(cmd, { screen: true })` (from `@dexpect/dexpect/pty`) gives `session.screen`,
 *   sized from the pty and following `resize()`; `new Telnet({ screen: true, windowSize })`
 *   sizes it by NAWS; {@linkcode attachScreen} gives any `Session` one.
 * - Patterns for `expect()`, mixable with stream patterns, `EOF`, `TIMEOUT` and `idle()`:
 *   {@linkcode onScreen} (text or RegExp on the screen, with its row and column) and
 *   {@linkcode settled} (nothing shown changed for a while). A failed screen expectation's
 *   error shows the screen.
 *
 * Importing this module loads xterm.js (about a tenth of a second); the root module does
 * not, until a screen is created.
 *
 * @example A screen on a shell
 * ```ts
 * import { onScreen } from "@dexpect/dexpect/screen";
 * import { spawn } from "@dexpect/dexpect/pty";
 * import { strictEqual } from "node:assert/strict";
 *
 * await using sh = spawn(["sh"], { env: { PS1: "$ ", PATH: "/usr/bin:/bin" }, screen: true, cols: 40, rows: 10 });
 * await sh.expect(onScreen("$ "));
 * await sh.sendLine("printf '\\033[7mhighlighted\\033[m\\n'");
 * const r = await sh.expect(onScreen(/^highlighted$/m));
 * strictEqual(sh.screen!.cell(r.match.row, 0).inverse, true);
 * ```
 *
 * @module
 */
import "./_preload.ts";

export { attachScreen, type ScreenHost, screenOf } from "./attach.ts";
export {
  onScreen,
  type OnScreenOptions,
  type ScreenMatch,
  ScreenPattern,
  settled,
} from "./patterns.ts";
export { type Cell, type Color, type Position, Screen, type ScreenOptions } from "./screen.ts";
export type { SvgOptions } from "./_svg.ts";
