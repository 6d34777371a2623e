/**
 * How to watch a Telnet session without printing: the debug output's target and observers of
 * protocol events.
 *
 * @module
 */
import type { TelnetEvent } from "./events.ts";

/**
 * Where a Telnet session's debug lines go (telnetlib printed them to stdout; library code here
 * never prints): a callback given each line, or a stream each line is written to as UTF-8
 * followed by `"\n"` (in order, without waiting; released, not closed, by `close()`).
 *
 * @example Collect the negotiation trace
 * ```ts
 * import type { TelnetDebugTarget } from "./observers.ts";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const target: TelnetDebugTarget = (line) => void lines.push(line);
 * assert.equal(typeof target, "function");
 * ```
 */
export type TelnetDebugTarget = ((line: string) => void) | WritableStream<Uint8Array>;

/**
 * A callback told about each Telnet event but data, in stream order: commands, negotiations,
 * subnegotiations, option changes, the bytes sent back, protocol errors and (with `trace` or
 * a debug level) trace lines. It runs synchronously; exceptions it throws are ignored.
 *
 * @example Log protocol problems
 * ```ts
 * import type { TelnetEventObserver } from "./observers.ts";
 *
 * const problems: string[] = [];
 * const observer: TelnetEventObserver = (e) => {
 *   if (e.type === "error") problems.push(e.message);
 * };
 * void observer;
 * ```
 */
export type TelnetEventObserver = (event: TelnetEvent) => void;
