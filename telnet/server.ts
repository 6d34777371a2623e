/**
 * A small Telnet server for tests, demos and mock devices: {@linkcode serve} hands each
 * connection to your handler as a {@linkcode TelnetServerSession} (script the device's side
 * of the dialogue with the expect DSL), or runs a program in a pty per connection. It listens
 * on loopback only unless told otherwise.
 *
 * @module
 */
import type { Data } from "../expect/results.ts";
import { checkProgram } from "../pty/spawn.ts";
import { TelnetCommand, TelnetOption } from "./constants.ts";
import type { TelnetSessionOptions } from "./session.ts";
import { TelnetServerSession } from "./server_session.ts";
import { runCommand } from "./_telnetd.ts";

export { TelnetServerSession } from "./server_session.ts";

const { WILL, DO } = TelnetCommand;
const { ECHO, SGA, TTYPE, NAWS } = TelnetOption;

/**
 * A handler of {@linkcode serve}: plays the device's side of one connection. The connection is
 * closed when it returns (or throws).
 *
 * @typeParam D `string` (text mode) or `Uint8Array` (bytes mode).
 */
export type TelnetHandler<D extends Data = string> = (
  session: TelnetServerSession<D>,
) => void | Promise<void>;

/**
 * Options of {@linkcode serve}: where to listen, what to run per connection (exactly one of
 * `handler` and `command`), and the settings of each connection's session.
 *
 * @typeParam D `string` (text mode) or `Uint8Array` (bytes mode) for handler sessions.
 */
export interface ServeOptions<D extends Data = string> extends TelnetSessionOptions<D> {
  /**
   * TCP port; 0 picks a free one (read it from `addr.port`).
   *
   * @default {0}
   */
  port?: number;
  /**
   * Address to listen on. Only loopback addresses (`127.0.0.0/8`, `::1`, `localhost`) are
   * allowed unless `allowRemote` is set.
   *
   * @default {"127.0.0.1"}
   */
  hostname?: string;
  /**
   * Allow a non-loopback `hostname`, which exposes the server (and with `command`, a
   * program) to the network.
   *
   * @default {false}
   */
  allowRemote?: boolean;
  /** Plays the device's side of each connection. */
  handler?: TelnetHandler<D>;
  /**
   * Runs this program in a pty per connection (opt-in, needs `--allow-ffi` and, to build
   * its environment, `--allow-env`), as telnetd does: the client's NAWS sizes the pty, its
   * TTYPE sets `TERM` (`dumb` if none), IAC IP and BRK interrupt, IAC AYT is answered. The
   * connection closes when the program's output ends, and the program is ended when the
   * client leaves. A string is split into words as a shell would, without running one.
   */
  command?: string | readonly string[];
  /**
   * With `command`: the program's environment, `TERM` aside.
   *
   * @default {the server's environment}
   */
  env?: Record<string, string>;
  /**
   * With `command`: the program's working directory.
   *
   * @default {the server's}
   */
  cwd?: string;
  /**
   * Negotiations sent to each client on connect, as `[command, option]` pairs.
   *
   * @default {[[WILL, SGA], [DO, NAWS], [DO, TTYPE]], and [WILL, ECHO] first with `command`}
   */
  negotiate?: readonly (readonly [command: number, option: number])[];
  /**
   * With `command`: how long to wait, in milliseconds, for the client's terminal type and
   * size before starting the program without them.
   *
   * @default {2000}
   */
  negotiationTimeout?: number;
  /**
   * Most connections served at once; more are closed on arrival.
   *
   * @default {1024}
   */
  maxConnections?: number;
  /**
   * Told when a handler throws (or a connection fails) while the server is not closing, and of
   * each failed accept (`session` is `null`), such as EMFILE when the process is out of file
   * descriptors: the server then backs off briefly (10 ms, doubling up to 1 s, or until a
   * connection ends) and goes on accepting. Without it such errors are dropped: the server
   * prints nothing.
   */
  onError?: (error: unknown, session: TelnetServerSession<D> | null) => void;
  /** Closes the server, as `close()`. */
  signal?: AbortSignal;
}

/**
 * A running {@linkcode serve}: its address and how to stop it.
 *
 * @example Stop it at the end of a scope
 * ```ts ignore
 * import { serve } from "@dexpect/dexpect/telnet";
 * await using server = serve({ handler: (s) => s.sendLine("hello") });
 * console.log(server.addr.port);
 * ```
 */
export interface TelnetServer extends AsyncDisposable {
  /** The address listened on. */
  readonly addr: Deno.NetAddr;
  /** Resolves once the server stopped and every connection ended; never rejects. */
  readonly finished: Promise<void>;
  /** How many connections are being served. */
  readonly connections: number;
  /**
   * Stops accepting and closes every connection now (their pending calls reject).
   *
   * @returns A promise that settles when everything ended.
   */
  close(): Promise<void>;
  /**
   * Stops accepting and waits for the connections being served to end by themselves.
   *
   * @returns A promise that settles when everything ended.
   */
  shutdown(): Promise<void>;
}

