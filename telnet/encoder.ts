/**
 * Encoding of what we send: data with IAC doubled, the NVT end-of-line rules of RFC 854, and
 * builders for commands, negotiations and subnegotiations. Pure functions, no I/O.
 *
 * @module
 */

import { TelnetCommand } from "./constants.ts";

const IAC = 255;
const CR = 13;
const LF = 10;
const NUL = 0;

/**
 * Options of {@linkcode encodeTelnetData} (RFC 854 NVT rules, RFC 856 BINARY).
 *
 * @example Send raw bytes in BINARY mode
 * ```ts
 * import { type EncodeTelnetDataOptions, encodeTelnetData } from "./encoder.ts";
 * import assert from "node:assert/strict";
 *
 * const options: EncodeTelnetDataOptions = { binary: true };
 * assert.deepEqual([...encodeTelnetData(Uint8Array.of(13, 255), options)], [13, 255, 255]);
 * ```
 */
export interface EncodeTelnetDataOptions {
  /**
   * Whether our side has the BINARY option enabled (RFC 856): then only IAC is doubled and CR
   * and LF pass unchanged.
   *
   * @default {false}
   */
  binary?: boolean;
}

/**
 * Double every IAC byte of `data` so the peer reads it as data (RFC 854, "IAC IAC"). This is
 * exactly what telnetlib's `write` does; no end-of-line translation happens.
 *
 * @param data Bytes to send.
 * @returns The escaped bytes; `data` itself (not a copy) when it holds no IAC.
 * @throws Never.
 *
 * @example Escape a 255 byte
 * ```ts
 * import { escapeIac } from "./encoder.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...escapeIac(Uint8Array.of(1, 255, 2))], [1, 255, 255, 2]);
 * ```
 */
export function escapeIac(data: Uint8Array): Uint8Array {
  let at = data.indexOf(IAC);
  if (at < 0) return data;
  let count = 0;
  for (let i = at; i >= 0; i = data.indexOf(IAC, i + 1)) count++;
  const out = new Uint8Array(data.length + count);
  let from = 0;
  let to = 0;
  while (at >= 0) {
    out.set(data.subarray(from, at + 1), to);
    to += at + 1 - from;
    out[to++] = IAC;
    from = at + 1;
    at = data.indexOf(IAC, from);
  }
  out.set(data.subarray(from), to);
  return out;
}

/**
 * Encode data for the wire following RFC 854's NVT rules unless BINARY is enabled: IAC is
 * doubled, a CR not followed by LF becomes CR NUL, a LF not preceded by CR becomes CR LF, and
 * CR LF stays CR LF. In BINARY mode (RFC 856) only IAC is doubled.
 *
 * Each call is encoded on its own: a CR that ends `data` is sent as CR NUL at once (so a lone
 * `"\r"` reaches the peer as a complete end of line), and a LF that starts the next call is
 * then sent as CR LF.
 *
 * @param data Bytes to send.
 * @param options Whether our side is in BINARY mode.
 * @returns The encoded bytes; `data` itself (not a copy) when nothing needs changing.
 * @throws Never.
 *
 * @example NVT end of lines
 * ```ts
 * import { encodeTelnetData } from "./encoder.ts";
 * import assert from "node:assert/strict";
 *
 * const text = new TextDecoder();
 * const enc = new TextEncoder();
 * assert.equal(text.decode(encodeTelnetData(enc.encode("a\nb\r\nc\r"))), "a\r\nb\r\nc\r\0");
 * assert.equal(text.decode(encodeTelnetData(enc.encode("a\n"), { binary: true })), "a\n");
 * ```
 */
