/**
 * What the Telnet receive state machine ({@linkcode TelnetParser}) calls, and its options.
 *
 * @module
 */

/**
 * Largest subnegotiation payload (RFC 855) kept by default, in bytes (64 KiB).
 *
 * @example The default limit
 * ```ts
 * import { DEFAULT_MAX_SUBNEGOTIATION_BYTES } from "./parser.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DEFAULT_MAX_SUBNEGOTIATION_BYTES, 64 * 1024);
 * ```
 */
export const DEFAULT_MAX_SUBNEGOTIATION_BYTES = 65536;

/**
 * What went wrong, for error events. None is fatal: parsing always goes on.
 *
 * - `"violation"`: the peer broke a rule of RFC 854/855/1143 (IAC X inside a subnegotiation,
 *   SE without SB, a reply that contradicts our request, SB for an option not enabled).
 * - `"overflow"`: a subnegotiation payload exceeded the limit and was discarded.
 * - `"truncated"`: the stream ended in the middle of a command or subnegotiation.
 * - `"callback"`: a negotiation callback threw (the error is the event's `cause`).
 *
 * @example Tell a truncated stream apart
 * ```ts
 * import type { TelnetErrorCode } from "./parser.ts";
 * import { TelnetProtocol } from "./protocol.ts";
 * import assert from "node:assert/strict";
 *
 * const telnet = new TelnetProtocol();
 * telnet.feed(Uint8Array.of(255, 250, 24)); // IAC SB TTYPE, then the connection closes
 * const [event] = telnet.end();
 * const code: TelnetErrorCode | undefined = event.type === "error" ? event.code : undefined;
 * assert.equal(code, "truncated");
 * ```
 */
export type TelnetErrorCode = "violation" | "overflow" | "truncated" | "callback";

/**
 * Receives what a {@linkcode TelnetParser} decodes (RFC 854/855), in stream order. Methods
 * are called synchronously from `feed` and `end`, must not throw, and must not call `feed`
 * again.
 *
 * @example Count data bytes
 * ```ts
 * import { TelnetParser, type TelnetParserHandler } from "./parser.ts";
 * import assert from "node:assert/strict";
 *
 * let bytes = 0;
 * const handler: TelnetParserHandler = {
 *   data: (data) => {
 *     bytes += data.length;
 *   },
 *   command: () => {},
 *   negotiation: () => {},
 *   subnegotiation: () => {},
 *   error: () => {},
 * };
 * new TelnetParser(handler).feed(Uint8Array.of(65, 255, 255, 66)); // "A" IAC IAC "B"
 * assert.equal(bytes, 3);
 * ```
 */
export interface TelnetParserHandler {
  /**
   * Data bytes: a `subarray` view of the chunk passed to `feed` (copy it if that chunk's
   * memory is reused). Never empty.
   *
   * @param bytes The data.
   */
  data(bytes: Uint8Array): void;
  /**
   * IAC followed by any byte other than IAC, WILL, WONT, DO, DONT, SB and SE.
   *
   * @param command The byte after IAC (NOP, DM, BRK, IP, AO, AYT, EC, EL, GA, EOR, ...).
   */
  command(command: number): void;
  /**
   * IAC WILL/WONT/DO/DONT option.
   *
   * @param command `TelnetCommand.WILL`, `WONT`, `DO` or `DONT`.
   * @param option The option code.
   */
  negotiation(command: number, option: number): void;
  /**
   * A complete IAC SB option ... IAC SE, with IAC IAC in the payload turned into one 255.
   *
   * @param option The option code (the byte after SB).
   * @param payload A new array the handler owns.
   */
  subnegotiation(option: number, payload: Uint8Array): void;
  /**
   * A protocol problem; parsing continues.
   *
   * @param code What kind of problem.
   * @param message A readable sentence for logs.
   */
  error(code: TelnetErrorCode, message: string): void;
}

/**
 * Options of {@linkcode TelnetParser} (RFC 855 subnegotiation limit, RFC 856 BINARY).
 *
 * @example A small limit
 * ```ts
 * import { TelnetParser, type TelnetParserOptions } from "./parser.ts";
 * import assert from "node:assert/strict";
 *
 * const errors: string[] = [];
 * const options: TelnetParserOptions = { maxSubnegotiationBytes: 2 };
 * const parser = new TelnetParser({
 *   data: () => {},
 *   command: () => {},
 *   negotiation: () => {},
 *   subnegotiation: () => {},
 *   error: (code) => errors.push(code),
 * }, options);
 * parser.feed(Uint8Array.of(255, 250, 24, 1, 2, 3, 255, 240));
 * assert.deepEqual(errors, ["overflow"]);
 * ```
 */
export interface TelnetParserOptions {
  /**
   * Largest subnegotiation payload in bytes; a longer one is discarded with an `"overflow"`
   * error and parsing resumes after its IAC SE.
   *
   * @default {65536}
   */
  maxSubnegotiationBytes?: number;
  /**
   * Initial value of {@linkcode TelnetParser.binary}.
   *
   * @default {false}
   */
  binary?: boolean;
}
