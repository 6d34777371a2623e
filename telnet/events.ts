/**
 * The events a `TelnetProtocol` returns: what the peer sent, what changed, and the bytes to
 * send back. A discriminated union on `type`.
 *
 * @module
 */

import type { TelnetNegotiationCommand, TelnetSide } from "./negotiation.ts";
import type { TelnetErrorCode } from "./parser.ts";

/** Data received: a `subarray` view of the chunk given to `feed` (copy it if that memory is reused). */
export interface TelnetDataEvent {
  /** Discriminant. */
  readonly type: "data";
  /** The data bytes, never empty; CR NUL already turned into CR outside BINARY mode. */
  readonly data: Uint8Array;
}

/** A command received: IAC followed by NOP, DM, BRK, IP, AO, AYT, EC, EL, GA, EOR, ... */
export interface TelnetCommandEvent {
  /** Discriminant. */
  readonly type: "command";
  /** The byte after IAC; see `TelnetCommand` and `commandName`. */
  readonly command: number;
}

/** A negotiation received: IAC WILL/WONT/DO/DONT option, before it is acted on. */
export interface TelnetNegotiationEvent {
  /** Discriminant. */
  readonly type: "negotiation";
  /** WILL, WONT, DO or DONT. */
  readonly command: TelnetNegotiationCommand;
  /** The option code; see `TelnetOption` and `optionName`. */
  readonly option: number;
}

/** A complete subnegotiation received: IAC SB option payload IAC SE. */
export interface TelnetSubnegotiationEvent {
  /** Discriminant. */
  readonly type: "subnegotiation";
  /** The option code. */
  readonly option: number;
  /** The payload with IAC IAC unescaped; a new array the receiver owns. */
  readonly payload: Uint8Array;
}

/** An option became enabled or disabled (entered or left RFC 1143 state YES). */
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

/** Bytes to write to the peer, in order: replies, requests, subnegotiations, commands. */
export interface TelnetSendEvent {
  /** Discriminant. */
  readonly type: "send";
  /** The exact bytes for the wire (already escaped). */
  readonly bytes: Uint8Array;
}

/** A protocol problem; none is fatal and processing goes on. */
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

/** A readable line for negotiation logs, such as `RCVD DO NAWS` or `SENT WILL TTYPE`. */
export interface TelnetTraceEvent {
  /** Discriminant. */
  readonly type: "trace";
  /** The line, without a newline. */
  readonly message: string;
}

/** Everything `TelnetProtocol` reports, discriminated by `type`. */
export type TelnetEvent =
  | TelnetDataEvent
  | TelnetCommandEvent
  | TelnetNegotiationEvent
  | TelnetSubnegotiationEvent
  | TelnetOptionEvent
  | TelnetSendEvent
  | TelnetErrorEvent
  | TelnetTraceEvent;
