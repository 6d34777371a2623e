/**
 * The options of the Telnet client: connecting (TLS, the connect deadline), the session and
 * protocol settings, and `interact()`.
 *
 * @module
 */
import type { Data } from "../expect/results.ts";
import type { InteractOptions, InteractTerminal } from "../expect/interact.ts";
import type { TelnetWindowSize } from "./options.ts";
import type { TelnetSessionOptions } from "./session_options.ts";
import type { ScreenOptions } from "../screen/screen.ts";

/** TLS settings of a Telnet connection (telnets, port 992). */
export interface TelnetTlsOptions {
  /**
   * PEM certificates of the authorities to trust, instead of the system's.
   *
   * @default {undefined}
   */
  caCerts?: string[];
}

/** Options of {@linkcode Telnet.open}. */
export interface TelnetConnectOptions {
  /**
   * Deadline of the connection attempt (TLS handshake included) in milliseconds, `null` for
   * none (telnetlib's `timeout`, which was seconds).
   *
   * @default {the session's timeout}
   */
  timeout?: number | null;
  /**
   * Connect over TLS (`Deno.connectTls` semantics, with the host name verified).
   *
   * @default {the session's `tls`, else false}
   */
  tls?: boolean | TelnetTlsOptions;
  /** Cancels the attempt; it rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Options of {@linkcode Telnet}: the session, protocol and debug settings of
 * {@linkcode TelnetSessionOptions}, and TLS. `timeout` (milliseconds, default 30 000) is the
 * deadline of each call and of the connection attempt.
 *
 * @typeParam D `string` (text mode) or `Uint8Array` (bytes mode, `encoding: null`).
 */
export interface TelnetOptions<D extends Data = string>
  extends Omit<TelnetSessionOptions<D>, "windowSize"> {
  /**
   * The window size reported with NAWS (RFC 1073) when the server asks: 80x24 unless given,
   * as pexpect gives every pty, so remote programs never see a 0x0 terminal. `null` refuses
   * NAWS (until `resize()` gives a size).
   *
   * @default {{ cols: 80, rows: 24 }}
   */
  windowSize?: TelnetWindowSize | null;
  /**
   * Connect over TLS (telnets, usually port 992).
   *
   * @default {false}
   */
  tls?: boolean | TelnetTlsOptions;
  /**
   * Gives the client a {@linkcode Screen} (`telnet.screen`) sized by the NAWS window size
   * (`windowSize`, 80x24 without one) and following `resize()`: `true`, or screen options.
   * xterm.js is loaded on first use.
   * @default {false}
   */
  screen?: boolean | Omit<ScreenOptions, "cols" | "rows">;
}

/** Options of {@linkcode Telnet.interact}: as `Session.interact`, with a default terminal. */
export interface TelnetInteractOptions extends Omit<InteractOptions, "terminal"> {
  /**
   * The user's terminal.
   *
   * @default {stdioTerminal(): Deno's stdin and stdout}
   */
  terminal?: InteractTerminal;
}
