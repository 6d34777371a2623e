// Copyright the dexpect authors. MIT license.
/**
 * VCR-style record modes: {@linkcode spawn} and {@linkcode connect} with the signatures of
 * `pty`'s `spawn()` and `Telnet.connect()`, plus a `cassette` option. The first real run is
 * recorded under the name the script gives; later runs replay it offline.
 *
 * The design keeps data flowing one way: these wrappers live above `pty/` and `telnet/` and
 * call them; the lower layers know nothing of cassettes. Recording hooks in through the
 * public observer option, replaying substitutes a {@linkcode ReplaySession}.
 *
 * @module
 */

import type { Data } from "../expect/results.ts";
import type { SessionOptions } from "../expect/options.ts";
import type { CloseOptions } from "../pty/process.ts";
import { PtySession, type PtySessionOptions } from "../pty/session.ts";
import { spawnProcess, toArgv } from "../pty/spawn.ts";
import { Telnet, type TelnetOptions } from "../telnet/client.ts";
import { TelnetOption } from "../telnet/constants.ts";
import { CassetteNotFoundError } from "./errors.ts";
import type { CassetteTransport } from "./format.ts";
import { CassetteRecorder } from "./recorder.ts";
import { replay, type ReplayOptions, type ReplaySession } from "./replay.ts";

/**
 * VCR's record modes: `"once"` records when the cassette is missing and replays it
 * otherwise; `"none"` only replays (a missing cassette is an error); `"all"` always records,
 * replacing the cassette.
 */
export type RecordMode = "once" | "none" | "all";

/**
 * Which cassette a session uses: its name (the file is `DIR/NAME.cast`), and optionally the
 * directory, the record mode and the replay speed. Without `dir` and `record`, the
 * environment variables `DEXPECT_CASSETTE_DIR` and `DEXPECT_RECORD` apply (read with
 * `--allow-env`), then `"cassettes"` and `"once"`.
 *
 * @example Replay only, in CI
 * ```ts
 * import type { CassetteSpec } from "./vcr.ts";
 * const spec: CassetteSpec = { name: "router-login", dir: "tests/cassettes", record: "none" };
 * void spec;
 * ```
 */
export interface CassetteSpec {
  /** The cassette's name: a file name without `.cast`, no `/`. */
  name: string;
  /** The directory. @default {$DEXPECT_CASSETTE_DIR, else "cassettes"} */
  dir?: string;
  /** The record mode. @default {$DEXPECT_RECORD, else "once"} */
  record?: RecordMode;
  /** Replay speed (see `ReplayOptions.speed`). @default {Infinity} */
  speed?: number;
}

/** The `cassette` option of the wrappers: a name or a full spec. */
export interface CassetteOption {
  /**
   * Record or replay this session as a cassette; without it the wrapper is the plain
   * transport.
   */
  cassette?: string | CassetteSpec;
}

/** Where a spec's cassette is and what to do with it. */
export interface ResolvedCassette {
  /** The file. */
  readonly path: string;
  /** The directory. */
  readonly dir: string;
  /** The mode. */
  readonly record: RecordMode;
  /** What to do now: replay the file, or record it. */
  readonly action: "replay" | "record";
  /** Replay speed. */
  readonly speed: number | undefined;
}

const MODES: readonly string[] = ["once", "none", "all"];

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined; // no --allow-env: the options and defaults decide
  }
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Decides what a cassette spec means now: its file, its mode and whether to record or
 * replay.
 *
 * @param spec A name or a spec.
 * @returns The file, mode and action.
 * @throws {TypeError} On a bad name or mode (from the option or `DEXPECT_RECORD`).
 * @throws {CassetteNotFoundError} In mode `"none"` when the file is missing.
 *
 * @example Where a cassette goes
 * ```ts
 * import { resolveCassette } from "./vcr.ts";
 * const dir = await Deno.makeTempDir();
 * console.log(resolveCassette({ name: "login", dir })); // action: "record"
 * await Deno.remove(dir);
 * ```
 */
