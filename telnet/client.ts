/**
 * The Telnet client: {@linkcode Telnet}, a session of the expect DSL with Python telnetlib's
 * whole API in camelCase.
 *
 * @module
 */
import { concatBytes } from "../expect/_codec.ts";
import type { Data } from "../expect/results.ts";
import type { ReadOptions, SendOptions } from "../expect/options.ts";
import type { InteractResult } from "../expect/interact.ts";
import { EOF, idle, TIMEOUT } from "../expect/patterns.ts";
import { EOFError } from "../expect/errors.ts";
import { stdioTerminal } from "../pty/terminal.ts";
import { TelnetCommand, TelnetOption } from "./constants.ts";
import type { TelnetEvent } from "./events.ts";
import type { TelnetWindowSize } from "./options.ts";
import { TelnetError } from "./errors.ts";
import { TelnetSession } from "./session.ts";
import type {
  TelnetConnectOptions,
  TelnetInteractOptions,
  TelnetOptions,
  TelnetTlsOptions,
} from "./client_options.ts";
import { attachScreen } from "../screen/attach.ts";
import type { Screen } from "../screen/screen.ts";

export type {
  TelnetConnectOptions,
  TelnetInteractOptions,
  TelnetOptions,
  TelnetTlsOptions,
} from "./client_options.ts";

const EAGER_PATTERNS = [idle(0), EOF] as const;

/**
 * A Telnet client that is a session of the expect DSL and has Python telnetlib's whole API in
 * camelCase. Timeouts are milliseconds (telnetlib's were seconds).
 *
 * telnetlib's reads return `D`: strings in text mode (the default, UTF-8 decoded), `Uint8Array`
 * in bytes mode (`encoding: null`), which is what telnetlib's `bytes` were. "Cooked data" is
 * the session's unconsumed output: the reads consume it, so they mix freely with `expect()`.
 * Bytes are processed as they are read (there is no raw queue), so `readLazy` is
 * `readVeryLazy`. Where telnetlib raised `EOFError` the engine's {@linkcode EOFError} is
 * thrown.
 *
 * As a session: `sendLine` ends lines with `"\r\n"`, `sendIntr` sends ETX (Ctrl-C) as data and
 * `sendInterruptProcess` IAC IP, `sendBreak` IAC
 * BRK, `areYouThere` IAC AYT, `resize` reports the window size with NAWS (RFC 1073), and
 * `interact()` forwards the user's terminal size to it.
 *
 * @typeParam D `string` (text mode, the default) or `Uint8Array` (bytes mode).
 *
 * @example Log in to a device and run a command
 * ```ts ignore
 * import { Telnet } from "@dexpect/dexpect/telnet";
 * await using tn = await Telnet.connect("192.0.2.1", 23, { timeout: 10_000 });
 * await tn.readUntil("login: ");
 * await tn.sendLine("admin");
 * await tn.expect("Password: ");
 * await tn.sendLine("s3cret", { secret: true });
 * await tn.expect(/[>#] $/);
 * await tn.sendLine("show version");
 * const { before } = await tn.expect(/\r\n\S+[>#] $/);
 * ```
 */
export class Telnet<D extends Data = string> extends TelnetSession<D> {
  readonly #tls: boolean | TelnetTlsOptions;
  readonly #empty: D;
  #nawsWanted = false;
  /** The terminal screen, when created with `screen` (see `@dexpect/dexpect/screen`). */
  readonly screen: Screen | undefined;

  /**
   * Creates a client that is not connected yet: call {@linkcode Telnet.open}, or use
   * {@linkcode Telnet.connect} (telnetlib's `Telnet(host, port)`). Calls made before `open()`
   * wait for the connection.
   *
   * @param options Session, protocol, debug and TLS settings.
   * @throws {RangeError} If an option is out of range.
   *
   * @example Bytes mode, opened later
   * ```ts ignore
   * import { Telnet } from "@dexpect/dexpect/telnet";
   * await using tn = new Telnet<Uint8Array>({ encoding: null });
   * await tn.open("127.0.0.1", 2323);
   * const banner: Uint8Array = await tn.readSome();
   * ```
   */
  constructor(options: TelnetOptions<D> = {}) {
    const { tls, screen, windowSize, ...session } = options;
    const size = windowSize === null ? undefined : windowSize ?? { cols: 80, rows: 24 };
    super(null, { ...session, ...(size === undefined ? {} : { windowSize: size }) });
    this.screen = screen
      ? attachScreen(this, {
        ...(screen === true ? {} : screen),
        cols: size?.cols || 80,
        rows: size?.rows || 24,
      })
      : undefined;
    this.#tls = tls ?? false;
    this.#empty = (options.encoding === null ? new Uint8Array(0) : "") as D;
  }

