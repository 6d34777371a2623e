/**
 * Telnet for dexpect. The protocol core here does no I/O, in the manner of libtelnet: bytes go
 * in, events come out, and even the bytes to send back to the peer leave as events, so it can
 * sit on any transport and be tested byte for byte.
 *
 * - {@linkcode TelnetProtocol}: the endpoint. `feed(bytes)` returns {@linkcode TelnetEvent}s
 *   (data, commands, negotiations, subnegotiations, option changes, bytes to send, errors,
 *   trace lines); `negotiate`, `sendCommand`, `sendSubnegotiation`, `setWindowSize` and
 *   `encodeData` produce what we send. RFC 1143 negotiation on both sides, BINARY, ECHO, SGA,
 *   TTYPE, NAWS, TSPEED and NEW_ENVIRON; telnetlib's negotiation callback and `readSbData`.
 * - {@linkcode TelnetParser}: the bare receive state machine (RFC 854/855).
 * - {@linkcode QMethod}: RFC 1143 option state for both sides.
 * - Encoders (`escapeIac`, `encodeTelnetData`, `encodeTelnetCommand`, `encodeNegotiation`,
 *   `encodeSubnegotiation`), option payload helpers, and the protocol codes under telnetlib's
 *   names (`TelnetCommand.IAC`, `TelnetOption.NAWS`, ...).
 *
 * @example Negotiate, then read data
 * ```ts
 * import { TelnetCommand, TelnetOption, TelnetProtocol } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const { IAC, DO, WILL } = TelnetCommand;
 * const telnet = new TelnetProtocol({ terminalTypes: ["xterm"], trace: true });
 * const events = telnet.feed(Uint8Array.of(IAC, DO, TelnetOption.TTYPE, 36, 32));
 * const lines = events.flatMap((e) => (e.type === "trace" ? [e.message] : []));
 * assert.deepEqual(lines, ["RCVD DO TTYPE", "SENT WILL TTYPE"]);
 * const reply = events.find((e) => e.type === "send");
 * assert.deepEqual(reply?.type === "send" && [...reply.bytes], [IAC, WILL, TelnetOption.TTYPE]);
 * ```
 *
 * @module
 */

export {
  TelnetCommand,
  telnetCommandName,
  TelnetEnvironmentCode,
  TelnetOption,
  telnetOptionName,
  TelnetSubcommand,
} from "./constants.ts";
export {
  encodeNegotiation,
  encodeSubnegotiation,
  encodeTelnetCommand,
  encodeTelnetData,
  type EncodeTelnetDataOptions,
  escapeIac,
} from "./encoder.ts";
export type {
  TelnetCommandEvent,
  TelnetDataEvent,
  TelnetErrorEvent,
  TelnetEvent,
  TelnetNegotiationEvent,
  TelnetOptionEvent,
  TelnetSendEvent,
  TelnetSubnegotiationEvent,
  TelnetTraceEvent,
} from "./events.ts";
export {
  QMethod,
  type QOptionState,
  type QQueue,
  type QState,
  type QTransition,
  type TelnetNegotiationCommand,
  type TelnetSide,
} from "./negotiation.ts";
export {
  answerEnvironmentSend,
  decodeEnvironmentPayload,
  decodeIsPayload,
  decodeNawsPayload,
  encodeEnvironmentPayload,
  encodeIsPayload,
  encodeNawsPayload,
  formatTerminalSpeed,
  type TelnetEnvironment,
  type TelnetEnvironmentEntry,
  type TelnetEnvironmentMessage,
  type TelnetTerminalSpeed,
  type TelnetWindowSize,
  TerminalTypeCycle,
} from "./options.ts";
export {
  DEFAULT_MAX_SUBNEGOTIATION_BYTES,
  type TelnetErrorCode,
  TelnetParser,
  type TelnetParserHandler,
  type TelnetParserOptions,
} from "./parser.ts";
export { TelnetProtocol } from "./protocol.ts";
export type {
  TelnetNegotiationCallback,
  TelnetOptionPolicy,
  TelnetProtocolOptions,
} from "./protocol_options.ts";
