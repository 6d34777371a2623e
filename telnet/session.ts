/**
 * The Telnet protocol over a TCP connection, for both ends: {@linkcode TelnetSession} is
 * the base of the `Telnet` client and of the server's sessions.
 *
 * @module
 */
import type { Data } from "../expect/results.ts";
import type { SendOptions } from "../expect/options.ts";
import { Session } from "../expect/session.ts";
import { SessionStateError } from "../expect/errors.ts";
import { TelnetCommand } from "./constants.ts";
import type { TelnetEvent } from "./events.ts";
import type { TelnetSide } from "./negotiation.ts";
import { TelnetProtocol } from "./protocol.ts";
import type { TelnetNegotiationCallback } from "./protocol_options.ts";
import type { TelnetEventObserver } from "./observers.ts";
import { checkDebugLevel, DebugSink, formatMessage } from "./_debug.ts";
import { TelnetLink } from "./_link.ts";
import { withDeadline } from "./_deadline.ts";
import type { TelnetSessionOptions } from "./session_options.ts";

export type { TelnetSessionOptions } from "./session_options.ts";

/** A write's deadline (ms) and abort signal. */
type WriteOptions = Pick<SendOptions, "timeout" | "signal">;

function isPeerGone(error: unknown): boolean {
  return error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.ConnectionAborted ||
    error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.UnexpectedEof ||
    error instanceof Deno.errors.NotConnected ||
    error instanceof Deno.errors.BadResource ||
    error instanceof Deno.errors.Interrupted;
}

/**
 * A Telnet connection driven with the expect DSL, from either end: the `Telnet` client and
 * the sessions a `serve()` handler receives both extend it. The peer's bytes go through a
 * {@linkcode TelnetProtocol} (RFC 854 parsing, RFC 1143 negotiation, the options it
 * implements) and only the data reaches `expect()`; the protocol's replies are written to the
 * connection in order with what you send. Reading is on demand, as for every session:
 * negotiations are answered while a call waits for output.
 *
 * What you send follows the NVT rules of RFC 854 (a lone `"\n"` goes out as CR LF, a lone CR
 * as CR NUL) with IAC doubled, or only IAC doubled once BINARY is on; `sendLine` ends lines
 * with `"\r\n"`. A peer that closes or resets the connection is end of stream (`EOF`); a
 * command or subnegotiation cut short by it is reported as a protocol `"truncated"` error
 * event, never thrown.
 *
 * @typeParam D `string` (text mode, the default) or `Uint8Array` (bytes mode).
 *
 * @example Wrap a connection you accepted yourself
 * ```ts ignore
 * import { TelnetSession } from "@dexpect/dexpect/telnet";
 * using listener = Deno.listen({ hostname: "127.0.0.1", port: 2323 });
 * await using session = new TelnetSession(await listener.accept(), { timeout: 10_000 });
 * await session.send("login: ");
 * // Clients end lines with CR LF, CR NUL (read as CR) or a lone CR
 * // (TelnetServerSession.readLine() handles all three).
 * const { before: user } = await session.expect(/\r\n?|\n/);
 * ```
 */
export class TelnetSession<D extends Data = string> extends Session<D> {
  readonly #link: TelnetLink<Deno.Conn>;
  readonly #observers = new Set<TelnetEventObserver>();
  readonly #debug: DebugSink;
  readonly #trace: boolean;
  #debugLevel = 0;
  #sendTrace: Disposable | undefined;
  #closing: Promise<void> | undefined;

  /**
   * Creates a session over `conn`, or, with `null`, one whose connection comes later (the
   * client's `open()`): reads wait for it.
   *
   * @param conn The connection (the session owns it and closes it), or `null`.
   * @param options Session, protocol and debug settings; `lineEnding` defaults to `"\r\n"`.
   * @throws {RangeError} If an option is out of range.
   */
  constructor(conn: Deno.Conn | null, options: TelnetSessionOptions<D> = {}) {
    const {
      policy,
      terminalTypes,
      windowSize,
      terminalSpeed,
      environment,
      maxSubnegotiationBytes,
      trace,
      debugLevel,
      debug,
      ...session
    } = options;
    const level = checkDebugLevel(debugLevel ?? 0);
    const protocol = new TelnetProtocol({
      policy,
      terminalTypes,
      windowSize,
      terminalSpeed,
      environment,
      maxSubnegotiationBytes,
      trace: (trace ?? false) || level > 0,
    });
    const link = new TelnetLink<Deno.Conn>(protocol, isPeerGone);
    const size = windowSize !== undefined && windowSize.cols > 0 && windowSize.rows > 0
      ? { cols: windowSize.cols, rows: windowSize.rows }
      : {};
    super(link, { lineEnding: "\r\n", ...size, ...session });
    this.#link = link;
    this.#trace = trace ?? false;
    this.#debug = new DebugSink(debug);
    link.report = (events) => this.#report(events);
    link.note = (line) => this.msg("%s", line);
    this.setDebugLevel(level);
    if (conn !== null) {
      const addr = conn.remoteAddr as Deno.NetAddr;
      link.attach(conn, addr.hostname, addr.port);
    }
  }

