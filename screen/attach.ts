// Copyright the dexpect authors. MIT license.
/**
 * Giving a session a {@linkcode Screen} that follows its output and size.
 *
 * @module
 */

import type { ReadHook } from "../expect/custom.ts";
import type { SessionObserver } from "../expect/observers.ts";
import { Screen, type ScreenOptions } from "./screen.ts";

/**
 * What {@linkcode attachScreen} needs of a session: every `Session` (pty, Telnet, pipes,
 * any channel) has it.
 *
 * @example Any session qualifies
 * ```ts
 * import type { ScreenHost } from "./attach.ts";
 * import { Session } from "../expect/session.ts";
 *
 * const host: ScreenHost = new Session({ readable: new ReadableStream(), writable: new WritableStream() });
 * void host;
 * ```
 */
export interface ScreenHost {
  /** Adds a hook given every chunk read (`Session.onRead`). */
  onRead(hook: ReadHook): Disposable;
  /** Adds an observer of reads, sends and resizes (`Session.observe`). */
  observe(observer: SessionObserver): Disposable;
}

const screens = new WeakMap<object, Screen>();

/**
 * Gives `session` a screen fed with everything it reads, in order, before its patterns
 * are searched, and resized with it (`resize()` of a pty, NAWS of a Telnet client,
 * `interact()`). Screen patterns (`onScreen`, `settled`) in the session's `expect()` calls
 * look at it. Reading happens only while a call waits for output, as for the stream.
 *
 * @param session Any session.
 * @param options Size in cells (default 80x24), scrollback lines, SVG on failure.
 * @returns The screen (also found later with {@linkcode screenOf}).
 * @throws {TypeError} When the session already has a screen.
 * @throws {RangeError} On a size out of range.
 *
 * @example A screen on a session over any streams
 * ```ts
 * import { attachScreen, onScreen } from "@dexpect/dexpect/screen";
 * import { Session } from "@dexpect/dexpect/expect";
 * import { strictEqual } from "node:assert/strict";
 *
 * const output = "\x1b[2J\x1b[3;5HReady\x1b[1;1H";
 * const peer = { readable: ReadableStream.from([new TextEncoder().encode(output)]), writable: new WritableStream() };
 * await using session = new Session(peer);
 * const screen = attachScreen(session, { cols: 40, rows: 5 });
 * const r = await session.expect(onScreen("Ready"));
 * strictEqual(r.match.row, 2);
 * strictEqual(r.match.col, 4);
 * strictEqual(screen.line(2), "    Ready");
 * ```
 */
export function attachScreen(session: ScreenHost, options: ScreenOptions = {}): Screen {
  if (screens.has(session)) {
    throw new TypeError("Cannot attach a screen: this session already has one (see screenOf)");
  }
  const screen = new Screen(options);
  session.onRead({ read: (chunk) => screen.feed(chunk), flush: () => screen.flush() });
  session.observe((event) => {
    if (event.type === "resize") screen.resize(event.cols, event.rows);
  });
  screens.set(session, screen);
  return screen;
}

/**
 * The screen attached to `session`, if any.
 *
 * @param session A session.
 * @returns Its screen, or `undefined`.
 *
 * @example No screen yet
 * ```ts
 * import { screenOf } from "@dexpect/dexpect/screen";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(screenOf({}), undefined);
 * ```
 */
export function screenOf(session: object): Screen | undefined {
  return screens.get(session);
}
