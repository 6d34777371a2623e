/**
 * `TelnetProtocol`: the sans-I/O Telnet endpoint. Bytes received go in through `feed`; data,
 * commands, negotiations, option changes and the bytes to send back come out as events.
 *
 * @module
 */

import { TelnetCommand, telnetCommandName, TelnetOption, telnetOptionName } from "./constants.ts";
import {
  encodeNegotiation,
  encodeSubnegotiation,
  encodeTelnetCommand,
  encodeTelnetData,
} from "./encoder.ts";
import type { TelnetEvent } from "./events.ts";
import {
  QMethod,
  type QOptionState,
  type QTransition,
  type TelnetNegotiationCommand,
  type TelnetSide,
} from "./negotiation.ts";
import { encodeNawsPayload, type TelnetWindowSize } from "./options.ts";
import { TelnetParser, type TelnetParserHandler } from "./parser.ts";
import type { TelnetNegotiationCallback, TelnetProtocolOptions } from "./protocol_options.ts";
import { OptionAgent } from "./_agent.ts";
import { describeSubnegotiation } from "./_format.ts";

const { WILL, DONT, SB, SE, IAC } = TelnetCommand;
const { BINARY, NAWS, NOOPT } = TelnetOption;

/**
 * A Telnet endpoint with no I/O (RFC 854, 855, 1143 and the options below). It combines the
 * {@linkcode TelnetParser} with RFC 1143 negotiation for both sides and answers the options it
 * implements: BINARY (RFC 856), ECHO (857), SGA (858), TTYPE (1091, cycling a list), NAWS
 * (1073, sent when enabled and on every `setWindowSize`), TSPEED (1079) and NEW_ENVIRON (1572,
 * only configured variables). Unknown options and LINEMODE are refused.
 *
 * Every method returns events in order; write each `send` event's bytes to the peer. Feeding
 * any split of a stream gives the same events, data aside, which may be cut differently but
 * concatenates to the same bytes: outside BINARY mode CR NUL is received as CR (RFC 854), a CR
 * that ends a chunk is delivered at once, and a NUL that starts the next data is dropped.
 * Nothing here throws on peer input: protocol problems are `error` events, and memory stays
 * bounded whatever the peer sends.
 *
 * @example Answer a server's opening negotiation
 * ```ts
 * import { TelnetProtocol } from "./protocol.ts";
 * import assert from "node:assert/strict";
 *
 * const telnet = new TelnetProtocol({ windowSize: { cols: 80, rows: 24 } });
 * const events = telnet.feed(Uint8Array.of(255, 253, 31, 104, 105)); // IAC DO NAWS "hi"
 * const sent = events.flatMap((e) => (e.type === "send" ? [...e.bytes] : []));
 * assert.deepEqual(sent, [255, 251, 31, 255, 250, 31, 0, 80, 0, 24, 255, 240]);
 * const data = events.find((e) => e.type === "data");
 * assert.equal(data?.type === "data" && new TextDecoder().decode(data.data), "hi");
 * ```
 */
export class TelnetProtocol {
  /** Whether to add `trace` events; may be changed at any time. */
  trace: boolean;
  #parser: TelnetParser;
  #q: QMethod = new QMethod();
  #agent: OptionAgent;
  #callback: TelnetNegotiationCallback | null = null;
  #sbData: Uint8Array = new Uint8Array(0);
  #out: TelnetEvent[] = [];
  #inCallback = false;

