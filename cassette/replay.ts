// Copyright the dexpect authors. MIT license.
/**
 * Replaying a cassette as a session: {@linkcode replay} and {@linkcode ReplaySession}.
 *
 * @module
 */

import type { ExitStatus } from "../expect/channel.ts";
import type { Data } from "../expect/results.ts";
import type { SendOptions, SessionOptions } from "../expect/options.ts";
import { Session } from "../expect/session.ts";
import { type Cassette, type CassetteTransport, parseCassette } from "./format.ts";
import { Player } from "./_player.ts";

/**
 * Options of {@linkcode replay}: the session's settings and the pace.
 *
 * @typeParam D `string` (text mode) or `Uint8Array` (bytes mode, `encoding: null`).
 *
 * @example At the recorded pace
 * ```ts
 * import type { ReplayOptions } from "./replay.ts";
 * const options: ReplayOptions = { speed: 1, timeout: 5_000 };
 * void options;
 * ```
 */
export interface ReplayOptions<D extends Data = string> extends SessionOptions<D> {
  /**
   * How fast recorded output arrives: `Infinity` hands out everything up to the next
   * recorded input at once; `1` keeps the recorded pace, `2` twice as fast. The pace counts
   * from the moment the preceding input was matched.
   *
   * @default {Infinity}
   */
  speed?: number;
}

const encoder = new TextEncoder();
const utf8 = new TextDecoder();
const EOT = new Uint8Array([4]);
const ETX = new Uint8Array([3]);

/** Reads a cassette file, or passes a cassette through. */
export function loadCassette(cassette: Cassette | string | URL): Cassette {
  if (typeof cassette !== "string" && !(cassette instanceof URL)) return cassette;
  const source = cassette instanceof URL ? decodeURIComponent(cassette.pathname) : cassette;
  // Bytes then one decode: faster here than readTextFileSync on large cassettes.
  return parseCassette(utf8.decode(Deno.readFileSync(cassette)), source);
}

/**
 * A session whose peer plays a cassette: recorded output up to the next recorded input
 * arrives at once (or at `speed` times the recorded pace), each `send` is compared with the
 * next recorded input, and after the last event comes `EOF` with the recorded exit status.
 * No process runs and no connection is made. Everything of the DSL works on it (patterns,
 * iterations, `interact`, observers and recording).
 *
 * Inputs are compared as one byte stream, so a script may split or join its sends; a
 * recorded secret input matches any one `send`. A mismatch rejects that `send` with
 * {@linkcode ReplayMismatchError} and leaves the replay where it was.
 *
 * A cassette of a pty replays `sendEof()` and `sendIntr()` as the bytes a pty session sends
 * (Ctrl-D, Ctrl-C); on a Telnet cassette `sendIntr()` (IAC IP, not recorded) does nothing.
 *
 * @typeParam D `string` (text mode, the default) or `Uint8Array` (bytes mode).
 *
 * @example Replay a recorded login
 * ```ts
 * import { parseCassette, ReplaySession } from "./mod.ts";
 * import { EOF } from "../expect/patterns.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * const cassette = parseCassette([
 *   '{"version":2,"width":80,"height":24,"dexpect":{"version":1,"transport":{"type":"session"},"exitStatus":{"code":0,"signal":null}}}',
 *   '[0.1,"o","login: "]', '[0.5,"i","admin\\n"]', '[0.6,"o","admin\\r\\nbye\\r\\n"]',
 * ].join("\n"));
 * await using s = new ReplaySession(cassette);
 * await s.expect("login: ");
 * await s.sendLine("admin");
 * const end = await s.expect(EOF);
 * deepStrictEqual(end.exitStatus, { code: 0, signal: null });
 * ```
 */
export class ReplaySession<D extends Data = string> extends Session<D> {
  /** The cassette being played. */
  readonly cassette: Cassette;
  readonly #player: Player;