export function encodeTelnetData(
  data: Uint8Array,
  options: EncodeTelnetDataOptions = {},
): Uint8Array {
  if (options.binary) return escapeIac(data);
  const n = data.length;
  let i = 0;
  for (; i < n; i++) {
    const b = data[i];
    if (b === IAC || (b === LF && data[i - 1] !== CR) || (b === CR && data[i + 1] !== LF)) break;
  }
  if (i === n) return data;
  const out = new Uint8Array(n * 2);
  out.set(data.subarray(0, i));
  let o = i;
  for (; i < n; i++) {
    const b = data[i];
    if (b === IAC) {
      out[o++] = IAC;
      out[o++] = IAC;
    } else if (b === CR) {
      out[o++] = CR;
      if (data[i + 1] === LF) {
        out[o++] = LF;
        i++;
      } else {
        out[o++] = NUL;
      }
    } else if (b === LF) {
      out[o++] = CR;
      out[o++] = LF;
    } else {
      out[o++] = b;
    }
  }
  return out.subarray(0, o);
}

function checkByte(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 255) {
    throw new RangeError(`Cannot encode ${what}: expected an integer from 0 to 255, got ${value}`);
  }
}

/**
 * Build a two-byte command, IAC followed by `command` (RFC 854), such as IAC AYT.
 *
 * @param command A `TelnetCommand` code (NOP, DM, BRK, IP, AO, AYT, EC, EL, GA, EOR, ...).
 * @returns A new array `[IAC, command]`.
 * @throws {RangeError} If `command` is not an integer from 0 to 255.
 *
 * @example Are you there
 * ```ts
 * import { encodeTelnetCommand } from "./encoder.ts";
 * import { TelnetCommand } from "./constants.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...encodeTelnetCommand(TelnetCommand.AYT)], [255, 246]);
 * ```
 */
export function encodeTelnetCommand(command: number): Uint8Array {
  checkByte(command, "command");
  return Uint8Array.of(IAC, command);
}

/**
 * Build an option negotiation, IAC followed by WILL, WONT, DO or DONT and the option code
 * (RFC 854, "TELNET COMMAND STRUCTURE"). This bypasses the RFC 1143 state of a
 * `TelnetProtocol`; use `TelnetProtocol.negotiate` to stay loop-free.
 *
 * @param command `TelnetCommand.WILL`, `WONT`, `DO` or `DONT`.
 * @param option The option code, 0 to 255.
 * @returns A new three-byte array.
 * @throws {RangeError} If `command` is not a negotiation command or `option` not a byte.
 *
 * @example Offer to send the terminal type
 * ```ts
 * import { encodeNegotiation } from "./encoder.ts";
 * import { TelnetCommand, TelnetOption } from "./constants.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeNegotiation(TelnetCommand.WILL, TelnetOption.TTYPE);
 * assert.deepEqual([...bytes], [255, 251, 24]);
 * ```
 */
export function encodeNegotiation(command: number, option: number): Uint8Array {
  if (command < TelnetCommand.WILL || command > TelnetCommand.DONT || !Number.isInteger(command)) {
    throw new RangeError(
      `Cannot encode negotiation: expected WILL, WONT, DO or DONT (251 to 254), got ${command}`,
    );
  }
  checkByte(option, "option");
  return Uint8Array.of(IAC, command, option);
}

/**
 * Build a subnegotiation, IAC SB option payload IAC SE, with every IAC of the payload doubled
 * (RFC 854 and RFC 855).
 *
 * @param option The option code, 0 to 255.
 * @param payload The unescaped payload bytes (for example `[IS, ...name]`).
 * @returns A new array holding the whole subnegotiation.
 * @throws {RangeError} If `option` is not an integer from 0 to 255.
 *
 * @example A window size with a width of 255
 * ```ts
 * import { encodeSubnegotiation } from "./encoder.ts";
 * import { TelnetOption } from "./constants.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeSubnegotiation(TelnetOption.NAWS, Uint8Array.of(0, 255, 0, 24));
 * assert.deepEqual([...bytes], [255, 250, 31, 0, 255, 255, 0, 24, 255, 240]);
 * ```
 */
export function encodeSubnegotiation(option: number, payload: Uint8Array): Uint8Array {
  checkByte(option, "option");
  const body = escapeIac(payload);
  const out = new Uint8Array(body.length + 5);
  out[0] = IAC;
  out[1] = TelnetCommand.SB;
  out[2] = option;
  out.set(body, 3);
  out[body.length + 3] = IAC;
  out[body.length + 4] = TelnetCommand.SE;
  return out;
}