  /**
   * The protocol endpoint, for subclasses: query and change option state with it, and pass
   * the events its methods return to {@linkcode TelnetSession.runEvents}. Never call its
   * `feed` or `end`: the session feeds it.
   *
   * @returns The endpoint.
   */
  protected get protocol(): TelnetProtocol {
    return this.#link.protocol;
  }

  /** The peer's host name or address, once connected (telnetlib's `host`). */
  get host(): string | undefined {
    return this.#link.host;
  }

  /** The peer's TCP port, once connected (telnetlib's `port`). */
  get port(): number | undefined {
    return this.#link.port;
  }

  /**
   * The connection, once connected (telnetlib's `get_socket`). Write to it only through the
   * session (`send`, `writeRaw`), so bytes stay in order.
   *
   * @returns The `Deno.Conn` (a `Deno.TlsConn` over TLS), or `null` before `open()`.
   */
  getSocket(): Deno.Conn | null {
    return this.#link.conn;
  }

  /**
   * Tells whether an option is enabled (RFC 1143 state YES) on one side.
   *
   * @param side `"us"` (we perform it) or `"him"` (the peer does).
   * @param option The option code, such as `TelnetOption.ECHO`.
   * @returns `true` when enabled.
   *
   * @example Is the server echoing (as for a password prompt)?
   * ```ts ignore
   * import { Telnet, TelnetOption } from "@dexpect/dexpect/telnet";
   * await using tn = await Telnet.connect("127.0.0.1", 2323);
   * await tn.expect("Password: ");
   * console.log(tn.isEnabled("him", TelnetOption.ECHO)); // true: don't echo locally
   * ```
   */
  isEnabled(side: TelnetSide, option: number): boolean {
    return this.#link.protocol.isEnabled(side, option);
  }

  /**
   * Asks to enable or disable an option (RFC 1143): WILL/WONT for our side, DO/DONT for the
   * peer's; redundant requests send nothing.
   *
   * @param command `TelnetCommand.WILL`, `WONT`, `DO` or `DONT`.
   * @param option The option code.
   * @param options `timeout` (ms, default: the session's; `null` for none) and `signal`, as
   *   for {@linkcode TelnetSession.writeRaw}: a peer that stops reading makes the write wait.
   * @returns A promise that settles once the request is written.
   * @throws {RangeError} If `command` is not a negotiation command or `option` not a byte.
   * @throws {SessionStateError} If the session is closed.
   * @throws {TelnetError} If writing fails.
   * @throws {TimeoutError} If the deadline passes first; the request stays queued.
   *
   * @example A server turns off the client's local echo for a password
   * ```ts ignore
   * import { TelnetCommand, TelnetOption } from "@dexpect/dexpect/telnet";
   * await session.negotiate(TelnetCommand.WILL, TelnetOption.ECHO);
   * await session.send("Password: ");
   * ```
   */
  async negotiate(
    command: number,
    option: number,
    options: Pick<SendOptions, "timeout" | "signal"> = {},
  ): Promise<void> {
    await this.#protocolCall("negotiate", options, (p) => p.negotiate(command, option));
  }

  /**
   * Sends a command: IAC followed by `command` (RFC 854), such as `TelnetCommand.NOP`.
   *
   * @param command A command other than IAC, SB, SE, WILL, WONT, DO and DONT.
   * @param options `timeout` (ms, default: the session's; `null` for none) and `signal`.
   * @returns A promise that settles once it is written.
   * @throws {RangeError} If `command` is not allowed.
   * @throws {SessionStateError} If the session is closed.
   * @throws {TelnetError} If writing fails.
   * @throws {TimeoutError} If the deadline passes first; the command stays queued.
   *
   * @example Keep a connection alive
   * ```ts ignore
   * import { TelnetCommand } from "@dexpect/dexpect/telnet";
   * await tn.sendCommand(TelnetCommand.NOP);
   * ```
   */
  async sendCommand(
    command: number,
    options: Pick<SendOptions, "timeout" | "signal"> = {},
  ): Promise<void> {
    await this.#protocolCall("send a command", options, (p) => p.sendCommand(command));
  }

