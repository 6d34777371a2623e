/**
 * A TCP connection as an expect session with no Telnet processing: {@linkcode SocketSession}
 * passes bytes unchanged (pexpect's `SocketSpawn` / `fdspawn` on a socket).
 *
 * @module
 */
import type { Data } from "../expect/results.ts";
import type { SessionOptions } from "../expect/options.ts";
import { Session } from "../expect/session.ts";

/** Options of {@linkcode connectSocket}: the session's settings. */
export type SocketSessionOptions<D extends Data = string> = SessionOptions<D>;

/**
 * A TCP connection driven with the expect DSL; bytes pass unchanged (no IAC handling: use
 * `Telnet` for Telnet servers). `sendEof()` half-closes the connection (`closeWrite`).
 *
 * @typeParam D `string` (text mode) or `Uint8Array` (bytes mode).
 *
 * @example Talk to a line-based server
 * ```ts ignore
 * import { connectSocket } from "@dexpect/dexpect/telnet";
 * await using smtp = await connectSocket("127.0.0.1", 25);
 * await smtp.expect(/^220 /m);
 * await smtp.sendLine("QUIT");
 * ```
 */
export class SocketSession<D extends Data = string> extends Session<D> {
  /** The connection. */
  readonly conn: Deno.Conn;

  /**
   * Wraps an open connection. Use {@linkcode connectSocket}, or pass a `Deno.Conn` you
   * accepted or connected yourself.
   *
   * @param conn The connection; the session owns it and closes it.
   * @param options The session's settings (`lineEnding` defaults to `"\r\n"`).
   */
  constructor(conn: Deno.Conn, options: SessionOptions<D> = {}) {
    super(conn, { lineEnding: "\r\n", ...options });
    this.conn = conn;
  }

  /** Half-closes the connection: the peer reads EOF, and can still answer. */
  override async sendEof(): Promise<void> {
    await this.conn.closeWrite();
  }

  /** Closes the session and the connection. Safe to call more than once. */
  override async close(): Promise<void> {
    await super.close();
    try {
      this.conn.close();
    } catch {
      // Already closed by the streams.
    }
  }
}

/**
 * Connects to `hostname:port` over TCP and returns a {@linkcode SocketSession}. Needs
 * `--allow-net`.
 *
 * @param hostname Host name or address.
 * @param port TCP port.
 * @param options The session's settings; `timeout` (ms) also bounds the connection attempt.
 * @returns The session.
 * @throws {Deno.errors.ConnectionRefused} When nothing listens there.
 *
 * @example Connect with a deadline
 * ```ts ignore
 * import { connectSocket } from "@dexpect/dexpect/telnet";
 * await using s = await connectSocket("127.0.0.1", 7000, { timeout: 2_000 });
 * ```
 */
export async function connectSocket(
  hostname: string,
  port: number,
  options: SocketSessionOptions = {},
): Promise<SocketSession> {
  const ms = options.timeout === undefined ? 30_000 : options.timeout;
  const signal = ms === null ? undefined : AbortSignal.timeout(ms);
  const conn = await Deno.connect({ hostname, port, signal });
  return new SocketSession(conn, options);
}
