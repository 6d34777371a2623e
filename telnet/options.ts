/**
 * Payloads of the subnegotiations this module implements: NAWS (RFC 1073), TTYPE (RFC 1091),
 * TSPEED (RFC 1079) and NEW_ENVIRON (RFC 1572). Payloads here are unescaped: pass them to
 * `encodeSubnegotiation`, which doubles IAC.
 *
 * @module
 */

import { TelnetEnvironmentCode, TelnetSubcommand } from "./constants.ts";

const { IS, SEND, INFO } = TelnetSubcommand;
const { VAR, VALUE, ESC, USERVAR } = TelnetEnvironmentCode;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A terminal size in character cells, as NAWS sends it (RFC 1073).
 *
 * @example 80 by 24
 * ```ts
 * import { encodeNawsPayload, type TelnetWindowSize } from "./options.ts";
 * import assert from "node:assert/strict";
 *
 * const size: TelnetWindowSize = { cols: 80, rows: 24 };
 * assert.deepEqual([...encodeNawsPayload(size)], [0, 80, 0, 24]);
 * ```
 */
export interface TelnetWindowSize {
  /** Width in columns, 0 to 65535 (0: unknown). */
  readonly cols: number;
  /** Height in rows, 0 to 65535 (0: unknown). */
  readonly rows: number;
}

/**
 * Build the NAWS payload (RFC 1073): width then height, each a 16-bit big-endian number. A
 * byte of 255 stays 255 here; `encodeSubnegotiation` doubles it on the wire.
 *
 * @param size Columns and rows, in cells.
 * @returns Four bytes.
 * @throws {RangeError} If `cols` or `rows` is not an integer from 0 to 65535.
 *
 * @example 80 by 24
 * ```ts
 * import { encodeNawsPayload } from "./options.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...encodeNawsPayload({ cols: 80, rows: 24 })], [0, 80, 0, 24]);
 * ```
 */
export function encodeNawsPayload(size: TelnetWindowSize): Uint8Array {
  for (const key of ["cols", "rows"] as const) {
    const v = size[key];
    if (!Number.isInteger(v) || v < 0 || v > 65535) {
      throw new RangeError(`Cannot encode window size: ${key} must be 0 to 65535 cells, got ${v}`);
    }
  }
  return Uint8Array.of(size.cols >> 8, size.cols & 255, size.rows >> 8, size.rows & 255);
}

/**
 * Read a NAWS payload (RFC 1073) received from a peer.
 *
 * @param payload The unescaped payload (four bytes).
 * @returns The size in cells, or `null` when the payload is not four bytes long.
 * @throws Never.
 *
 * @example A 255-column window
 * ```ts
 * import { decodeNawsPayload } from "./options.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(decodeNawsPayload(Uint8Array.of(0, 255, 0, 24)), { cols: 255, rows: 24 });
 * ```
 */
export function decodeNawsPayload(payload: Uint8Array): TelnetWindowSize | null {
  if (payload.length !== 4) return null;
  return { cols: (payload[0] << 8) | payload[1], rows: (payload[2] << 8) | payload[3] };
}

/**
 * The terminal types a client reports, one per `SB TTYPE SEND`, in the order RFC 1091 asks:
 * each type of the list in turn, the last one a second time to mark the end of the list, then
 * the first one again.
 *
 * @example Cycle through two types
 * ```ts
 * import { TerminalTypeCycle } from "./options.ts";
 * import assert from "node:assert/strict";
 *
 * const cycle = new TerminalTypeCycle(["xterm-256color", "vt100"]);
 * const seen = [cycle.next(), cycle.next(), cycle.next(), cycle.next()];
 * assert.deepEqual(seen, ["xterm-256color", "vt100", "vt100", "xterm-256color"]);
 * ```
 */
export class TerminalTypeCycle {
  #types: readonly string[];
  #index = 0;

  /**
   * Create a cycle over a list of terminal type names, most preferred first.
   *
   * @param types One or more non-empty names.
   * @throws {RangeError} If `types` is empty or holds an empty name.
   *
   * @example A one-type list
   * ```ts
   * import { TerminalTypeCycle } from "./options.ts";
   * import assert from "node:assert/strict";
   *
   * const cycle = new TerminalTypeCycle(["vt100"]);
   * assert.deepEqual([cycle.next(), cycle.next()], ["vt100", "vt100"]);
   * ```
   */
  constructor(types: readonly string[]) {
    if (types.length === 0 || types.some((t) => typeof t !== "string" || t.length === 0)) {
      throw new RangeError("Cannot cycle terminal types: expected one or more non-empty names");
    }
    this.#types = [...types, types[types.length - 1]];
  }