export function resolveCassette(spec: string | CassetteSpec): ResolvedCassette {
  const s = typeof spec === "string" ? { name: spec } : spec;
  if (typeof s.name !== "string" || s.name === "" || /[/\\]/.test(s.name)) {
    throw new TypeError(
      `Invalid cassette name: expected a file name, got ${JSON.stringify(s.name)}`,
    );
  }
  const record = s.record ?? env("DEXPECT_RECORD") ?? "once";
  if (!MODES.includes(record)) {
    throw new TypeError(
      `Invalid record mode: expected "once", "none" or "all", got ${JSON.stringify(record)}`,
    );
  }
  const dir = s.dir ?? env("DEXPECT_CASSETTE_DIR") ?? "cassettes";
  const path = `${dir.replace(/\/+$/, "")}/${s.name}.cast`;
  let action: "replay" | "record" = "record";
  if (record !== "all" && exists(path)) action = "replay";
  else if (record === "none") throw new CassetteNotFoundError(path);
  return { path, dir, record: record as RecordMode, action, speed: s.speed };
}

/** A pty session that writes its cassette when closed. */
class RecordingPtySession<D extends Data> extends PtySession<D> {
  readonly #recorder: CassetteRecorder;

  constructor(
    process: ReturnType<typeof spawnProcess>,
    options: SessionOptions<D>,
    recorder: CassetteRecorder,
  ) {
    super(process, { ...options, observers: [...(options.observers ?? []), recorder.observe] });
    this.#recorder = recorder;
  }

  override async close(options?: CloseOptions): Promise<void> {
    try {
      await super.close(options);
    } finally {
      await this.#recorder.finish(this.exitStatus() ?? null);
    }
  }
}

/** A Telnet client that writes its cassette, with the options agreed, when closed. */
class RecordingTelnet<D extends Data> extends Telnet<D> {
  readonly #recorder: CassetteRecorder;
  readonly #where: { host: string; port: number };

  constructor(options: TelnetOptions<D>, recorder: CassetteRecorder, host: string, port: number) {
    super({ ...options, observers: [...(options.observers ?? []), recorder.observe] });
    this.#recorder = recorder;
    this.#where = { host, port };
  }

  override async close(): Promise<void> {
    const transport = this.#transport();
    try {
      await super.close();
    } finally {
      await this.#recorder.finish(null, transport);
    }
  }

  #transport(): CassetteTransport {
    const us: string[] = [];
    const him: string[] = [];
    for (const [name, code] of Object.entries(TelnetOption)) {
      if (this.isEnabled("us", code)) us.push(name);
      if (this.isEnabled("him", code)) him.push(name);
    }
    return { type: "telnet", ...this.#where, options: { us, him } };
  }
}

/** Options of `Telnet` that a replay, which has no protocol, does not take. */
const TELNET_ONLY = new Set([
  "tls",
  "policy",
  "terminalTypes",
  "windowSize",
  "terminalSpeed",
  "environment",
  "maxSubnegotiationBytes",
  "trace",
  "debugLevel",
  "debug",
]);

function mkdir(dir: string): void {
  Deno.mkdirSync(dir, { recursive: true });
}

/**
 * `pty`'s `spawn()` with VCR record modes. Without `cassette` it is `spawn()`. With it: in
 * replay it returns a {@linkcode ReplaySession} of the cassette (no process is started);
 * in record it runs the program and writes the cassette when the session is closed (use
 * `await using`), with the command, the terminal size and the exit status in the header.
 * The environment is never recorded.
 *
 * @param command The program and its arguments.
 * @param options `spawn()`'s options plus `cassette`.
 * @returns A pty session (recording), or a replay session.
 * @throws {CassetteNotFoundError} In mode `"none"` when the cassette is missing.
 * @throws {SpawnError} When recording and the program cannot start.
 * @throws {CassetteFormatError} When the cassette does not parse.
 *
 * @example Record once, replay afterwards
 * ```ts ignore
 * import { spawn } from "@dexpect/dexpect/cassette";
 * await using sh = spawn("bash --norc", { cassette: "bash-echo", timeout: 5_000 });
 * await sh.expect("$ ");
 * await sh.sendLine("echo hi");
 * await sh.expect("hi");
 * ```
 */
export function spawn(
  command: string | readonly string[],
  options: PtySessionOptions<Uint8Array> & CassetteOption & { encoding: null },
): PtySession<Uint8Array> | ReplaySession<Uint8Array>;
/**
 * Text mode (the default).
 *
 * @param command The program and its arguments.
 * @param options `spawn()`'s options plus `cassette`.
 * @returns A pty session (recording), or a replay session.
 */
