/**
 * Telnet for dexpect: a telnetlib-compatible client, a loopback server for tests and mock
 * devices, and under both a protocol core that does no I/O, in the manner of libtelnet: bytes go
 * in, events come out, and even the bytes to send back to the peer leave as events.
 *
 * - {@linkcode Telnet}: the client. A session of the expect DSL (`expect`, `sendLine`, ...)
 *   with Python telnetlib's whole API in camelCase (`readUntil`, `readVeryEager`, `write`,
 *   `setOptionNegotiationCallback`, ...), TLS, NAWS on `resize`, ETX on `sendIntr` (IAC IP on
 *   `sendInterruptProcess`).
 * - {@linkcode serve}: a Telnet server on 127.0.0.1 whose handler scripts each connection
 *   with the same DSL ({@linkcode TelnetServerSession}), or that runs a program in a pty per
 *   connection, as telnetd does.
 * - {@linkcode TelnetSession}: what both ends share, over any `Deno.Conn`;
 *   {@linkcode SocketSession}: a plain TCP connection with no Telnet processing.
 * - {@linkcode TelnetProtocol}: the sans-I/O endpoint. `feed(bytes)` returns
 *   {@linkcode TelnetEvent}s (data, commands, negotiations, subnegotiations, option changes,
 *   bytes to send, errors, trace lines); RFC 1143 negotiation on both sides, BINARY, ECHO,
 *   SGA, TTYPE, NAWS, TSPEED and NEW_ENVIRON. {@linkcode TelnetParser} and
 *   {@linkcode QMethod} are its parts.
 * - Encoders, option payload helpers, and the protocol codes under telnetlib's names
 *   (`TelnetCommand.IAC`, `TelnetOption.NAWS`, ...: `const { IAC, DO } = TelnetCommand`).
 *
 * Timeouts are milliseconds everywhere (telnetlib's were seconds).
 *
 * @example A mock device and a client, on loopback
 * ```ts
 * import { serve, Telnet } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * await using device = serve({
 *   timeout: 5_000,
 *   handler: async (session) => {
 *     await session.send("router> ");
 *     // readLine(): CR LF, CR NUL or a lone CR, as real clients end lines
 *     if (await session.readLine() === "show version") {
 *       await session.send("Version 1.0\r\nrouter> ");
 *     }
 *   },
 * });
 * await using tn = await Telnet.connect("127.0.0.1", device.addr.port, { timeout: 5_000 });
 * await tn.readUntil("router> ");
 * await tn.sendLine("show version");
 * const { before } = await tn.expect("router> ");
 * assert.equal(before, "Version 1.0\r\n");
 * ```
 *
 * @example Negotiate with the bare protocol, then read data
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
export { TelnetError, type TelnetErrorOptions, type TelnetErrorReason } from "./errors.ts";
export type { TelnetDebugTarget, TelnetEventObserver } from "./observers.ts";
export { connectSocket, SocketSession, type SocketSessionOptions } from "./socket.ts";
export { TelnetSession, type TelnetSessionOptions } from "./session.ts";
export {
  Telnet,
  type TelnetConnectOptions,
  type TelnetInteractOptions,
  type TelnetOptions,
  type TelnetTlsOptions,
} from "./client.ts";
export { serve, type ServeOptions, type TelnetHandler, type TelnetServer } from "./server.ts";
export { TelnetServerSession } from "./server_session.ts";
export { autoNvtMode, NvtLineEditor, type NvtMode } from "./line_mode.ts";