  /**
   * Return the type to report for the next SEND request and advance.
   *
   * @returns A terminal type name.
   * @throws Never.
   *
   * @example Take the next type
   * ```ts
   * import { TerminalTypeCycle } from "./options.ts";
   * import assert from "node:assert/strict";
   *
   * const cycle = new TerminalTypeCycle(["a", "b"]);
   * assert.deepEqual([cycle.next(), cycle.next(), cycle.next()], ["a", "b", "b"]);
   * ```
   */
  next(): string {
    const type = this.#types[this.#index];
    this.#index = (this.#index + 1) % this.#types.length;
    return type;
  }

  /**
   * Start again from the first type (a TelnetProtocol does so whenever TTYPE is enabled again).
   *
   * @throws Never.
   *
   * @example Start over
   * ```ts
   * import { TerminalTypeCycle } from "./options.ts";
   * import assert from "node:assert/strict";
   *
   * const cycle = new TerminalTypeCycle(["a", "b"]);
   * cycle.next();
   * cycle.reset();
   * assert.equal(cycle.next(), "a");
   * ```
   */
  reset(): void {
    this.#index = 0;
  }
}

/**
 * Build the payload of an IS answer with a text value: TTYPE (RFC 1091 `IS name`) or TSPEED
 * (RFC 1079 `IS transmit,receive`).
 *
 * @param text The value, sent as UTF-8 (ASCII in practice).
 * @returns The IS byte followed by the text.
 * @throws Never.
 *
 * @example Report a terminal type
 * ```ts
 * import { encodeIsPayload } from "./options.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...encodeIsPayload("vt100")], [0, 118, 116, 49, 48, 48]);
 * ```
 */
export function encodeIsPayload(text: string): Uint8Array {
  const bytes = encoder.encode(text);
  const out = new Uint8Array(bytes.length + 1);
  out[0] = IS;
  out.set(bytes, 1);
  return out;
}

/**
 * Read the text of an IS payload: a terminal type (RFC 1091) or a terminal speed (RFC 1079).
 *
 * @param payload The unescaped payload.
 * @returns The text after IS, or `null` when the payload does not start with IS.
 * @throws Never.
 *
 * @example Read a terminal type
 * ```ts
 * import { decodeIsPayload } from "./options.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(decodeIsPayload(Uint8Array.of(0, 118, 116, 49, 48, 48)), "vt100");
 * assert.equal(decodeIsPayload(Uint8Array.of(1)), null);
 * ```
 */
export function decodeIsPayload(payload: Uint8Array): string | null {
  if (payload[0] !== IS) return null;
  return decoder.decode(payload.subarray(1));
}

/**
 * A terminal speed in bits per second (RFC 1079).
 *
 * @example 38400 baud both ways
 * ```ts
 * import { formatTerminalSpeed, type TelnetTerminalSpeed } from "./options.ts";
 * import assert from "node:assert/strict";
 *
 * const speed: TelnetTerminalSpeed = { transmit: 38400, receive: 38400 };
 * assert.equal(formatTerminalSpeed(speed), "38400,38400");
 * ```
 */
export interface TelnetTerminalSpeed {
  /** Transmit speed in bits per second. */
  readonly transmit: number;
  /** Receive speed in bits per second. */
  readonly receive: number;
}

/**
 * Format a terminal speed as RFC 1079 sends it: `transmit,receive` in decimal.
 *
 * @param speed Speeds in bits per second.
 * @returns For example `"38400,38400"`.
 * @throws {RangeError} If a speed is not a non-negative integer.
 *
 * @example 38400 baud
 * ```ts
 * import { formatTerminalSpeed } from "./options.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatTerminalSpeed({ transmit: 38400, receive: 9600 }), "38400,9600");
 * ```
 */
export function formatTerminalSpeed(speed: TelnetTerminalSpeed): string {
  for (const key of ["transmit", "receive"] as const) {
    const v = speed[key];
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new RangeError(
        `Cannot format terminal speed: ${key} must be a non-negative integer, got ${v}`,
      );
    }
  }
  return `${speed.transmit},${speed.receive}`;
}

/**
 * Environment variables a client is willing to send (RFC 1572).
 *
 * @example Offer USER and LANG
 * ```ts
 * import type { TelnetEnvironment } from "./options.ts";
 * import { TelnetProtocol } from "./protocol.ts";
 * import assert from "node:assert/strict";
 *
 * const environment: TelnetEnvironment = {
 *   variables: { USER: "ann" },
 *   userVariables: { LANG: "C.UTF-8" },
 * };
 * const telnet = new TelnetProtocol({ environment });
 * assert.equal(telnet.isEnabled("us", 39), false); // until the server sends DO NEW_ENVIRON
 * ```
 */