  /**
   * Sends a subnegotiation, IAC SB option payload IAC SE, with IAC doubled (RFC 855).
   *
   * @param option The option code.
   * @param payload The unescaped payload.
   * @param options `timeout` (ms, default: the session's; `null` for none) and `signal`.
   * @returns A promise that settles once it is written.
   * @throws {RangeError} If `option` is not a byte.
   * @throws {SessionStateError} If the session is closed.
   * @throws {TelnetError} If writing fails.
   * @throws {TimeoutError} If the deadline passes first; the subnegotiation stays queued.
   *
   * @example Ask the client for its terminal type
   * ```ts ignore
   * import { TelnetOption, TelnetSubcommand } from "@dexpect/dexpect/telnet";
   * await session.sendSubnegotiation(TelnetOption.TTYPE, Uint8Array.of(TelnetSubcommand.SEND));
   * ```
   */
  async sendSubnegotiation(
    option: number,
    payload: Uint8Array,
    options: Pick<SendOptions, "timeout" | "signal"> = {},
  ): Promise<void> {
    await this.#protocolCall(
      "send a subnegotiation",
      options,
      (p) => p.sendSubnegotiation(option, payload),
    );
  }

  /**
   * Writes bytes unchanged (no IAC doubling), in order with everything else sent: for
   * replies from a negotiation callback, as telnetlib callbacks wrote to the socket. The
   * returned promise may be ignored: a failure then goes unreported.
   *
   * @param bytes The exact bytes for the wire.
   * @param options `timeout` (ms, default: the session's; `null` for none) and `signal`: a
   *   peer that stops reading makes the write wait until then. The bytes stay queued and go
   *   out if the peer reads again (`close()` drops them).
   * @returns A promise that settles once they are written.
   * @throws {TelnetError} If the session is closed or writing fails.
   * @throws {TimeoutError} If the deadline passes first (`sending` says how far it got).
   *
   * @example Refuse every option by hand
   * ```ts ignore
   * import { encodeNegotiation, TelnetCommand } from "@dexpect/dexpect/telnet";
   * const { DO, WILL, WONT, DONT } = TelnetCommand;
   * tn.setOptionNegotiationCallback((command, option) => {
   *   if (command === DO) tn.writeRaw(encodeNegotiation(WONT, option));
   *   if (command === WILL) tn.writeRaw(encodeNegotiation(DONT, option));
   * });
   * ```
   */
  writeRaw(
    bytes: Uint8Array,
    options: Pick<SendOptions, "timeout" | "signal"> = {},
  ): Promise<void> {
    if (this.#debugLevel >= 2) this.msg("send raw %r", bytes);
    return this.#within(this.#link.write(bytes), bytes.length, options);
  }

  /** A call of the protocol on an open session: its events run within the call's deadline. */
  async #protocolCall(
    what: string,
    options: WriteOptions,
    call: (protocol: TelnetProtocol) => readonly TelnetEvent[],
  ): Promise<void> {
    this.#assertOpen(what);
    options.signal?.throwIfAborted();
    await this.#runWithin(call(this.#link.protocol), options);
  }

  /** Reports `events` and writes their `send` bytes, within the call's deadline. */
  #runWithin(
    events: readonly TelnetEvent[],
    options: WriteOptions,
  ): Promise<void> {
    let total = 0;
    for (const e of events) if (e.type === "send") total += e.bytes.length;
    return this.#within(this.#link.run(events), total, options);
  }

  /** `write` bounded by the call's `timeout` (default: the session's) and `signal`. */
  #within(
    write: Promise<void>,
    total: number,
    options: WriteOptions,
  ): Promise<void> {
    write.catch(() => {});
    const timeout = options.timeout === undefined ? this.timeout : options.timeout;
    if (timeout === null && options.signal === undefined) return write;
    return withDeadline(write, total, timeout, options.signal);
  }

  /**
   * Interrupts the foreground program the way a user's Ctrl-C does in telnet(1)'s character
   * mode: sends the ETX byte (0x03) as data, which the server's pty turns into SIGINT. It
   * works on busybox telnetd (which ignores IAC IP) and on inetutils telnetd. For the
   * protocol's own "interrupt process" command, use {@linkcode sendInterruptProcess}.
   *
   * @returns A promise that settles once it is written.
   * @throws {SessionStateError} If the session is closed.
   * @throws {TelnetError} If writing fails.
   */
  override async sendIntr(): Promise<void> {
    await this.send(Uint8Array.of(0x03));
  }

  /**
   * Sends IAC IP, the Telnet "interrupt process" command (RFC 854), as telnet(1)'s
   * `send ip` does: inetutils telnetd and the in-repo server interrupt the foreground job;
   * busybox telnetd ignores it (use {@linkcode sendIntr}).
   *
   * @param options `timeout` (ms, default: the session's; `null` for none) and `signal`.
   * @returns A promise that settles once it is written.
   * @throws {SessionStateError} If the session is closed.
   * @throws {TelnetError} If writing fails.
   * @throws {TimeoutError} If the deadline passes first; the command stays queued.
   */
  async sendInterruptProcess(options: Pick<SendOptions, "timeout" | "signal"> = {}): Promise<void> {
    await this.sendCommand(TelnetCommand.IP, options);
  }

  /**
   * Sends IAC BRK, the Telnet "break" (RFC 854).
   *
   * @param options `timeout` (ms, default: the session's; `null` for none) and `signal`.
   * @returns A promise that settles once it is written.
   * @throws {SessionStateError} If the session is closed.
   * @throws {TelnetError} If writing fails.
   * @throws {TimeoutError} If the deadline passes first; the command stays queued.
   */
  async sendBreak(options: Pick<SendOptions, "timeout" | "signal"> = {}): Promise<void> {
    await this.sendCommand(TelnetCommand.BRK, options);
  }

  /**
   * Sends IAC AYT, "are you there" (RFC 854); servers answer with some visible text, such as
   * `[Yes]`.
   *
   * @param options `timeout` (ms, default: the session's; `null` for none) and `signal`.
   * @returns A promise that settles once it is written.
   * @throws {SessionStateError} If the session is closed.
   * @throws {TelnetError} If writing fails.
   * @throws {TimeoutError} If the deadline passes first; the command stays queued.
   */
  async areYouThere(options: Pick<SendOptions, "timeout" | "signal"> = {}): Promise<void> {
    await this.sendCommand(TelnetCommand.AYT, options);
  }

  /**
   * telnetlib's `set_option_negotiation_callback`: while a callback is set it takes over
   * negotiation entirely. It is called with `(command, option)` for each WILL, WONT, DO and
   * DONT received, with SB then SE (option 0) for each subnegotiation (read it with
   * {@linkcode TelnetSession.readSbData}) and with other commands; nothing is answered for
   * it: reply with {@linkcode TelnetSession.writeRaw}. It runs synchronously while output is
   * read; if it throws, a `"callback"` error event carries the exception.
   *
   * @param callback The callback, or `null` for automatic RFC 1143 negotiation again.
   */
  setOptionNegotiationCallback(callback: TelnetNegotiationCallback | null): void {
    this.#link.protocol.setOptionNegotiationCallback(callback);
  }

  /**
   * telnetlib's `read_sb_data`: the last subnegotiation received (the option byte, then the
   * payload between IAC SB and IAC SE), cleared by the call. Never waits.
   *
   * @returns The bytes, empty if none arrived since the last call.
   */
  readSbData(): Uint8Array {
    return this.#link.protocol.readSbData();
  }

  /**
   * Adds an observer of the Telnet events (all but data) from now on.
   *
   * @param observer The callback.
   * @returns A disposable that removes it (`using _ = session.observeTelnet(fn)`).
   *
   * @example Count protocol errors
   * ```ts ignore
   * let errors = 0;
   * using _ = tn.observeTelnet((e) => void (e.type === "error" && errors++));
   * ```
   */
  observeTelnet(observer: TelnetEventObserver): Disposable {
    this.#observers.add(observer);
    return { [Symbol.dispose]: () => void this.#observers.delete(observer) };
  }

  /** The debug level (telnetlib's `debuglevel`); see {@linkcode TelnetSession.setDebugLevel}. */
  get debugLevel(): number {
    return this.#debugLevel;
  }

  /**
   * telnetlib's `set_debuglevel`: 0 is silent, 1 sends the negotiation trace, protocol errors
   * and `msg()` lines to the `debug` target, 2 also the data received and sent.
   *
   * @param level An integer >= 0.
   * @throws {RangeError} If `level` is not an integer >= 0.
   */
  setDebugLevel(level: number): void {
    this.#debugLevel = checkDebugLevel(level);
    this.#link.protocol.trace = this.#trace || level > 0;
    this.#link.traceData = level >= 2 ? (dir, bytes) => this.msg("%s %r", dir, bytes) : null;
    // Data sent is traced from the engine's events: a secret send arrives there as `***`
    // (one event per character with a charDelay), so no debug level can show it.
    this.#sendTrace?.[Symbol.dispose]();
    this.#sendTrace = level >= 2
      ? this.observe((e) => void (e.type === "send" && this.msg("send %r", e.data)))
      : undefined;
  }

  /**
   * telnetlib's `msg`: when the debug level is above 0, formats the message (`%s`, `%d`,
   * `%r`, `%%` take the arguments in turn) and sends `Telnet(host,port): message` to the
   * `debug` target. It never prints.
   *
   * @param message The message.
   * @param args Values for its `%` conversions.
   *
   * @example Write a debug line
   * ```ts ignore
   * const tn = new Telnet({ debugLevel: 1, debug: (line) => console.error(line) });
   * tn.msg("logged in as %s", "admin"); // Telnet(?,?): logged in as admin
   * ```
   */
  msg(message: string, ...args: unknown[]): void {
    if (this.#debugLevel === 0 || !this.#debug.active) return;
    this.#debug.emit(`Telnet(${this.#link.label}): ${formatMessage(message, args)}`);
  }

  /**
   * Closes the session and the connection (telnetlib's `close`): a waiting call rejects with
   * `SessionStateError`. Safe to call more than once.
   *
   * @returns A promise that settles when everything is released.
   */
  override close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#link.abandon();
      try {
        await super.close();
      } finally {
        await this.#link.shutdown();
        await this.#debug.close();
      }
    })();
    return this.#closing;
  }

  /**
   * For subclasses: reports events that a call on {@linkcode TelnetSession.protocol}
   * returned and writes their `send` bytes.
   *
   * @param events The events.
   * @param options `timeout` (ms, default: the session's; `null` for none) and `signal`.
   * @returns A promise that settles once the bytes are written.
   * @throws {TelnetError} If writing fails.
   * @throws {TimeoutError} If the deadline passes first; the bytes stay queued.
   */
  protected async runEvents(
    events: readonly TelnetEvent[],
    options: Pick<SendOptions, "timeout" | "signal"> = {},
  ): Promise<void> {
    await this.#runWithin(events, options);
  }

  /**
   * For subclasses: connects with `connect` and makes the result the session's connection.
   *
   * @param host The peer's host, for messages.
   * @param port The peer's port.
   * @param connect Opens the connection.
   * @throws {TelnetError} With reason `"reopen"` when already connected or closed.
   */
  protected async attach(
    host: string,
    port: number,
    connect: () => Promise<Deno.Conn>,
  ): Promise<void> {
    this.#link.reserve(host, port);
    let conn: Deno.Conn;
    try {
      conn = await connect();
    } catch (error) {
      this.#link.unreserve();
      throw error;
    }
    if (!this.#link.attach(conn, host, port)) {
      throw new SessionStateError("closed", `Cannot open ${host}:${port}: the session was closed`);
    }
  }

  /**
   * For subclasses: called with each Telnet event but data, in stream order, after the
   * observers. The default does nothing.
   *
   * @param event The event.
   */
  protected onTelnetEvent(event: TelnetEvent): void {
    void event;
  }

  #report(events: readonly TelnetEvent[]): void {
    for (const event of events) {
      if (event.type === "data") continue;
      for (const observer of this.#observers) {
        try {
          observer(event);
        } catch {
          // Observers cannot break the session.
        }
      }
      this.onTelnetEvent(event);
      if (this.#debugLevel === 0) continue;
      if (event.type === "trace") this.msg("%s", event.message);
      else if (event.type === "error") {
        this.msg("protocol error (%s): %s", event.code, event.message);
      }
    }
  }

  #assertOpen(what: string): void {
    if (this.closed) throw new SessionStateError("closed", `Cannot ${what}: the session is closed`);
  }
}
