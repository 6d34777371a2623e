/**
 * The events a `TelnetProtocol` returns: what the peer sent, what changed, and the bytes to
 * send back. A discriminated union on `type`.
 *
 * @module
 */

import type { TelnetNegotiationCommand, TelnetSide } from "./negotiation.ts";
import type { TelnetErrorCode } from "./parser.ts";

/**
 * Data received (RFC 854 data stream): a `subarray` view of the chunk given to `feed` (copy
 * it if that memory is reused).
 *
 * @example Collect received text
 * ```ts
 * import { TelnetProtocol } from "./protocol.ts";
 * import assert from "node:assert/strict";
 *
 * const events = new TelnetProtocol().feed(new TextEncoder().encode("hi\r\0"));
 * const text = events.map((e) => (e.type === "data" ? new TextDecoder().decode(e.data) : ""));
 * assert.equal(text.join(""), "hi\r");
 * ```
 */
export interface TelnetDataEvent {
  /** Discriminant. */
  readonly type: "data";
  /** The data bytes, never empty; CR NUL already turned into CR outside BINARY mode. */
  readonly data: Uint8Array;
}

/**
 * A command received (RFC 854): IAC followed by NOP, DM, BRK, IP, AO, AYT, EC, EL, GA, EOR, ...
 *
 * @example Notice an are-you-there
 * ```ts
 * import { TelnetCommand } from "./constants.ts";
 * import { TelnetProtocol } from "./protocol.ts";
 * import assert from "node:assert/strict";
 *
 * const [event] = new TelnetProtocol().feed(Uint8Array.of(255, TelnetCommand.AYT));
 * assert.deepEqual(event, { type: "command", command: TelnetCommand.AYT });
 * ```
 */
export interface TelnetCommandEvent {
  /** Discriminant. */
  readonly type: "command";
  /** The byte after IAC; see `TelnetCommand` and `telnetCommandName`. */
  readonly command: number;
}

/**
 * A negotiation received (RFC 854/855): IAC WILL/WONT/DO/DONT option, before it is acted on.
 *
 * @example See what the peer asked for
 * ```ts
 * import { TelnetProtocol } from "./protocol.ts";
 * import assert from "node:assert/strict";
 *
 * const [event] = new TelnetProtocol().feed(Uint8Array.of(255, 253, 31)); // IAC DO NAWS
 * assert.deepEqual(event, { type: "negotiation", command: 253, option: 31 });
 * ```
 */
export interface TelnetNegotiationEvent {
  /** Discriminant. */
  readonly type: "negotiation";
  /** WILL, WONT, DO or DONT. */
  readonly command: TelnetNegotiationCommand;
  /** The option code; see `TelnetOption` and `telnetOptionName`. */
  readonly option: number;
}

/**
 * A complete subnegotiation received (RFC 855): IAC SB option payload IAC SE.
 *
 * @example A server reads the client's window size
 * ```ts
 * import { decodeNawsPayload } from "./options.ts";
 * import { TelnetProtocol } from "./protocol.ts";
 * import assert from "node:assert/strict";
 *
 * const server = new TelnetProtocol({ policy: { 31: { acceptWill: true } } });
 * const events = server.feed(Uint8Array.of(255, 250, 31, 0, 80, 0, 24, 255, 240));
 * const sb = events.find((e) => e.type === "subnegotiation");
 * assert.deepEqual(sb?.type === "subnegotiation" && decodeNawsPayload(sb.payload), {
 *   cols: 80,
 *   rows: 24,
 * });
 * ```
 */
export interface TelnetSubnegotiationEvent {
  /** Discriminant. */
  readonly type: "subnegotiation";
  /** The option code. */
  readonly option: number;
  /** The payload with IAC IAC unescaped; a new array the receiver owns. */
  readonly payload: Uint8Array;
}

/**
 * An option became enabled or disabled (entered or left RFC 1143 state YES).
 *
 * @example Follow the server's echo
 * ```ts
 * import { TelnetProtocol } from "./protocol.ts";
 * import assert from "node:assert/strict";
 *
 * const events = new TelnetProtocol().feed(Uint8Array.of(255, 251, 1)); // IAC WILL ECHO
 * const change = events.find((e) => e.type === "option");
 * assert.deepEqual(change, { type: "option", side: "him", option: 1, enabled: true });
 * ```
 */