export function spawn(
  command: string | readonly string[],
  options?: PtySessionOptions<string> & CassetteOption,
): PtySession<string> | ReplaySession<string>;
export function spawn(
  command: string | readonly string[],
  options: (PtySessionOptions<string> | PtySessionOptions<Uint8Array>) & CassetteOption = {},
):
  | PtySession<string>
  | PtySession<Uint8Array>
  | ReplaySession<string>
  | ReplaySession<Uint8Array> {
  const { cassette, env, cwd, cols = 80, rows = 24, echo, ...rest } = options;
  const session = rest as SessionOptions<string>;
  const where = cassette === undefined ? undefined : resolveCassette(cassette);
  if (where?.action === "replay") {
    return replay(where.path, { ...session, speed: where.speed } as ReplayOptions<string>);
  }
  const process = spawnProcess(command, { env, cwd, cols, rows, echo });
  try {
    if (where === undefined) return new PtySession(process, session);
    mkdir(where.dir);
    const transport: CassetteTransport = { type: "pty", command: toArgv(command), cols, rows };
    const recorder = new CassetteRecorder(where.path, { transport, cols, rows });
    return new RecordingPtySession(process, session, recorder);
  } catch (error) {
    process.close();
    throw error;
  }
}

/**
 * `Telnet.connect()` with VCR record modes. Without `cassette` it is `Telnet.connect()`.
 * With it: in replay it returns a {@linkcode ReplaySession} of the cassette (no connection
 * is made); in record it connects and writes the cassette when the session is closed, with
 * the host, port and the options agreed in the header.
 *
 * @param host Host name or address.
 * @param port TCP port. @default {23}
 * @param options `Telnet.connect()`'s options plus `cassette`.
 * @returns A connected client (recording), or a replay session.
 * @throws {CassetteNotFoundError} In mode `"none"` when the cassette is missing.
 * @throws {TelnetError} When recording and the connection fails.
 *
 * @example Record a device once
 * ```ts ignore
 * import { connect } from "@dexpect/dexpect/cassette";
 * await using tn = await connect("192.0.2.1", 23, { cassette: "router-login" });
 * await tn.expect("login: ");
 * await tn.sendLine("admin");
 * await tn.expect("Password: ");
 * await tn.sendLine("s3cret", { secret: true }); // stored as a placeholder
 * ```
 */
export function connect(
  host: string,
  port: number | undefined,
  options: TelnetOptions<Uint8Array> & CassetteOption & { encoding: null },
): Promise<Telnet<Uint8Array> | ReplaySession<Uint8Array>>;
/**
 * Text mode (the default).
 *
 * @param host Host name or address.
 * @param port TCP port. @default {23}
 * @param options `Telnet.connect()`'s options plus `cassette`.
 * @returns A connected client (recording), or a replay session.
 */
export function connect(
  host: string,
  port?: number,
  options?: TelnetOptions<string> & CassetteOption,
): Promise<Telnet<string> | ReplaySession<string>>;
export async function connect(
  host: string,
  port = 23,
  options: (TelnetOptions<string> | TelnetOptions<Uint8Array>) & CassetteOption = {},
): Promise<
  Telnet<string> | Telnet<Uint8Array> | ReplaySession<string> | ReplaySession<Uint8Array>
> {
  const { cassette, ...other } = options;
  const rest = other as TelnetOptions<string>;
  if (cassette === undefined) return await Telnet.connect(host, port, rest);
  const where = resolveCassette(cassette);
  if (where.action === "replay") {
    const session = Object.fromEntries(
      Object.entries(rest).filter(([key]) => !TELNET_ONLY.has(key)),
    );
    return replay(where.path, { ...session, speed: where.speed } as ReplayOptions<string>);
  }
  mkdir(where.dir);
  const transport: CassetteTransport = {
    type: "telnet",
    host,
    port,
    options: { us: [], him: [] },
  };
  const size = rest.windowSize;
  const recorder = new CassetteRecorder(where.path, {
    transport,
    cols: size?.cols || 80,
    rows: size?.rows || 24,
  });
  const telnet = new RecordingTelnet<string>(rest, recorder, host, port);
  try {
    await telnet.open(host, port);
  } catch (error) {
    await recorder.abort();
    await telnet.close().catch(() => {});
    throw error;
  }
  return telnet;
}