  /**
   * Connects to a Telnet server (telnetlib's `Telnet(host, port, timeout)`).
   *
   * @param host Host name or address.
   * @param port TCP port. @default {23}
   * @param options Session, protocol, debug and TLS settings; `timeout` bounds the attempt.
   * @returns The connected client, in bytes mode.
   * @throws {TelnetError} With reason `"timeout"` when the attempt takes too long.
   * @throws {Deno.errors.ConnectionRefused} When nothing listens there.
   */
  static connect(
    host: string,
    port: number | undefined,
    options: TelnetOptions<Uint8Array> & { encoding: null },
  ): Promise<Telnet<Uint8Array>>;
  /**
   * Connects to a Telnet server (telnetlib's `Telnet(host, port, timeout)`), in text mode.
   *
   * @param host Host name or address.
   * @param port TCP port. @default {23}
   * @param options Session, protocol, debug and TLS settings; `timeout` bounds the attempt.
   * @returns The connected client.
   * @throws {TelnetError} With reason `"timeout"` when the attempt takes too long.
   * @throws {Deno.errors.ConnectionRefused} When nothing listens there.
   *
   * @example telnets with a private authority
   * ```ts ignore
   * import { Telnet } from "@dexpect/dexpect/telnet";
   * const caCerts = [await Deno.readTextFile("ca.pem")];
   * await using tn = await Telnet.connect("router.example", 992, { tls: { caCerts } });
   * ```
   */
  static connect(
    host: string,
    port?: number,
    options?: TelnetOptions<string>,
  ): Promise<Telnet<string>>;
  static async connect(
    host: string,
    port = 23,
    options: TelnetOptions<string> | TelnetOptions<Uint8Array> = {},
  ): Promise<Telnet<string> | Telnet<Uint8Array>> {
    const telnet = new Telnet(options as TelnetOptions<string>);
    try {
      await telnet.open(host, port);
    } catch (error) {
      await telnet.close();
      throw error;
    }
    return telnet;
  }

  /**
   * The window size in cells this client reports with NAWS (80x24 unless given), or `null`
   * when `windowSize: null` was given (NAWS is then refused).
   */
  get windowSize(): TelnetWindowSize | null {
    return this.protocol.windowSize;
  }

  /**
   * Connects (telnetlib's `open`). Do not reopen a client: create a new one.
   *
   * @param host Host name or address.
   * @param port TCP port. @default {23}
   * @param options Deadline in ms, TLS and an abort signal.
   * @returns A promise that settles once connected (and, over TLS, after the handshake).
   * @throws {TelnetError} With reason `"timeout"` on timeout, `"reopen"` when already open.
   * @throws {Deno.errors.ConnectionRefused} When nothing listens there.
   *
   * @example Open a connection later
   * ```ts ignore
   * import { Telnet } from "@dexpect/dexpect/telnet";
   * await using tn = new Telnet({ terminalTypes: ["vt100"] });
   * await tn.open("127.0.0.1", 2323, { timeout: 2_000 });
   * ```
   */
  async open(host: string, port = 23, options: TelnetConnectOptions = {}): Promise<void> {
    const ms = options.timeout === undefined ? this.timeout : options.timeout;
    const tls = options.tls ?? this.#tls;
    await this.attach(host, port, async () => {
      const timeout = ms === null ? undefined : AbortSignal.timeout(ms);
      const signals = [timeout, options.signal].filter((s) => s !== undefined);
      const signal = signals.length === 0 ? undefined : AbortSignal.any(signals);
      try {
        const tcp = await Deno.connect({ hostname: host, port, signal });
        tcp.setNoDelay(true);
        if (tls === false) return tcp;
        return await handshake(tcp, host, tls === true ? {} : tls, signal);
      } catch (error) {
        if (timeout?.aborted && !options.signal?.aborted) {
          throw new TelnetError(
            "timeout",
            `Cannot connect to ${host}:${port}: no connection within ${ms} ms`,
            { cause: error, host, port },
          );
        }
        if (options.signal?.aborted) throw options.signal.reason;
        throw new TelnetError("io", `Cannot connect to ${host}:${port}: ${describe(error)}`, {
          cause: error,
          host,
          port,
        });
      }
    });
  }

