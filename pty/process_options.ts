/**
 * What {@linkcode PtyProcess} takes besides output: how to close it, which signal to send,
 * what size to give its terminal.
 *
 * @module
 */
import { platform } from "./_libc.ts";

/** Options of {@linkcode PtyProcess.close}. */
export interface CloseOptions {
  /**
   * Escalate to SIGKILL when the child survives the hangup, SIGHUP and SIGTERM. Without it
   * a child that ignores those makes `close()` reject.
   *
   * @default {true}
   */
  force?: boolean;
  /**
   * Milliseconds to wait after each step (hangup, SIGHUP, SIGTERM) for the child to exit.
   *
   * @default {100}
   */
  grace?: number;
}

/** A signal given by name (`"SIGTERM"`) or number (15). */
export type SignalLike = Deno.Signal | number;

/** The number of a signal given by name or number on this platform. */
export function signalNumber(signal: SignalLike): number {
  if (typeof signal === "number") return signal;
  const n = platform().signals[signal];
  if (n === undefined) throw new RangeError(`Unknown signal: ${signal}`);
  return n;
}

/** Throws a RangeError unless `cols` and `rows` are integers from 1 to 65535. */
export function checkSize(cols: number, rows: number): void {
  for (const [name, v] of [["cols", cols], ["rows", rows]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 0xffff) {
      throw new RangeError(
        `Cannot size a terminal with ${name} = ${v}: use an integer from 1 to 65535`,
      );
    }
  }
}
