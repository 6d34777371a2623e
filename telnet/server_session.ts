/**
 * The server's end of a Telnet connection, as {@linkcode serve} hands it to a handler: the
 * client's terminal type and window size, and `readLine()` for whatever end of line the
 * client's Enter key sends.
 *
 * @module
 */
import type { Data } from "../expect/results.ts";
import type { ReadOptions } from "../expect/options.ts";
import { EOF, TIMEOUT } from "../expect/patterns.ts";
import { TelnetOption, TelnetSubcommand } from "./constants.ts";
import type { TelnetEvent } from "./events.ts";
import { decodeIsPayload, decodeNawsPayload, type TelnetWindowSize } from "./options.ts";
import type { TelnetOptionPolicy } from "./protocol_options.ts";
import { TelnetSession, type TelnetSessionOptions } from "./session.ts";

const { ECHO, TTYPE, NAWS } = TelnetOption;

/** An end of line as clients send it: CR LF, CR (from CR NUL, or alone), or LF. */
const LINE_END = /\r\n|\r|\n/;

/** Whether `data` is the one character or byte `code`. */
function isByte(data: Data, code: number): boolean {
  return typeof data === "string"
    ? data.length === 1 && data.charCodeAt(0) === code
    : data.length === 1 && data[0] === code;
}

/**
 * A connection accepted by {@linkcode serve}: the server's end of a Telnet session, driven
 * with the expect DSL. It accepts the client's NAWS and TTYPE (asking for the terminal type
 * as soon as TTYPE is enabled) and keeps what the client reported.
 *
 * @typeParam D `string` (text mode, the default) or `Uint8Array` (bytes mode).
 *
 * @example A device that asks for a name
 * ```ts ignore
 * import { serve } from "@dexpect/dexpect/telnet";
 * await using server = serve({
 *   handler: async (session) => {
 *     await session.send("Name: ");
 *     const name = await session.readLine(); // CR LF, CR NUL or a lone CR
 *     await session.sendLine(`Hello, ${name}!`);
 *   },
 * });
 * ```
 */
export class TelnetServerSession<D extends Data = string> extends TelnetSession<D> {
  #terminalType: string | null = null;
  #windowSize: TelnetWindowSize | null = null;
  #afterCr = false;
  readonly #settledListeners = new Set<() => void>();

  /**
   * Wraps an accepted connection. `serve()` creates these; create one yourself to serve
   * from your own listener.
   *
   * @param conn The accepted connection; the session owns it and closes it.
   * @param options Session, protocol and debug settings. The policy also accepts the client's
   *   WILL NAWS and WILL TTYPE, and refuses WILL ECHO.
   * @throws {RangeError} If an option is out of range.
   */
  constructor(conn: Deno.Conn, options: TelnetSessionOptions<D> = {}) {
    const policy: Record<number, TelnetOptionPolicy> = {
      [ECHO]: { acceptWill: false },
      [NAWS]: { acceptWill: true },
      [TTYPE]: { acceptWill: true },
      ...options.policy,
    };
    super(conn, { ...options, policy });
  }

  /**
   * The client's terminal type (RFC 1091), as it sent it, or `null` until it does.
   *
   * @returns The first type the client reported.
   */
  get terminalType(): string | null {
    return this.#terminalType;
  }

  /**
   * The client's window size in cells (RFC 1073), or `null` until it sends one.
   *
   * @returns The latest size the client reported.
   */
  get windowSize(): TelnetWindowSize | null {
    return this.#windowSize;
  }

  /**
   * Waits until the client has answered our DO TTYPE and DO NAWS: refused them, or sent its
   * terminal type and window size. Output read meanwhile stays buffered.
   *
   * @param options Deadline in milliseconds (default: the session's) and abort signal.
   * @returns `true` once settled; `false` on timeout or at the end of the connection.
   * @throws {SessionStateError} If the session is closed.
   *
   * @example Size the screen before drawing it
   * ```ts ignore
   * if (await session.negotiated({ timeout: 1_000 })) console.log(session.windowSize);
   * ```
   */
  async negotiated(options: ReadOptions = {}): Promise<boolean> {
    if (this.#settled()) return true;
    const ready = new AbortController();
    const wake = () => ready.abort();
    this.#settledListeners.add(wake);
    const signal = options.signal ? AbortSignal.any([ready.signal, options.signal]) : ready.signal;
    try {
      await this.peek([TIMEOUT, EOF], { timeout: options.timeout, signal });
      return this.#settled();
    } catch (error) {
      if (ready.signal.aborted) return true;
      throw error;
    } finally {
      this.#settledListeners.delete(wake);
    }
  }

  /**
   * Reads one line the client typed, without its end. Real clients end lines three ways:
   * CR LF (`sendLine`, telnet(1) in line mode), CR NUL (telnet(1)'s Enter key in NVT mode;
   * the parser reads it as CR) and a lone CR (inetutils telnet and `dexpect telnet` in
   * character mode); all three are accepted, as is a bare LF. A LF that follows a CR in a
   * later packet is not an empty line.
   *
   * @param options Deadline in milliseconds (default: the session's) and abort signal.
   * @returns The line, in the session's data type.
   * @throws {TimeoutError} When no end of line arrives in time (the text stays buffered).
   * @throws {EOFError} When the client leaves with nothing left to read; a last line
   *   without an end is returned first.
   *
   * @example A device that asks for a name, whatever the client's Enter key sends
   * ```ts ignore
   * await session.send("Name: ");
   * const name = await session.readLine();
   * await session.sendLine(`Hello, ${name}!`);
   * ```
   */
  async readLine(options: ReadOptions = {}): Promise<D> {
    for (;;) {
      const r = await this.expect([LINE_END, EOF], options);
      if (r.index === 1) {
        if (r.before.length > 0) return r.before;
        await this.expect(LINE_END, options); // throws EOFError, naming the wait
      }
      const after = r.after as D;
      if (this.#afterCr && r.before.length === 0 && isByte(after, 0x0a)) {
        this.#afterCr = false; // the LF of a CR LF split across packets
        continue;
      }
      this.#afterCr = isByte(after, 0x0d);
      return r.before;
    }
  }

  /** Keeps the client's terminal type and window size; asks for the type once enabled. */
  protected override onTelnetEvent(event: TelnetEvent): void {
    if (
      event.type === "option" && event.side === "him" && event.enabled && event.option === TTYPE
    ) {
      this.sendSubnegotiation(TTYPE, Uint8Array.of(TelnetSubcommand.SEND)).catch(() => {});
    } else if (event.type === "subnegotiation" && event.option === TTYPE) {
      this.#terminalType ??= decodeIsPayload(event.payload);
    } else if (event.type === "subnegotiation" && event.option === NAWS) {
      const size = decodeNawsPayload(event.payload);
      if (size !== null) {
        this.#windowSize = size;
        if (size.cols > 0 && size.rows > 0) this.notifyWindowChange(size.cols, size.rows);
      }
    }
    if (this.#settledListeners.size > 0 && this.#settled()) {
      for (const wake of this.#settledListeners) wake();
    }
  }

  #settled(): boolean {
    const ttype = this.protocol.state("him", TTYPE).state;
    const naws = this.protocol.state("him", NAWS).state;
    return (ttype === "no" || (ttype === "yes" && this.#terminalType !== null)) &&
      (naws === "no" || (naws === "yes" && this.#windowSize !== null));
  }
}
