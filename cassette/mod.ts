// Copyright the dexpect authors. MIT license.
/**
 * Cassettes: record a real session once, replay it offline, deterministically, as a session
 * or as a Telnet device. A layer above `expect/`, `pty/` and `telnet/`, which never import it.
 *
 * - The format: asciicast v2 (`asciinema play` plays it) with `"o"`, `"i"` and `"r"`
 *   events and a `"dexpect"` header field (transport, exit status, markers for byte-exact
 *   and secret events): {@linkcode parseCassette}, {@linkcode formatCassette}.
 * - Recording: {@linkcode CassetteRecorder}, a session observer.
 * - Replay as a session: {@linkcode replay} returns a {@linkcode ReplaySession}; sends are
 *   matched against the recorded input ({@linkcode ReplayMismatchError}).
 * - VCR modes: {@linkcode spawn} and {@linkcode connect} take a `cassette` option and record
 *   the first run (`record: "once" | "none" | "all"`, or `DEXPECT_RECORD` and
 *   `DEXPECT_CASSETTE_DIR`).
 * - Replay as a device: {@linkcode replayHandler} for `serve()`, {@linkcode serveReplay};
 *   {@linkcode playCassette} plays the output for people.
 *
 * @example Replay a recorded shell session offline
 * ```ts
 * import { parseCassette, replay } from "./mod.ts";
 * import { EOF } from "../expect/patterns.ts";
 * import { strictEqual } from "node:assert/strict";
 * const cassette = parseCassette([
 *   '{"version":2,"width":80,"height":24,"dexpect":{"version":1,"transport":{"type":"pty","command":["sh"],"cols":80,"rows":24},"exitStatus":{"code":3,"signal":null}}}',
 *   '[0.01,"o","$ "]', '[0.2,"i","exit 3\\n"]', '[0.21,"o","exit 3\\r\\n"]',
 * ].join("\n"));
 * await using sh = replay(cassette);
 * await sh.expect("$ ");
 * await sh.sendLine("exit 3");
 * const end = await sh.expect(EOF);
 * strictEqual(end.exitStatus?.code, 3);
 * ```
 *
 * @module
 */
export {
  BYTES_MARKER,
  type Cassette,
  type CassetteEvent,
  CassetteFormatError,
  type CassetteTransport,
  formatCassette,
  parseCassette,
  SECRET_MARKER,
} from "./format.ts";
export { CassetteNotFoundError, ReplayMismatchError, type ReplayPosition } from "./errors.ts";
export { CassetteRecorder, type CassetteRecorderOptions } from "./recorder.ts";
export { loadCassette, replay, type ReplayOptions, ReplaySession } from "./replay.ts";
export {
  type CassetteOption,
  type CassetteSpec,
  connect,
  type RecordMode,
  resolveCassette,
  type ResolvedCassette,
  spawn,
} from "./vcr.ts";
export {
  playCassette,
  type PlayOptions,
  replayHandler,
  type ReplayHandlerOptions,
  serveReplay,
} from "./serve.ts";