/**
 * Serves Telnet on a loopback address: each connection gets a {@linkcode TelnetServerSession}
 * for `handler`, or runs `command` in a pty. Needs `--allow-net` (`=127.0.0.1` is enough by
 * default).
 *
 * @param options Where to listen, what to serve, and the sessions' settings.
 * @returns The running server.
 * @throws {TypeError} Unless exactly one of `handler` and `command` is given.
 * @throws {RangeError} For a non-loopback `hostname` without `allowRemote`, or a bad limit.
 * @throws {Deno.errors.AddrInUse} When the port is taken.
 * @throws {SpawnError} With `command`, when its program cannot be found (checked at once).
 *
 * @example A mock device for a test
 * ```ts ignore
 * import { serve, Telnet } from "@dexpect/dexpect/telnet";
 * await using device = serve({
 *   handler: async (s) => {
 *     await s.send("router> ");
 *     const line = await s.readLine(); // CR LF, CR NUL or a lone CR
 *     if (line === "show version") await s.send("Version 1.0\r\nrouter> ");
 *   },
 * });
 * await using tn = await Telnet.connect("127.0.0.1", device.addr.port);
 * await tn.expect("router> ");
 * await tn.sendLine("show version");
 * console.log((await tn.expect("router> ")).before); // "Version 1.0\r\n"
 * ```
 */
export function serve(
  options: ServeOptions<Uint8Array> & { encoding: null },
): TelnetServer;
/**
 * Text mode (the default): handler sessions read and match strings, decoded as UTF-8.
 *
 * @param options Where to listen, what to serve, and the sessions' settings.
 * @returns The running server.
 */
export function serve(options: ServeOptions<string>): TelnetServer;
/**
 * Either mode, chosen by the type argument (`serve<Uint8Array>({ encoding: null, ... })`).
 *
 * @param options Where to listen, what to serve, and the sessions' settings.
 * @returns The running server.
 */
export function serve<D extends Data>(options: ServeOptions<D>): TelnetServer;
export function serve<D extends Data = string>(options: ServeOptions<D>): TelnetServer {
  const {
    port = 0,
    hostname = "127.0.0.1",
    allowRemote = false,
    handler,
    command,
    env,
    cwd,
    negotiate,
    negotiationTimeout = 2_000,
    maxConnections = 1024,
    onError,
    signal,
    ...session
  } = options;
  if ((handler === undefined) === (command === undefined)) {
    throw new TypeError("Cannot serve: give exactly one of handler and command");
  }
  if (!allowRemote && !isLoopback(hostname)) {
    throw new RangeError(
      `Cannot serve on ${hostname}: not a loopback address; pass allowRemote: true to expose ` +
        "the server to the network",
    );
  }
  if (command !== undefined) checkProgram(command, env);
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    throw new RangeError(`Invalid maxConnections: expected an integer >= 1, got ${maxConnections}`);
  }
  const opening = negotiate ??
    (command === undefined
      ? [[WILL, SGA], [DO, NAWS], [DO, TTYPE]]
      : [[WILL, ECHO], [WILL, SGA], [DO, TTYPE], [DO, NAWS]]);
  const sessionOptions: TelnetSessionOptions<D> = command === undefined ? session : {
    ...session,
    encoding: null,
    timeout: null,
    policy: { [ECHO]: { acceptDo: true, acceptWill: false }, ...session.policy },
  } as unknown as TelnetSessionOptions<D>;
  const listener = Deno.listen({ hostname, port, transport: "tcp" });
  const sessions = new Set<TelnetServerSession<D>>();
  const tasks = new Set<Promise<void>>();
  let closing = false;
  let stopped = false;

  const serveOne = async (conn: Deno.TcpConn): Promise<void> => {
    let s: TelnetServerSession<D> | null = null;
    try {
      conn.setNoDelay(true);
      s = new TelnetServerSession<D>(conn, sessionOptions);
      sessions.add(s);
      for (const [c, o] of opening) await s.negotiate(c, o);
      if (handler !== undefined) await handler(s);
      else {
        await runCommand(s as unknown as TelnetServerSession<Uint8Array>, command!, {
          env,
          cwd,
          negotiationTimeout,
        });
      }
    } catch (error) {
      if (!closing) onError?.(error, s);
    } finally {
      if (s === null) conn.close();
      else {
        sessions.delete(s);
        await s.close();
      }
    }
  };

  // An accept error (out of file descriptors, EMFILE) is transient: report it, back off from
  // 10 ms doubling to 1 s (or until a connection ends and frees a descriptor), and go on.
  let backoff = 0;
  let wakeBackoff: (() => void) | undefined;
  const pause = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wakeBackoff = undefined;
        resolve();
      }
      wakeBackoff = done;
    });
  const accepting = (async () => {
    while (true) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
        backoff = 0;
      } catch (error) {
        if (closing || stopped || error instanceof Deno.errors.BadResource) break;
        onError?.(error, null);
        backoff = Math.min(backoff === 0 ? 10 : backoff * 2, 1_000);
        await pause(backoff);
        continue;
      }
      if (sessions.size >= maxConnections) {
        conn.close();
        continue;
      }
      const task: Promise<void> = serveOne(conn).finally(() => {
        tasks.delete(task);
        wakeBackoff?.();
      });
      tasks.add(task);
    }
  })();
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    wakeBackoff?.();
    try {
      listener.close();
    } catch {
      // Already closed.
    }
  };
  const finished = (async () => {
    await accepting;
    while (tasks.size > 0) await Promise.allSettled([...tasks]);
  })();
  const close = async (): Promise<void> => {
    closing = true;
    stop();
    await Promise.allSettled([...sessions].map((s) => s.close()));
    await finished;
  };
  const onAbort = (): void => void close();
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  finished.then(() => signal?.removeEventListener("abort", onAbort));

  return {
    addr: listener.addr,
    finished,
    get connections(): number {
      return sessions.size;
    },
    close,
    async shutdown(): Promise<void> {
      stop();
      await finished;
    },
    [Symbol.asyncDispose]: close,
  };
}

/** Whether `hostname` names a loopback address. */
function isLoopback(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return h === "localhost" || h === "::1" || /^0*:(0*:){0,6}0*1$/.test(h) ||
    /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
