/**
 * The options of a `TelnetProtocol`: its RFC 1143 policy, the option values it reports, and
 * telnetlib's negotiation callback type.
 *
 * @module
 */

import type { TelnetEnvironment, TelnetTerminalSpeed, TelnetWindowSize } from "./options.ts";

/**
 * Whether we agree when the peer proposes an option (RFC 1143 "if we agree").
 *
 * @example A server that echoes
 * ```ts
 * import { TelnetProtocol } from "./protocol.ts";
 * import type { TelnetOptionPolicy } from "./protocol_options.ts";
 * import assert from "node:assert/strict";
 *
 * const echo: TelnetOptionPolicy = { acceptDo: true };
 * const server = new TelnetProtocol({ policy: { 1: echo } });
 * server.feed(Uint8Array.of(255, 253, 1)); // IAC DO ECHO
 * assert.equal(server.isEnabled("us", 1), true);
 * ```
 */
export interface TelnetOptionPolicy {
  /** Agree to a DO: perform the option ourselves (side `us`). */
  readonly acceptDo?: boolean;
  /** Agree to a WILL: let the peer perform the option (side `him`). */
  readonly acceptWill?: boolean;
}

/**
 * telnetlib's option negotiation callback, minus the socket; it replaces RFC 1143 handling. It
 * is called with WILL, WONT, DO or DONT and the option for each negotiation received, with SB
 * then SE and `NOOPT` (0) for each subnegotiation (read it with `readSbData`), and with any
 * other command and `NOOPT`.
 *
 * @example Accept only SGA, by hand
 * ```ts
 * import { encodeNegotiation } from "./encoder.ts";
 * import { TelnetProtocol } from "./protocol.ts";
 * import type { TelnetNegotiationCallback } from "./protocol_options.ts";
 * import assert from "node:assert/strict";
 *
 * const written: number[] = [];
 * const callback: TelnetNegotiationCallback = (command, option) => {
 *   if (command === 253) written.push(...encodeNegotiation(option === 3 ? 251 : 252, option));
 * };
 * const telnet = new TelnetProtocol();
 * telnet.setOptionNegotiationCallback(callback);
 * telnet.feed(Uint8Array.of(255, 253, 3, 255, 253, 24)); // DO SGA, DO TTYPE
 * assert.deepEqual(written, [255, 251, 3, 255, 252, 24]);
 * ```
 */
export type TelnetNegotiationCallback = (command: number, option: number) => void;

/**
 * Options of {@linkcode TelnetProtocol}: RFC 1143 policy and the option values it reports.
 *
 * @example A typical client
 * ```ts
 * import { TelnetProtocol } from "./protocol.ts";
 * import type { TelnetProtocolOptions } from "./protocol_options.ts";
 * import assert from "node:assert/strict";
 *
 * const options: TelnetProtocolOptions = {
 *   terminalTypes: ["xterm-256color", "vt100"],
 *   windowSize: { cols: 120, rows: 40 },
 *   environment: { variables: { USER: "ann" } },
 * };
 * const telnet = new TelnetProtocol(options);
 * assert.deepEqual(telnet.windowSize, { cols: 120, rows: 40 });
 * ```
 */
export interface TelnetProtocolOptions {
  /**
   * Per-option agreement, keyed by option code, over the defaults: accept DO and WILL for
   * BINARY and SGA, WILL for ECHO, DO for TTYPE, NAWS, TSPEED and NEW_ENVIRON when the
   * matching setting below is given; refuse everything else, LINEMODE included.
   *
   * @default {{}}
   */
  policy?: Readonly<Record<number, TelnetOptionPolicy>>;
  /**
   * Terminal types to report, most preferred first, cycled per RFC 1091.
   *
   * @default {undefined} (TTYPE refused)
   */
  terminalTypes?: readonly string[];
  /**
   * Window size in cells to report with NAWS (RFC 1073).
   *
   * @default {undefined} (NAWS refused until `setWindowSize` is called)
   */
  windowSize?: TelnetWindowSize;
  /**
   * Terminal speed in bits per second to report with TSPEED (RFC 1079).
   *
   * @default {undefined} (TSPEED refused)
   */
  terminalSpeed?: TelnetTerminalSpeed;
  /**
   * The only environment variables sent with NEW_ENVIRON (RFC 1572).
   *
   * @default {undefined} (NEW_ENVIRON refused)
   */
  environment?: TelnetEnvironment;
  /**
   * Largest subnegotiation payload received, in bytes; longer ones are discarded with an
   * `"overflow"` error event.
   *
   * @default {65536}
   */
  maxSubnegotiationBytes?: number;
  /**
   * Whether to add `trace` events (`RCVD DO NAWS`, `SENT WILL TTYPE`, ...).
   *
   * @default {false}
   */
  trace?: boolean;
}
