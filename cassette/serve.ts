// Copyright the dexpect authors. MIT license.
/**
 * Replaying a cassette as a device: a `serve()` handler that plays it to each Telnet client,
 * and {@linkcode playCassette}, which plays the output side for people.
 *
 * @module
 */

import type { Data } from "../expect/results.ts";
import { TelnetCommand, TelnetOption } from "../telnet/constants.ts";
import {
  serve,
  type ServeOptions,
  type TelnetHandler,
  type TelnetServer,
} from "../telnet/server.ts";
import type { Cassette } from "./format.ts";
import { LineEnds, Player } from "./_player.ts";
import { loadCassette } from "./replay.ts";
import { sleep } from "../expect/_session_util.ts";

/**
 * Options of {@linkcode replayHandler}.
 *
 * @example Twice the recorded pace
 * ```ts
 * import type { ReplayHandlerOptions } from "./serve.ts";
 * const options: ReplayHandlerOptions = { speed: 2 };
 * void options;
 * ```
 */
export interface ReplayHandlerOptions {
  /** Pace of the output (see `ReplayOptions.speed`). @default {Infinity} */
  speed?: number;
}

const encoder = new TextEncoder();

/**
 * Builds a `serve()` handler that plays `cassette` to each client: the recorded output up
 * to the next recorded input is sent, then the client's input is matched against the
 * recorded input (line ends CR LF, CR NUL, CR and LF count as the same), and playing goes on
 * when it matches. After the last event the connection is closed. Input that differs ends
 * the connection: the client is sent a line `[dexpect: Replay mismatch at ...]`, and the
 * `ReplayMismatchError` goes to `serve()`'s `onError`.
 *
 * A cassette of a pty, or of a Telnet server that echoed, is served with WILL ECHO, so the
 * client does not echo a second time what the recording holds.
 *
 * @param cassette A cassette, or the path of a `.cast` file (read at once).
 * @param options The pace.
 * @returns The handler, for `serve({ handler })`.
 * @throws {CassetteFormatError} When the file does not parse.
 *
 * @example A recorded device on a loopback port
 * ```ts ignore
 * import { serve } from "@dexpect/dexpect/telnet";
 * import { replayHandler } from "@dexpect/dexpect/cassette";
 * await using device = serve({ handler: replayHandler("cassettes/router.cast"), encoding: null });
 * console.log(`telnet 127.0.0.1 ${device.addr.port}`);
 * ```
 */
export function replayHandler<D extends Data = Uint8Array>(
  cassette: Cassette | string | URL,
  options: ReplayHandlerOptions = {},
): TelnetHandler<D> {
  const c = loadCassette(cassette);
  const t = c.transport;
  const echo = t.type === "pty" || (t.type === "telnet" && t.options.him.includes("ECHO"));
  new Player(c, options); // checks the options now, not per connection
  return async (session) => {
    if (echo) await session.negotiate(TelnetCommand.WILL, TelnetOption.ECHO);
    const player = new Player(c, { speed: options.speed, lineEnds: true });
    const ends = new LineEnds();
    const toClient = (async () => {
      try {
        for (let chunk = await player.next(); chunk !== null; chunk = await player.next()) {
          await session.send(chunk);
        }
      } catch (error) {
        if (!session.eof && !session.closed) throw error; // else the client left: not an error
      }
    })();
    const fromClient = (async () => {
      for await (const chunk of session.chunks({ timeout: null })) {
        try {
          player.input(ends.push(typeof chunk === "string" ? encoder.encode(chunk) : chunk));
        } catch (error) {
          // Tell the person or tool at the other end why the device stops answering.
          await session.send(`\r\n[dexpect: ${(error as Error).message}]\r\n`).catch(() => {});
          throw error;
        }
      }
    })();
    try {
      await Promise.race([toClient, fromClient]);
    } finally {
      player.cancel();
      await session.close();
      await Promise.allSettled([toClient, fromClient]);
    }
  };
}

/**
 * Serves `cassette` over Telnet on a loopback address: `serve()` with
 * {@linkcode replayHandler}, in bytes mode.
 *
 * @param cassette A cassette, or the path of a `.cast` file.
 * @param options `serve()`'s options (but `handler` and `command`) and the pace.
 * @returns The running server.
 * @throws {CassetteFormatError} When the file does not parse.
 * @throws {Deno.errors.AddrInUse} When the port is taken.
 *
 * @example Serve a cassette on a free port
 * ```ts ignore
 * import { serveReplay } from "@dexpect/dexpect/cassette";
 * await using server = serveReplay("cassettes/bash.cast");
 * console.log(server.addr.port);
 * ```
 */
export function serveReplay(
  cassette: Cassette | string | URL,
  options: Omit<ServeOptions<Uint8Array>, "handler" | "command"> & ReplayHandlerOptions = {},
): TelnetServer {
  const { speed, ...rest } = options;
  return serve<Uint8Array>({
    ...rest,
    encoding: null,
    handler: replayHandler<Uint8Array>(cassette, { speed }),
  });
}

/**
 * Options of {@linkcode playCassette}.
 *
 * @example Fast, without long pauses
 * ```ts
 * import type { PlayOptions } from "./serve.ts";
 * const options: PlayOptions = { speed: 2, idleLimit: 1_000 };
 * void options;
 * ```
 */
export interface PlayOptions {
  /** Pace multiplier. @default {1} */
  speed?: number;
  /** Longest pause between two events in milliseconds (asciinema's `-i`). @default {Infinity} */
  idleLimit?: number;
  /** Stops playing; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Plays the output side of a cassette to `writable` at the recorded pace, byte-exact, as
 * `asciinema play` does: for people (`dexpect replay FILE`). Inputs are skipped.
 *
 * @param cassette A cassette, or the path of a `.cast` file.
 * @param writable Where the output goes (e.g. `Deno.stdout.writable`); released, not closed.
 * @param options Pace, idle limit and abort signal.
 * @returns A promise that settles after the last event.
 * @throws {RangeError} If `speed` is not > 0.
 *
 * @example Play into memory
 * ```ts
 * import { parseCassette, playCassette } from "./mod.ts";
 * import { strictEqual } from "node:assert/strict";
 * const cassette = parseCassette('{"version":2,"width":80,"height":24}\n[0,"o","a"]\n[0.01,"o","b"]\n');
 * let shown = "";
 * await playCassette(cassette, new WritableStream({ write: (c) => void (shown += new TextDecoder().decode(c)) }));
 * strictEqual(shown, "ab");
 * ```
 */
export async function playCassette(
  cassette: Cassette | string | URL,
  writable: WritableStream<Uint8Array>,
  options: PlayOptions = {},
): Promise<void> {
  const { speed = 1, idleLimit = Infinity, signal } = options;
  if (!(speed > 0)) throw new RangeError(`Invalid speed: expected a number > 0, got ${speed}`);
  const c = loadCassette(cassette);
  const writer = writable.getWriter();
  try {
    let last = 0;
    for (const e of c.events) {
      if (e.code !== "o" || e.data === null) continue;
      const gap = Math.min(Math.max(0, e.time - last) * 1000 / speed, idleLimit);
      last = e.time;
      if (gap > 0) await sleep(gap, signal);
      signal?.throwIfAborted();
      await writer.write(e.data);
    }
  } finally {
    writer.releaseLock();
  }
}