  /**
   * Create an endpoint with every option disabled.
   *
   * @param options Policy, option values, limits and tracing.
   * @throws {RangeError} If an option value is out of range (empty terminal type list,
   *   window size beyond 65535 cells, negative speed, negative limit).
   *
   * @example A client that reports its terminal
   * ```ts
   * import { TelnetProtocol } from "./protocol.ts";
   * import assert from "node:assert/strict";
   *
   * const telnet = new TelnetProtocol({ terminalTypes: ["xterm"] });
   * assert.equal(telnet.isEnabled("us", 24), false); // TTYPE waits for the server's DO
   * ```
   */
  constructor(options: TelnetProtocolOptions = {}) {
    this.trace = options.trace ?? false;
    this.#agent = new OptionAgent(options);
    this.#parser = new TelnetParser(this.#handler(), {
      maxSubnegotiationBytes: options.maxSubnegotiationBytes,
    });
  }

  /**
   * The window size last configured, in cells, or `null`.
   *
   * @returns Columns and rows.
   * @throws Never.
   *
   * @example Before and after a resize
   * ```ts
   * import { TelnetProtocol } from "./protocol.ts";
   * import assert from "node:assert/strict";
   *
   * const telnet = new TelnetProtocol();
   * assert.equal(telnet.windowSize, null);
   * telnet.setWindowSize(100, 30);
   * assert.deepEqual(telnet.windowSize, { cols: 100, rows: 30 });
   * ```
   */
  get windowSize(): TelnetWindowSize | null {
    return this.#agent.windowSize;
  }

  /**
   * Bytes of memory held for an incomplete subnegotiation; at most `maxSubnegotiationBytes`.
   *
   * @returns The size of the parser's buffer in bytes.
   * @throws Never.
   *
   * @example Nothing held between messages
   * ```ts
   * import { TelnetProtocol } from "./protocol.ts";
   * import assert from "node:assert/strict";
   *
   * const telnet = new TelnetProtocol();
   * telnet.feed(Uint8Array.of(255, 250, 24, 1, 255, 240));
   * assert.ok(telnet.bufferedBytes <= 1024);
   * ```
   */
  get bufferedBytes(): number {
    return this.#parser.bufferedBytes;
  }

  /**
   * Process the next bytes received from the peer.
   *
   * @param chunk The bytes as received; `data` events are views into it.
   * @returns The events, in stream order, including `send` events with replies.
   * @throws {TypeError} If called from inside a negotiation callback.
   *
   * @example Refuse an unknown option
   * ```ts
   * import { TelnetProtocol } from "./protocol.ts";
   * import assert from "node:assert/strict";
   *
   * const events = new TelnetProtocol().feed(Uint8Array.of(255, 253, 200)); // IAC DO 200
   * const send = events.find((e) => e.type === "send");
   * assert.deepEqual(send?.type === "send" && [...send.bytes], [255, 252, 200]); // WONT 200
   * ```
   */
  feed(chunk: Uint8Array): TelnetEvent[] {
    return this.#input(() => this.#parser.feed(chunk));
  }

  /**
   * Like {@linkcode TelnetProtocol.feed}, for a chunk the caller owns and will not reuse: the
   * data is unescaped in place at the front of `chunk` and comes out as one `data` event per
   * run between other events, instead of one per IAC IAC (see `TelnetParser.feedInPlace`).
   *
   * @param chunk The bytes as received; overwritten, and `data` events are views of it.
   * @returns The events, in stream order, including `send` events with replies.
   * @throws {TypeError} If called from inside a negotiation callback.
   *
   * @example Escaped data in one event
   * ```ts
   * import { TelnetProtocol } from "./protocol.ts";
   * import assert from "node:assert/strict";
   *
   * const events = new TelnetProtocol().feedInPlace(Uint8Array.of(97, 255, 255, 98)); // a IAC IAC b
   * assert.deepEqual(events.map((e) => e.type === "data" && [...e.data]), [[97, 255, 98]]);
   * ```
   */
  feedInPlace(chunk: Uint8Array): TelnetEvent[] {
    return this.#input(() => this.#parser.feedInPlace(chunk));
  }

  /**
   * Signal the end of the stream: an incomplete command or subnegotiation is reported as a
   * `"truncated"` error event (never thrown) and the parser is reset.
   *
   * @returns The events, possibly empty.
   * @throws {TypeError} If called from inside a negotiation callback.
   *
   * @example Connection closed mid-command
   * ```ts
   * import { TelnetProtocol } from "./protocol.ts";
   * import assert from "node:assert/strict";
   *
   * const telnet = new TelnetProtocol();
   * telnet.feed(Uint8Array.of(255));
   * assert.equal(telnet.end()[0]?.type, "error");
   * ```
   */
  end(): TelnetEvent[] {
    return this.#input(() => this.#parser.end());
  }

  /**
   * Ask to enable or disable an option, following RFC 1143 section 7: WILL/WONT for our side,
   * DO/DONT for the peer's. A request made while a negotiation of the same option is under way
   * is queued; a redundant request sends nothing.
   *
   * @param command `TelnetCommand.WILL`, `WONT`, `DO` or `DONT`.
   * @param option The option code, 0 to 255.
   * @returns The events: the negotiation to send, if any, and an `option` event on disable.
   * @throws {RangeError} If `command` is not a negotiation command or `option` not a byte.
   *
   * @example Ask the server to echo
   * ```ts
   * import { TelnetCommand, TelnetOption } from "./constants.ts";
   * import { TelnetProtocol } from "./protocol.ts";
   * import assert from "node:assert/strict";
   *
   * const telnet = new TelnetProtocol();
   * const [send] = telnet.negotiate(TelnetCommand.DO, TelnetOption.ECHO);
   * assert.deepEqual(send.type === "send" && [...send.bytes], [255, 253, 1]);
   * assert.equal(telnet.negotiate(TelnetCommand.DO, TelnetOption.ECHO).length, 0);
   * ```
   */
  negotiate(command: number, option: number): TelnetEvent[] {
    return this.#run(() => this.#transition(this.#q.request(command, option), option));
  }

  /**
   * Send a command such as IAC AYT, IAC IP, IAC BRK or IAC NOP (RFC 854).
   *
   * @param command A `TelnetCommand` code other than IAC, SB, SE, WILL, WONT, DO and DONT.
   * @returns A `send` event (and a `trace` event when tracing).
   * @throws {RangeError} If `command` is not a byte or is one of the excluded codes.
   *
   * @example Interrupt the remote process
   * ```ts
   * import { TelnetCommand } from "./constants.ts";
   * import { TelnetProtocol } from "./protocol.ts";
   * import assert from "node:assert/strict";
   *
   * const [send] = new TelnetProtocol().sendCommand(TelnetCommand.IP);
   * assert.deepEqual(send.type === "send" && [...send.bytes], [255, 244]);
   * ```
   */
  sendCommand(command: number): TelnetEvent[] {
    if (
      command === IAC || command === SB || command === SE || (command >= WILL && command <= DONT)
    ) {
      throw new RangeError(
        `Cannot send command ${
          telnetCommandName(command)
        }: use negotiate, sendSubnegotiation or encodeData`,
      );
    }
    const bytes = encodeTelnetCommand(command);
    return this.#run(() => {
      this.#send(bytes);
      this.#trace(`SENT IAC ${telnetCommandName(command)}`);
    });
  }

  /**
   * Send a subnegotiation, IAC SB option payload IAC SE, doubling IAC in the payload
   * (RFC 855). It is sent whatever the option's state.
   *
   * @param option The option code, 0 to 255.
   * @param payload The unescaped payload.
   * @returns A `send` event (and a `trace` event when tracing).
   * @throws {RangeError} If `option` is not a byte.
   *
   * @example Ask the client for its terminal type
   * ```ts
   * import { TelnetOption, TelnetSubcommand } from "./constants.ts";
   * import { TelnetProtocol } from "./protocol.ts";
   * import assert from "node:assert/strict";
   *
   * const payload = Uint8Array.of(TelnetSubcommand.SEND);
   * const [send] = new TelnetProtocol().sendSubnegotiation(TelnetOption.TTYPE, payload);
   * assert.deepEqual(send.type === "send" && [...send.bytes], [255, 250, 24, 1, 255, 240]);
   * ```
   */
  sendSubnegotiation(option: number, payload: Uint8Array): TelnetEvent[] {
    const bytes = encodeSubnegotiation(option, payload);
    return this.#run(() => {
      this.#send(bytes);
      this.#trace(`SENT ${describeSubnegotiation(option, payload)}`);
    });
  }

  /**
   * Set the window size (RFC 1073) and, when NAWS is enabled on our side, send it. Before any
   * size is known NAWS is refused; setting one makes later DO NAWS accepted (unless the policy
   * says otherwise).
   *
   * @param cols Width in cells, 0 to 65535.
   * @param rows Height in cells, 0 to 65535.
   * @returns A `send` event with the NAWS subnegotiation when NAWS is enabled, else nothing.
   * @throws {RangeError} If a dimension is not an integer from 0 to 65535.
   *
   * @example Resize after NAWS was agreed
   * ```ts
   * import { TelnetProtocol } from "./protocol.ts";
   * import assert from "node:assert/strict";
   *
   * const telnet = new TelnetProtocol({ windowSize: { cols: 80, rows: 24 } });
   * telnet.feed(Uint8Array.of(255, 253, 31)); // IAC DO NAWS
   * const [send] = telnet.setWindowSize(255, 50);
   * assert.deepEqual(send.type === "send" && [...send.bytes], [
   *   255, 250, 31, 0, 255, 255, 0, 50, 255, 240,
   * ]);
   * ```
   */
  setWindowSize(cols: number, rows: number): TelnetEvent[] {
    this.#agent.windowSize = { cols, rows };
    return this.#run(() => {
      if (this.#q.isEnabled("us", NAWS)) {
        this.#sendSubnegotiation(NAWS, encodeNawsPayload({ cols, rows }));
      }
    });
  }

  /**
   * Encode data to send: NVT end-of-line rules of RFC 854 (CR NUL, CR LF) and IAC doubled, or
   * only IAC doubled once BINARY is enabled on our side (RFC 856). See `encodeTelnetData`.
   *
   * @param data The bytes to send.
   * @returns The bytes for the wire (`data` itself when nothing needs changing).
   * @throws Never.
   *
   * @example A line in NVT mode
   * ```ts
   * import { TelnetProtocol } from "./protocol.ts";
   * import assert from "node:assert/strict";
   *
   * const wire = new TelnetProtocol().encodeData(new TextEncoder().encode("ls\n"));
   * assert.deepEqual([...wire], [108, 115, 13, 10]);
   * ```
   */
  encodeData(data: Uint8Array): Uint8Array {
    return encodeTelnetData(data, { binary: this.#q.isEnabled("us", BINARY) });
  }

  /**
   * Return the RFC 1143 state and queue bit of an option on one side.
   *
   * @param side `"us"` (we perform the option) or `"him"` (the peer does).
   * @param option The option code.
   * @returns The state and queue bit.
   * @throws Never.
   *
   * @example A fresh endpoint
   * ```ts
   * import { TelnetProtocol } from "./protocol.ts";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(new TelnetProtocol().state("him", 1), { state: "no", queue: "empty" });
   * ```
   */
  state(side: TelnetSide, option: number): QOptionState {
    return this.#q.state(side, option);
  }

  /**
   * Tell whether an option is enabled (RFC 1143 state YES) on one side.
   *
   * @param side `"us"` or `"him"`.
   * @param option The option code.
   * @returns `true` when enabled.
   * @throws Never.
   *
   * @example After the server offers to echo
   * ```ts
   * import { TelnetProtocol } from "./protocol.ts";
   * import assert from "node:assert/strict";
   *
   * const telnet = new TelnetProtocol();
   * telnet.feed(Uint8Array.of(255, 251, 1)); // IAC WILL ECHO
   * assert.equal(telnet.isEnabled("him", 1), true);
   * ```
   */
  isEnabled(side: TelnetSide, option: number): boolean {
    return this.#q.isEnabled(side, option);
  }

  /**
   * Install telnetlib's `set_option_negotiation_callback` contract: while a callback is set, it
   * takes over negotiation entirely. Received negotiations, subnegotiations and commands still
   * appear as events, but no RFC 1143 state changes and nothing is answered automatically; the
   * callback gets `(command, option)` as described by {@linkcode TelnetNegotiationCallback}
   * and replies itself (for example with `encodeNegotiation`). It is called synchronously in
   * stream order; if it throws, a `"callback"` error event carries the exception.
   *
   * @param callback The callback, or `null` to return to automatic negotiation.
   * @throws Never.
   *
   * @example Refuse everything by hand
   * ```ts
   * import { TelnetProtocol } from "./protocol.ts";
   * import assert from "node:assert/strict";
   *
   * const telnet = new TelnetProtocol();
   * const calls: number[][] = [];
   * telnet.setOptionNegotiationCallback((command, option) => calls.push([command, option]));
   * const events = telnet.feed(Uint8Array.of(255, 251, 1)); // IAC WILL ECHO
   * assert.deepEqual(calls, [[251, 1]]);
   * assert.equal(events.some((e) => e.type === "send"), false);
   * ```
   */
  setOptionNegotiationCallback(callback: TelnetNegotiationCallback | null): void {
    this.#callback = callback;
  }

  /**
   * Return and clear the last subnegotiation received, as telnetlib's `read_sb_data` does: the
   * option byte followed by the unescaped payload (what came between IAC SB and IAC SE).
   *
   * @returns The bytes, empty if none arrived since the last call.
   * @throws Never.
   *
   * @example Inside a callback
   * ```ts
   * import { TelnetCommand } from "./constants.ts";
   * import { TelnetProtocol } from "./protocol.ts";
   * import assert from "node:assert/strict";
   *
   * const telnet = new TelnetProtocol();
   * let sb: number[] = [];
   * telnet.setOptionNegotiationCallback((command) => {
   *   if (command === TelnetCommand.SE) sb = [...telnet.readSbData()];
   * });
   * telnet.feed(Uint8Array.of(255, 250, 24, 1, 255, 240)); // IAC SB TTYPE SEND IAC SE
   * assert.deepEqual(sb, [24, 1]);
   * ```
   */
  readSbData(): Uint8Array {
    const data = this.#sbData;
    this.#sbData = new Uint8Array(0);
    return data;
  }

  #run(body: () => void): TelnetEvent[] {
    const saved = this.#out;
    const out: TelnetEvent[] = (this.#out = []);
    try {
      body();
    } finally {
      this.#out = saved;
    }
    return out;
  }

  #input(body: () => void): TelnetEvent[] {
    if (this.#inCallback) {
      throw new TypeError("Cannot call feed or end from inside a negotiation callback");
    }
    return this.#run(body);
  }

  #handler(): TelnetParserHandler {
    return {
      data: (data) => {
        this.#out.push({ type: "data", data });
      },
      command: (command) => {
        this.#out.push({ type: "command", command });
        this.#trace(`RCVD IAC ${telnetCommandName(command)}`);
        this.#call(command, NOOPT);
      },
      negotiation: (command, option) => this.#receiveNegotiation(command, option),
      subnegotiation: (option, payload) => this.#receiveSubnegotiation(option, payload),
      error: (code, message) => {
        this.#out.push({ type: "error", code, message });
      },
    };
  }

  #receiveNegotiation(command: number, option: number): void {
    this.#out.push({ type: "negotiation", command: command as TelnetNegotiationCommand, option });
    this.#trace(`RCVD ${telnetCommandName(command)} ${telnetOptionName(option)}`);
    if (this.#callback !== null) {
      this.#call(command, option);
      return;
    }
    const t = this.#q.receive(command, option, this.#agent.accept(command, option));
    if (t.error !== null) {
      this.#error("violation", `Peer broke RFC 1143 for ${telnetOptionName(option)}: ${t.error}`);
    }
    this.#transition(t, option);
  }

  #receiveSubnegotiation(option: number, payload: Uint8Array): void {
    const sbData = new Uint8Array(payload.length + 1);
    sbData[0] = option;
    sbData.set(payload, 1);
    this.#sbData = sbData;
    this.#out.push({ type: "subnegotiation", option, payload });
    this.#trace(`RCVD ${describeSubnegotiation(option, payload)}`);
    if (this.#callback !== null) {
      this.#call(SB, NOOPT);
      this.#call(SE, NOOPT);
      return;
    }
    const answer = this.#agent.answer(option, payload);
    if (answer === null) return;
    if (!this.#q.isEnabled("us", option)) {
      this.#error(
        "violation",
        `Ignored SB ${telnetOptionName(option)} SEND: ${
          telnetOptionName(option)
        } is not enabled on our side`,
      );
      return;
    }
    this.#sendSubnegotiation(option, answer);
  }

  #transition(t: QTransition, option: number): void {
    if (t.reply !== null) {
      this.#send(encodeNegotiation(t.reply, option));
      this.#trace(`SENT ${telnetCommandName(t.reply)} ${telnetOptionName(option)}`);
    }
    if (t.enabled === null) return;
    this.#out.push({ type: "option", side: t.side, option, enabled: t.enabled });
    if (t.side === "him" && option === BINARY) this.#parser.binary = t.enabled;
    const payload = t.enabled ? this.#agent.enabled(t.side, option) : null;
    if (payload !== null) this.#sendSubnegotiation(option, payload);
  }

  #sendSubnegotiation(option: number, payload: Uint8Array): void {
    this.#send(encodeSubnegotiation(option, payload));
    this.#trace(`SENT ${describeSubnegotiation(option, payload)}`);
  }

  #call(command: number, option: number): void {
    const callback = this.#callback;
    if (callback === null) return;
    this.#inCallback = true;
    try {
      callback(command, option);
    } catch (cause) {
      this.#out.push({
        type: "error",
        code: "callback",
        message: `Negotiation callback threw on ${telnetCommandName(command)}` +
          (command >= WILL && command <= DONT ? ` ${telnetOptionName(option)}` : ""),
        cause,
      });
    } finally {
      this.#inCallback = false;
    }
  }

  #send(bytes: Uint8Array): void {
    this.#out.push({ type: "send", bytes });
  }

  #trace(message: string): void {
    if (this.trace) this.#out.push({ type: "trace", message });
  }

  #error(code: "violation", message: string): void {
    this.#out.push({ type: "error", code, message });
  }
}