  /**
   * Sets the window size reported with NAWS (RFC 1073): sent now when the server enabled
   * NAWS; offered (WILL NAWS) when the server asked for it before a size was known; else kept
   * for when it asks (DO NAWS is accepted from then on).
   *
   * @param cols Width in cells, 0 to 65535.
   * @param rows Height in cells, 0 to 65535.
   * @param options `timeout` (ms, default: the session's; `null` for none) and `signal`: a
   *   server that stops reading makes the write wait.
   * @returns A promise that settles once the size is written (at once when it is not sent).
   * @throws {RangeError} If a dimension is out of range.
   * @throws {TelnetError} If writing fails.
   * @throws {TimeoutError} If the deadline passes first; the size stays queued.
   *
   * @example Report a new window size
   * ```ts ignore
   * await tn.resize(120, 40); // the server's shell sees SIGWINCH
   * ```
   */
  async resize(
    cols: number,
    rows: number,
    options: Pick<SendOptions, "timeout" | "signal"> = {},
  ): Promise<void> {
    options.signal?.throwIfAborted();
    const events = this.protocol.setWindowSize(cols, rows);
    if (cols > 0 && rows > 0) this.notifyWindowChange(cols, rows);
    if (!this.closed) await this.#sendWindowSize(events, options);
  }

  /**
   * Hands the session to the user's terminal until the escape character (Ctrl-]) or the end
   * of the connection: telnetlib's `interact` (and `mt_interact`). The terminal's size goes
   * to the server with NAWS once it asks for it.
   *
   * @param options The terminal (default: Deno's stdin and stdout), escape character, filters.
   * @returns How it ended.
   * @throws {SessionStateError} When the session is closed or another call is reading.
   */
  override interact(options: TelnetInteractOptions = {}): Promise<InteractResult> {
    return super.interact({ ...options, terminal: options.terminal ?? stdioTerminal() });
  }

  /**
   * telnetlib's `write`: sends data with IAC doubled and the NVT end-of-line rules of RFC 854
   * (the same as `send`).
   *
   * @param data Text (sent as UTF-8) or bytes.
   * @param options As for `send`: `timeout` (ms), `signal`, `secret`, `charDelay`.
   * @returns A promise that settles once written.
   * @throws {SessionStateError} When the session is closed.
   * @throws {TelnetError} When writing fails.
   * @throws {TimeoutError} When the peer stops reading until the deadline (see `send`).
   */
  async write(data: string | Uint8Array, options?: SendOptions): Promise<void> {
    await this.send(data, options);
  }

