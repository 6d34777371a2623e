// Copyright the dexpect authors. MIT license.
/**
 * Loading xterm.js on demand. Evaluating `@xterm/headless` and its addons takes about a
 * tenth of a second, which users who never open a screen must not pay when they import the
 * root module (which `spawn(..., { screen: true })` lives in). `screen/mod.ts` loads it
 * statically through `_preload.ts`; otherwise the first screen starts the load and the
 * screen is fed once it finishes.
 *
 * @module
 */

import type { IBufferCell, Terminal } from "@xterm/headless";
import type { Color } from "./screen.ts";
import type { SerializeAddon } from "@xterm/addon-serialize";
import type { Unicode11Addon } from "@xterm/addon-unicode11";

/** The classes a screen needs. */
export interface Xterm {
  readonly Terminal: typeof Terminal;
  readonly SerializeAddon: typeof SerializeAddon;
  readonly Unicode11Addon: typeof Unicode11Addon;
}

let xterm: Xterm | undefined;
let loading: Promise<Xterm> | undefined;

/** Records the classes once loaded (statically by `_preload.ts` or by {@link loadXterm}). */
export function provideXterm(classes: Xterm): void {
  xterm ??= classes;
}

/** The classes if they are loaded. */
export function loadedXterm(): Xterm | undefined {
  return xterm;
}

/** Loads the classes (once). */
export function loadXterm(): Promise<Xterm> {
  if (xterm !== undefined) return Promise.resolve(xterm);
  loading ??= Promise.all([
    import("@xterm/headless"),
    import("@xterm/addon-serialize"),
    import("@xterm/addon-unicode11"),
  ]).then(([headless, serialize, unicode]) => {
    provideXterm({
      Terminal: headless.default.Terminal,
      SerializeAddon: serialize.SerializeAddon,
      Unicode11Addon: unicode.Unicode11Addon,
    });
    return xterm!;
  });
  return loading;
}

/** A cell's colour as `Screen.cell` reports it. */
export function color(mode: "fg" | "bg", cell: IBufferCell): Color {
  if (mode === "fg" ? cell.isFgDefault() : cell.isBgDefault()) return null;
  const value = mode === "fg" ? cell.getFgColor() : cell.getBgColor();
  if (mode === "fg" ? cell.isFgPalette() : cell.isBgPalette()) return value;
  return "#" + value.toString(16).padStart(6, "0");
}

type Cleanup = { _memoryCleanupQueue?: { clear?(): void } };

/**
 * xterm 6.0.0's `Buffer.resize` queues a memory clean-up on a timer that `dispose()` leaves
 * running; cancel it so that a disposed screen holds no timer (private fields, hence the
 * optional chaining: a later xterm without them is left as it is).
 */
export function cancelCleanup(term: Terminal): void {
  const core = (term as unknown as {
    _core?: { _bufferService?: { buffers?: { normal?: Cleanup; alt?: Cleanup } } };
  })._core;
  const buffers = core?._bufferService?.buffers;
  buffers?.normal?._memoryCleanupQueue?.clear?.();
  buffers?.alt?._memoryCleanupQueue?.clear?.();
}