export interface TelnetOptionEvent {
  /** Discriminant. */
  readonly type: "option";
  /** `"us"` for an option we perform, `"him"` for one the peer performs. */
  readonly side: TelnetSide;
  /** The option code. */
  readonly option: number;
  /** The new state. */
  readonly enabled: boolean;
}

/**
 * Bytes to write to the peer, in order: replies, requests, subnegotiations, commands, encoded
 * per RFC 854 (IAC doubled).
 *
 * @example Write the replies to the peer
 * ```ts
 * import { TelnetProtocol } from "./protocol.ts";
 * import assert from "node:assert/strict";
 *
 * const written: number[] = [];
 * const write = (bytes: Uint8Array) => written.push(...bytes);
 * for (const event of new TelnetProtocol().feed(Uint8Array.of(255, 253, 24))) {
 *   if (event.type === "send") write(event.bytes);
 * }
 * assert.deepEqual(written, [255, 252, 24]); // IAC WONT TTYPE
 * ```
 */
export interface TelnetSendEvent {
  /** Discriminant. */
  readonly type: "send";
  /** The exact bytes for the wire (already escaped). */
  readonly bytes: Uint8Array;
}

/**
 * A protocol problem (a breach of RFC 854, 855 or 1143, an oversized or truncated sequence);
 * none is fatal and processing goes on.
 *
 * @example Log protocol problems
 * ```ts
 * import { TelnetProtocol } from "./protocol.ts";
 * import assert from "node:assert/strict";
 *
 * const [event] = new TelnetProtocol().feed(Uint8Array.of(255, 240)); // SE without SB
 * assert.equal(event.type === "error" && event.code, "violation");
 * ```
 */
export interface TelnetErrorEvent {
  /** Discriminant. */
  readonly type: "error";
  /** What kind of problem. */
  readonly code: TelnetErrorCode;
  /** A readable sentence for logs. */
  readonly message: string;
  /** What a negotiation callback threw, for code `"callback"`. */
  readonly cause?: unknown;
}

/**
 * A readable line for negotiation logs, such as `RCVD DO NAWS` or `SENT WILL TTYPE`, in the
 * vocabulary of RFC 854 and the option RFCs.
 *
 * @example A negotiation log
 * ```ts
 * import { TelnetProtocol } from "./protocol.ts";
 * import assert from "node:assert/strict";
 *
 * const events = new TelnetProtocol({ trace: true }).feed(Uint8Array.of(255, 251, 1));
 * const lines = events.flatMap((e) => (e.type === "trace" ? [e.message] : []));
 * assert.deepEqual(lines, ["RCVD WILL ECHO", "SENT DO ECHO"]);
 * ```
 */
export interface TelnetTraceEvent {
  /** Discriminant. */
  readonly type: "trace";
  /** The line, without a newline. */
  readonly message: string;
}

/**
 * Everything `TelnetProtocol` reports, discriminated by `type`: the RFC 854 data stream and
 * commands, RFC 855 negotiations and subnegotiations, RFC 1143 option changes, replies.
 *
 * @example Dispatch on the type
 * ```ts
 * import type { TelnetEvent } from "./events.ts";
 * import { TelnetProtocol } from "./protocol.ts";
 * import assert from "node:assert/strict";
 *
 * function handle(event: TelnetEvent): string {
 *   switch (event.type) {
 *     case "data":
 *       return `data ${event.data.length}`;
 *     case "send":
 *       return `send ${event.bytes.length}`;
 *     default:
 *       return event.type;
 *   }
 * }
 * const events = new TelnetProtocol().feed(Uint8Array.of(255, 251, 3, 65));
 * assert.deepEqual(events.map(handle), ["negotiation", "send 3", "option", "data 1"]);
 * ```
 */
export type TelnetEvent =
  | TelnetDataEvent
  | TelnetCommandEvent
  | TelnetNegotiationEvent
  | TelnetSubnegotiationEvent
  | TelnetOptionEvent
  | TelnetSendEvent
  | TelnetErrorEvent
  | TelnetTraceEvent;