  /**
   * telnetlib's `read_until`: reads until `expected` arrives and returns everything up to and
   * including it; on timeout returns whatever is available instead (possibly empty).
   *
   * @param expected The exact text or bytes to wait for.
   * @param options Deadline in milliseconds (default: the session's) and abort signal.
   * @returns The data read.
   * @throws {EOFError} If the connection is closed and no cooked data is available.
   *
   * @example Read up to a prompt
   * ```ts ignore
   * const banner = await tn.readUntil("login: ", { timeout: 5_000 });
   * ```
   */
  async readUntil(expected: string | Uint8Array, options?: ReadOptions): Promise<D> {
    try {
      const r = await this.expect([expected, TIMEOUT], options);
      if (r.index === 1) return this.#take();
      return this.#concat(r.before, r.after);
    } catch (error) {
      if (error instanceof EOFError && this.buffer.length > 0) return this.#take();
      if (error instanceof EOFError) {
        // The TIMEOUT entry is how readUntil returns on timeout; the user never listed it.
        const patterns = error.patterns.filter((p) => p !== "TIMEOUT");
        throw new EOFError(
          { ...error, patterns, binary: typeof this.#empty !== "string" },
          undefined,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  /**
   * telnetlib's `read_all`: reads until the connection closes.
   *
   * @param options Deadline in milliseconds (default: the session's; `null` waits forever).
   * @returns Everything not yet consumed, possibly empty.
   * @throws {TimeoutError} If the connection is still open at the deadline.
   * @throws {BufferOverflowError} If more than `maxBuffer` arrives with `overflow: "error"`.
   */
  async readAll(options?: ReadOptions): Promise<D> {
    return (await this.expect(EOF, options)).before;
  }

  /**
   * telnetlib's `read_some`: waits for at least one byte of cooked data.
   *
   * @param options Deadline in milliseconds (default: the session's) and abort signal.
   * @returns The cooked data; empty at the end of the connection.
   * @throws {TimeoutError} If nothing arrives in time.
   */
  async readSome(options?: ReadOptions): Promise<D> {
    if (this.buffer.length > 0) return this.#take();
    for await (const chunk of this.chunks(options)) return chunk;
    return this.#empty;
  }

  /**
   * telnetlib's `read_very_eager`: everything that arrives without waiting for the network
   * (output that keeps coming back to back is read on, up to `maxBuffer`).
   *
   * @returns The cooked data, possibly empty.
   * @throws {EOFError} If the connection is closed and no cooked data is available.
   */
  async readVeryEager(): Promise<D> {
    const r = await this.expect(EAGER_PATTERNS, { timeout: null });
    if (r.index === 1) return this.#orEof(r.before, "readVeryEager");
    return r.before;
  }

  /**
   * telnetlib's `read_eager`: the cooked data already there, or else what arrives without
   * waiting for the network.
   *
   * @returns The cooked data, possibly empty.
   * @throws {EOFError} If the connection is closed and no cooked data is available.
   */
  async readEager(): Promise<D> {
    if (this.buffer.length > 0) return this.#take();
    return await this.readVeryEager();
  }

  /**
   * telnetlib's `read_lazy`: the cooked data already read, with no I/O. dexpect processes
   * bytes as it reads them, so this is {@linkcode Telnet.readVeryLazy}.
   *
   * @returns The cooked data, possibly empty.
   * @throws {EOFError} If the connection is closed and no cooked data is available.
   */
  async readLazy(): Promise<D> {
    return await this.readVeryLazy();
  }

  /**
   * telnetlib's `read_very_lazy`: the cooked data already read, with no I/O; never waits.
   *
   * @returns The cooked data, possibly empty.
   * @throws {EOFError} If the connection is closed and no cooked data is available.
   */
  async readVeryLazy(): Promise<D> {
    if (this.buffer.length > 0) return await this.#take();
    return this.#orEof(this.#empty, "readVeryLazy");
  }

  /** Consumes and returns the unconsumed output, without reading. */
  async #take(): Promise<D> {
    if (this.buffer.length === 0) return this.#empty;
    const chunks = this.chunks({ timeout: 0 });
    try {
      const r = await chunks.next();
      return r.done ? this.#empty : r.value;
    } finally {
      await chunks.return();
    }
  }

  #orEof(data: D, call: string): D {
    if (data.length > 0 || !this.eof) return data;
    throw new EOFError({ patterns: [`any data (${call})`], timeout: 0, waited: 0, tail: "" });
  }

  #concat(a: D, b: D): D {
    if (typeof a === "string") return (a + (b as string)) as D;
    return concatBytes(a as Uint8Array, b as Uint8Array) as D;
  }

  /** `interact()` forwards the user's terminal size: NAWS. */
  protected override async onWindowChange(cols: number, rows: number): Promise<void> {
    if (!this.closed) await this.#sendWindowSize(this.protocol.setWindowSize(cols, rows));
  }

  /** Remembers whether the server wants NAWS, to offer it once a size is known. */
  protected override onTelnetEvent(event: TelnetEvent): void {
    if (event.type === "negotiation" && event.option === TelnetOption.NAWS) {
      this.#nawsWanted = event.command === TelnetCommand.DO;
    }
  }

  async #sendWindowSize(
    events: readonly TelnetEvent[],
    options: Pick<SendOptions, "timeout" | "signal"> = {},
  ): Promise<void> {
    // One deadline for both steps: the call's timeout is a total.
    const total = options.timeout === undefined ? this.timeout : options.timeout;
    const end = total === null ? null : performance.now() + total;
    await this.runEvents(events, options);
    if (this.#nawsWanted && this.protocol.state("us", TelnetOption.NAWS).state === "no") {
      const timeout = end === null ? null : Math.max(0, end - performance.now());
      await this.negotiate(TelnetCommand.WILL, TelnetOption.NAWS, { ...options, timeout });
    }
  }
}

async function handshake(
  tcp: Deno.TcpConn,
  hostname: string,
  tls: TelnetTlsOptions,
  signal: AbortSignal | undefined,
): Promise<Deno.TlsConn> {
  const conn = await Deno.startTls(tcp, { hostname, caCerts: tls.caCerts });
  if (signal === undefined) {
    await conn.handshake();
    return conn;
  }
  let onAbort = (): void => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  const shaking = conn.handshake();
  try {
    await Promise.race([shaking, aborted]);
    return conn;
  } catch (error) {
    conn.close();
    await shaking.catch(() => {});
    throw error;
  } finally {
    signal.removeEventListener("abort", onAbort);
    aborted.catch(() => {});
  }
}

/** A connection error as a phrase: "connection refused", not "Connection refused (os error 111)". */
function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const plain = text.replace(/\s*\(os error \d+\)$/, "");
  return plain.charAt(0).toLowerCase() + plain.slice(1);
}
