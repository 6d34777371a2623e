/**
 * The options of a Telnet session, for both ends.
 *
 * @module
 */
import type { Data } from "../expect/results.ts";
import type { SessionOptions } from "../expect/options.ts";
import type { TelnetProtocolOptions } from "./protocol_options.ts";
import type { TelnetDebugTarget } from "./observers.ts";

/**
 * Options of a {@linkcode TelnetSession}: the session's settings (`timeout` in ms,
 * `encoding`, `maxBuffer`, logging, ...), the protocol's (RFC 1143 `policy`, `terminalTypes`,
 * `windowSize`, ...) and the debug output.
 *
 * @typeParam D `string` (text mode) or `Uint8Array` (bytes mode, `encoding: null`).
 *
 * @example A client that reports its terminal
 * ```ts
 * import type { TelnetSessionOptions } from "./session.ts";
 *
 * const options: TelnetSessionOptions = {
 *   timeout: 5_000,
 *   terminalTypes: ["xterm-256color"],
 *   windowSize: { cols: 120, rows: 40 },
 * };
 * void options;
 * ```
 */
export interface TelnetSessionOptions<D extends Data = string>
  extends SessionOptions<D>, TelnetProtocolOptions {
  /**
   * telnetlib's debug level: 0 is silent, 1 writes the negotiation trace (`RCVD DO NAWS`,
   * `SENT WILL TTYPE`), protocol errors and `msg()` lines to `debug`, 2 also the data received
   * and sent.
   *
   * @default {0}
   */
  debugLevel?: number;
  /**
   * Where debug lines go; without it they go nowhere (observe events with `observeTelnet`).
   *
   * @default {undefined}
   */
  debug?: TelnetDebugTarget;
}