  /**
   * Creates the session; playing starts at once.
   *
   * @param cassette The cassette.
   * @param options Session settings and `speed`.
   * @throws {RangeError} If `speed` is not a number > 0, or another option is out of range.
   */
  constructor(cassette: Cassette, options: ReplayOptions<D> = {}) {
    const { speed, ...session } = options;
    const ref: { self?: ReplaySession<D> } = {};
    const player = new Player(cassette, {
      speed,
      onResize: (cols, rows) => ref.self?.notifyWindowChange(cols, rows),
    });
    const readable = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const chunk = await player.next();
        if (chunk === null) controller.close();
        else controller.enqueue(chunk);
      },
      cancel: () => player.cancel(),
    }, { highWaterMark: 0 });
    const writable = new WritableStream<Uint8Array>();
    const lineEnding = cassette.transport.type === "telnet" ? "\r\n" : "\n";
    super({ readable, writable }, {
      cols: cassette.cols,
      rows: cassette.rows,
      lineEnding,
      ...session,
    });
    this.cassette = cassette;
    this.#player = player;
    ref.self = this;
  }

  /** What the cassette was recorded on. */
  get transport(): CassetteTransport {
    return this.cassette.transport;
  }

  /**
   * Sends data: compared with the next recorded input first.
   *
   * @param data Text (as UTF-8) or bytes.
   * @param options As for `Session.send`; a secret is never shown in a mismatch.
   * @returns A promise that settles once matched.
   * @throws {ReplayMismatchError} When `data` is not the recorded input.
   * @throws {SessionStateError} When the session or its input is closed.
   */
  override async send(data: string | Uint8Array, options?: SendOptions): Promise<void> {
    if (!this.closed) {
      this.#player.input(typeof data === "string" ? encoder.encode(data) : data, options?.secret);
    }
    await super.send(data, options);
  }

  /**
   * On a pty cassette sends Ctrl-D as a pty session does; otherwise closes the input.
   *
   * @returns A promise that settles once done.
   * @throws {ReplayMismatchError} When Ctrl-D is not the recorded input.
   */
  override async sendEof(): Promise<void> {
    if (this.transport.type === "pty") return await this.send(EOT);
    await super.sendEof();
  }

  /**
   * On a pty cassette sends Ctrl-C as a pty session does; on a Telnet cassette does nothing
   * (IAC IP is not recorded); otherwise throws as `Session.sendIntr`.
   *
   * @returns A promise that settles once done.
   * @throws {ReplayMismatchError} When Ctrl-C is not the recorded input.
   */
  override async sendIntr(): Promise<void> {
    if (this.transport.type === "pty") return await this.send(ETX);
    if (this.transport.type === "telnet") return;
    await super.sendIntr();
  }

  /**
   * Records a size change (observers and recordings get a `"resize"` event); there is no
   * terminal to resize.
   *
   * @param cols Width in cells.
   * @param rows Height in cells.
   */
  resize(cols: number, rows: number): void {
    this.notifyWindowChange(cols, rows);
  }

  /**
   * The recorded exit status, once the replay reached its end.
   *
   * @returns The status, or `undefined` before the end or when none was recorded.
   */
  override exitStatus(): ExitStatus | undefined {
    return this.#player.ended ? this.cassette.exitStatus ?? undefined : undefined;
  }
}

/**
 * Replays a cassette as a {@linkcode ReplaySession}: its peer plays the recorded output up to
 * each recorded input, compares what is sent with it, and ends with `EOF` and the recorded
 * exit status.
 *
 * @param cassette A cassette, or the path of a `.cast` file (read at once; needs
 *   `--allow-read`).
 * @param options Session settings (`timeout` in ms, `encoding`, ...) and `speed`.
 * @returns The session.
 * @throws {CassetteFormatError} When the file does not parse.
 * @throws {Deno.errors.NotFound} When the file does not exist.
 * @throws {RangeError} If `speed` is not a number > 0.
 *
 * @example Replay a file
 * ```ts ignore
 * import { replay } from "@dexpect/dexpect/cassette";
 * await using sh = replay("cassettes/bash.cast");
 * await sh.expect("$ ");
 * await sh.sendLine("echo hi");
 * await sh.expect("hi");
 * ```
 */
export function replay(
  cassette: Cassette | string | URL,
  options: ReplayOptions<Uint8Array> & { encoding: null },
): ReplaySession<Uint8Array>;
/**
 * Replays a cassette in text mode (the default).
 *
 * @param cassette A cassette or a file path.
 * @param options Session settings and `speed`.
 * @returns The session.
 */
export function replay(
  cassette: Cassette | string | URL,
  options?: ReplayOptions<string>,
): ReplaySession<string>;
export function replay(
  cassette: Cassette | string | URL,
  options: ReplayOptions<string> | ReplayOptions<Uint8Array> = {},
): ReplaySession<string> | ReplaySession<Uint8Array> {
  return new ReplaySession(loadCassette(cassette), options as ReplayOptions<string>);
}