export interface TelnetEnvironment {
  /** Well-known variables, sent as VAR: USER, JOB, ACCT, PRINTER, SYSTEMTYPE, DISPLAY. */
  readonly variables?: Readonly<Record<string, string>>;
  /** User-defined variables, sent as USERVAR (for example TERM or LANG). */
  readonly userVariables?: Readonly<Record<string, string>>;
}

/**
 * One variable of a NEW_ENVIRON payload (RFC 1572 section 2).
 *
 * @example An undefined variable
 * ```ts
 * import { decodeEnvironmentPayload, type TelnetEnvironmentEntry } from "./options.ts";
 * import assert from "node:assert/strict";
 *
 * const entry: TelnetEnvironmentEntry = { type: "var", name: "JOB" };
 * assert.deepEqual(decodeEnvironmentPayload(Uint8Array.of(0, 0, 74, 79, 66))?.entries, [entry]);
 * ```
 */
export interface TelnetEnvironmentEntry {
  /** `"var"` for VAR (well-known), `"uservar"` for USERVAR. */
  readonly type: "var" | "uservar";
  /** The name; empty in a SEND request means "all variables of this type". */
  readonly name: string;
  /** The value; `undefined` when the variable is undefined or in a SEND request. */
  readonly value?: string;
}

/**
 * A decoded NEW_ENVIRON payload (RFC 1572).
 *
 * @example A request for everything
 * ```ts
 * import { decodeEnvironmentPayload, type TelnetEnvironmentMessage } from "./options.ts";
 * import assert from "node:assert/strict";
 *
 * const message: TelnetEnvironmentMessage = { command: "send", entries: [] };
 * assert.deepEqual(decodeEnvironmentPayload(Uint8Array.of(1)), message);
 * ```
 */
export interface TelnetEnvironmentMessage {
  /** `"is"`, `"send"` or `"info"`. */
  readonly command: "is" | "send" | "info";
  /** The variables in payload order. */
  readonly entries: readonly TelnetEnvironmentEntry[];
}

/**
 * Read a NEW_ENVIRON payload (RFC 1572): IS, SEND or INFO followed by VAR/USERVAR names, each
 * with an optional VALUE, where ESC quotes the next byte. Bytes before the first VAR or USERVAR
 * are ignored.
 *
 * @param payload The unescaped payload.
 * @returns The message, or `null` when the first byte is not IS, SEND or INFO.
 * @throws Never.
 *
 * @example A server asking for USER
 * ```ts
 * import { decodeEnvironmentPayload } from "./options.ts";
 * import assert from "node:assert/strict";
 *
 * const message = decodeEnvironmentPayload(Uint8Array.of(1, 0, 85, 83, 69, 82));
 * assert.deepEqual(message, { command: "send", entries: [{ type: "var", name: "USER" }] });
 * ```
 */
export function decodeEnvironmentPayload(payload: Uint8Array): TelnetEnvironmentMessage | null {
  const first = payload[0];
  if (first !== IS && first !== SEND && first !== INFO) return null;
  const command = first === IS ? "is" : first === SEND ? "send" : "info";
  const entries: TelnetEnvironmentEntry[] = [];
  let type: "var" | "uservar" | null = null;
  let name: number[] = [];
  let value: number[] | null = null;
  // Most names in a hostile request are empty: skip the decoder for them.
  const text = (bytes: number[]): string =>
    bytes.length === 0 ? "" : decoder.decode(Uint8Array.from(bytes));
  const flush = () => {
    if (type === null) return;
    const entry: TelnetEnvironmentEntry = value === null
      ? { type, name: text(name) }
      : { type, name: text(name), value: text(value) };
    entries.push(entry);
  };
  for (let i = 1; i < payload.length; i++) {
    let b = payload[i];
    if (b === VAR || b === USERVAR) {
      flush();
      type = b === VAR ? "var" : "uservar";
      name = [];
      value = null;
      continue;
    }
    if (b === VALUE) {
      if (type !== null && value === null) value = [];
      continue;
    }
    if (b === ESC) {
      if (i + 1 >= payload.length) break;
      b = payload[++i];
    }
    if (type === null) continue;
    (value ?? name).push(b);
  }
  flush();
  return { command, entries };
}

