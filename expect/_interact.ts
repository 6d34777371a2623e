// Copyright the dexpect authors. MIT license.
/**
 * The `interact()` loop: the user's terminal ↔ the session, with no platform API.
 *
 * @module
 */

import type { ExitStatus } from "./channel.ts";
import type { InteractOptions, InteractResult } from "./interact.ts";
import type { ReadOutcome } from "./_pump.ts";
import { Waiter, type WakeReason } from "./_waiter.ts";
import { SessionStateError } from "./errors.ts";

/** What `interact()` needs from the session. */
export interface InteractHost {
  enter(waiter: Waiter): void;
  leave(waiter: Waiter): void;
  /** Removes and returns unconsumed output as bytes. */
  takeBuffered(): Uint8Array;
  read(waiter: Waiter): Promise<ReadOutcome | WakeReason>;
  send(data: Uint8Array): Promise<void>;
  sendEof(): Promise<void>;
  windowChange(cols: number, rows: number): Promise<void> | void;
  /** Marks the output ended and returns the exit status. */
  ended(): ExitStatus | undefined;
}

type InputOutcome = { kind: "data"; value: Uint8Array } | { kind: "end" } | {
  kind: "error";
  error: unknown;
};

export async function runInteract(
  host: InteractHost,
  options: InteractOptions,
): Promise<InteractResult> {
  const { terminal } = options;
  const tty = terminal.isTerminal ?? terminal.setRaw !== undefined;
  const escape = tty
    ? (options.escapeCharacter === undefined ? 0x1d : options.escapeCharacter)
    : null;
  if (escape !== null && (!Number.isInteger(escape) || escape < 0 || escape > 255)) {
    throw new RangeError(`Invalid escapeCharacter: expected a byte (0-255) or null, got ${escape}`);
  }
  const waiter = new Waiter(null, options.signal);
  host.enter(waiter);
  const screen = terminal.writable.getWriter();
  let keyboard: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let raw = false;
  let unsubscribe: (() => void) | undefined;
  let result: InteractResult | undefined;
  let failure: { error: unknown } | undefined;
  const stop = (r: InteractResult | undefined, error?: { error: unknown }) => {
    result ??= r;
    if (error !== undefined) failure ??= error;
    waiter.wake("stop");
  };
  const show = async (data: Uint8Array) => {
    const shown = options.outputFilter ? options.outputFilter(data) : data;
    if (shown.length > 0) await screen.write(shown);
  };
  const output = async () => {
    const buffered = host.takeBuffered();
    if (buffered.length > 0) await show(buffered);
    while (true) {
      const r = await host.read(waiter);
      if (typeof r === "string") return;
      if (r.kind === "error") return stop(undefined, { error: r.error });
      if (r.kind === "end") return stop({ reason: "eof", exitStatus: host.ended() });
      await show(r.value);
    }
  };
  const input = async () => {
    keyboard = terminal.readable.getReader();
    while (true) {
      const read = keyboard.read().then(
        (r): InputOutcome => r.done ? { kind: "end" } : { kind: "data", value: r.value },
        (error): InputOutcome => ({ kind: "error", error }),
      );
      const r = await waiter.race(read);
      if (typeof r === "string") return;
      if (r.kind === "error") return stop(undefined, { error: r.error });
      if (r.kind === "end") {
        // Input ended (a pipe, or a closed terminal): pass the EOF on, keep showing output.
        await host.sendEof().catch(() => {});
        return;
      }
      let data = options.inputFilter ? options.inputFilter(r.value) : r.value;
      const at = escape === null ? -1 : data.indexOf(escape);
      if (at >= 0) data = data.subarray(0, at);
      if (data.length > 0) await host.send(data);
      if (at >= 0) return stop({ reason: "escape" });
    }
  };
  try {
    if (tty && terminal.setRaw) {
      await terminal.setRaw(true);
      raw = true;
    }
    if (tty && terminal.size) {
      const { cols, rows } = terminal.size();
      await host.windowChange(cols, rows);
    }
    if (tty && terminal.onResize) {
      unsubscribe = terminal.onResize(({ cols, rows }) => {
        Promise.resolve(host.windowChange(cols, rows)).catch(() => {});
      });
    }
    await Promise.all([
      output().catch((error) => stop(undefined, { error })),
      input().catch((error) => stop(undefined, { error })),
    ]);
  } finally {
    unsubscribe?.();
    waiter.dispose();
    host.leave(waiter);
    keyboard?.releaseLock();
    screen.releaseLock();
    if (raw) await terminal.setRaw!(false);
  }
  if (failure !== undefined) throw failure.error;
  if (result !== undefined) return result;
  // The waiter fired on its own: aborted or the session closed.
  if (options.signal?.aborted) throw options.signal.reason;
  throw new SessionStateError("closed", "Cannot interact: the session was closed");
}