function pushEscaped(out: number[], text: string): void {
  for (const b of encoder.encode(text)) {
    if (b <= USERVAR) out.push(ESC);
    out.push(b);
  }
}

/**
 * Build a NEW_ENVIRON payload (RFC 1572): the command byte, then each entry as VAR or USERVAR,
 * its name, and VALUE with the value when it has one, escaping bytes 0 to 3 with ESC.
 *
 * @param command `TelnetSubcommand.IS`, `SEND` or `INFO`.
 * @param entries The variables, in order.
 * @returns The unescaped payload.
 * @throws {RangeError} If `command` is not IS, SEND or INFO.
 *
 * @example Send USER
 * ```ts
 * import { encodeEnvironmentPayload } from "./options.ts";
 * import { TelnetSubcommand } from "./constants.ts";
 * import assert from "node:assert/strict";
 *
 * const payload = encodeEnvironmentPayload(TelnetSubcommand.IS, [
 *   { type: "var", name: "USER", value: "ann" },
 * ]);
 * assert.deepEqual([...payload], [0, 0, 85, 83, 69, 82, 1, 97, 110, 110]);
 * ```
 */
export function encodeEnvironmentPayload(
  command: number,
  entries: readonly TelnetEnvironmentEntry[],
): Uint8Array {
  if (command !== IS && command !== SEND && command !== INFO) {
    throw new RangeError(`Cannot encode environment: expected IS, SEND or INFO, got ${command}`);
  }
  const out: number[] = [command];
  for (const entry of entries) {
    out.push(entry.type === "var" ? VAR : USERVAR);
    pushEscaped(out, entry.name);
    if (entry.value !== undefined) {
      out.push(VALUE);
      pushEscaped(out, entry.value);
    }
  }
  return Uint8Array.from(out);
}

/**
 * Answer a NEW_ENVIRON SEND request (RFC 1572 section 2) from the variables the user
 * configured, and nothing else: a SEND with no list gets every configured variable; a listed
 * name gets its value when configured and is otherwise reported undefined (type and name with
 * no VALUE, as the RFC requires one answer per requested name); a type with an empty name gets
 * every configured variable of that type.
 *
 * Each variable is answered at most once, however often the request names it (directly or
 * with an empty name), so the answer is at most the configured variables plus the distinct
 * unknown names of the request, and it is computed in time linear in the request's size: a
 * request listing 60 000 empty VAR entries gets the configured VARs once.
 *
 * @param request The unescaped payload of the SEND request (starting with SEND).
 * @param environment The configured variables.
 * @returns The IS payload to send, or `null` when `request` is not a SEND request.
 * @throws Never.
 *
 * @example Only what was asked and configured, once
 * ```ts
 * import { answerEnvironmentSend, decodeEnvironmentPayload } from "./options.ts";
 * import assert from "node:assert/strict";
 *
 * const env = { variables: { USER: "ann" }, userVariables: { SECRET: "x" } };
 * // SEND VAR USER VAR JOB VAR USER
 * const send = Uint8Array.of(1, 0, 85, 83, 69, 82, 0, 74, 79, 66, 0, 85, 83, 69, 82);
 * const answer = decodeEnvironmentPayload(answerEnvironmentSend(send, env)!);
 * assert.deepEqual(answer?.entries, [
 *   { type: "var", name: "USER", value: "ann" },
 *   { type: "var", name: "JOB" },
 * ]);
 * ```
 */
export function answerEnvironmentSend(
  request: Uint8Array,
  environment: TelnetEnvironment,
): Uint8Array | null {
  const message = decodeEnvironmentPayload(request);
  if (message === null || message.command !== "send") return null;
  const tables = {
    var: environment.variables ?? {},
    uservar: environment.userVariables ?? {},
  };
  const answer: TelnetEnvironmentEntry[] = [];
  const answered = { var: new Set<string>(), uservar: new Set<string>() };
  const add = (type: "var" | "uservar", name: string): void => {
    if (answered[type].has(name)) return;
    answered[type].add(name);
    if (Object.hasOwn(tables[type], name)) answer.push({ type, name, value: tables[type][name] });
    else answer.push({ type, name });
  };
  const all = (type: "var" | "uservar"): void => {
    for (const name of Object.keys(tables[type])) add(type, name);
  };
  if (message.entries.length === 0) {
    all("var");
    all("uservar");
  }
  const listedAll = { var: false, uservar: false };
  for (const { type, name } of message.entries) {
    if (name !== "") add(type, name);
    else if (!listedAll[type]) {
      listedAll[type] = true;
      all(type);
    }
  }
  return encodeEnvironmentPayload(IS, answer);
}
