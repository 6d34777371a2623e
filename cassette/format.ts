// Copyright the dexpect authors. MIT license.
/**
 * The cassette format: an asciicast v2 file (so `asciinema play` still plays it) with a
 * `"dexpect"` header field that names the transport and the exit status, and two markers
 * that let output and input survive byte for byte.
 *
 * A cassette file is asciinema's newline-delimited JSON: a header object, then events
 * `[time, code, data]` with `time` in seconds from the start and `code` one of `"o"`
 * (output), `"i"` (input), `"r"` (resize, `"COLSxROWS"`) or `"m"` (marker). dexpect adds:
 *
 * ```json
 * {"version": 2, "width": 80, "height": 24, "timestamp": 1700000000,
 *  "dexpect": {"version": 1,
 *              "transport": {"type": "pty", "command": ["bash", "--norc"], "cols": 80, "rows": 24},
 *              "exitStatus": {"code": 0, "signal": null},
 *              "bytes": "\u001b_dexpect:base64:",
 *              "secret": "\u001b_dexpect:secret\u001b\\"}}
 * ```
 *
 * - `transport`: `{"type": "pty", command, cols, rows}`, or `{"type": "telnet", host, port,
 *   options: {us: [...], him: [...]}}` with the names of the options agreed (RFC 1143 state
 *   YES) on each side, or `{"type": "session"}` for any other channel.
 * - `exitStatus`: how the peer ended (`null` when unknown, as for Telnet).
 * - `bytes` marks an encoded event: an `"o"` or `"i"` event whose data starts with this
 *   prefix carries its exact bytes as base64 up to the terminator `ESC \`; the rest of the
 *   data is the same bytes decoded as UTF-8 with U+FFFD for invalid sequences, for players.
 *   The prefix opens an APC string (`ESC _ ... ESC \`), which terminals ignore, so
 *   `asciinema play` shows what a terminal showed. Events that are valid UTF-8 are stored
 *   as plain text.
 * - `secret` is the data of an `"i"` event sent with `{ secret: true }`: the secret itself is
 *   never stored, and on replay any input matches there.
 *
 * A file without the `"dexpect"` field (any asciinema recording) is read as plain text
 * events of a `"session"` transport.
 *
 * @module
 */

import type { ExitStatus } from "../expect/channel.ts";

/** The APC prefix of an event whose exact bytes follow in base64 (see the module docs). */
export const BYTES_MARKER = "\x1b_dexpect:base64:";
/** What an `"i"` event of a secret input holds instead of the secret. */
export const SECRET_MARKER = "\x1b_dexpect:secret\x1b\\";
const APC_END = "\x1b\\";

/**
 * The transport a cassette was recorded on, from its header's `dexpect.transport`.
 *
 * @example A pty transport
 * ```ts
 * import type { CassetteTransport } from "./format.ts";
 * const t: CassetteTransport = { type: "pty", command: ["bash"], cols: 80, rows: 24 };
 * void t;
 * ```
 */
export type CassetteTransport =
  | {
    /** A program in a pseudo-terminal. */
    readonly type: "pty";
    /** Its argv. */
    readonly command: readonly string[];
    /** Terminal width in cells at the start. */
    readonly cols: number;
    /** Terminal height in cells at the start. */
    readonly rows: number;
  }
  | {
    /** A Telnet connection. */
    readonly type: "telnet";
    /** The host connected to. */
    readonly host: string;
    /** The TCP port. */
    readonly port: number;
    /** Names of the options agreed on each side (RFC 1143 state YES), e.g. `"ECHO"`. */
    readonly options: { readonly us: readonly string[]; readonly him: readonly string[] };
  }
  | {
    /** Any other channel. */
    readonly type: "session";
  };

/**
 * One event of a cassette. `data` holds exact bytes for `"o"` and `"i"` (`null` for a secret
 * input), `text` the data as stored (for `"r"`: `"COLSxROWS"`, for `"m"`: the label).
 *
 * @example An output event
 * ```ts
 * import type { CassetteEvent } from "./format.ts";
 * const e: CassetteEvent = { time: 0.5, code: "o", data: new TextEncoder().encode("$ "), text: "$ " };
 * void e;
 * ```
 */
export interface CassetteEvent {
  /** Seconds since the start of the recording. */
  readonly time: number;
  /** `"o"` output, `"i"` input, `"r"` resize, `"m"` marker. */
  readonly code: "o" | "i" | "r" | "m";
  /** Exact bytes of an `"o"`/`"i"` event; `null` for a secret input or other codes. */
  readonly data: Uint8Array | null;
  /** The event's data as a string (what a player shows). */
  readonly text: string;
  /** The 1-based line of the file it was read from, if read from one. */
  readonly line?: number;
}

/**
 * A cassette in memory: the header fields dexpect uses and the events.
 *
 * @example Build one by hand
 * ```ts
 * import { type Cassette, formatCassette } from "./format.ts";
 * const cassette: Cassette = {
 *   cols: 80, rows: 24, timestamp: 1700000000,
 *   transport: { type: "session" }, exitStatus: null,
 *   events: [{ time: 0, code: "o", data: new TextEncoder().encode("hi\r\n"), text: "hi\r\n" }],
 * };
 * console.log(formatCassette(cassette));
 * ```
 */
export interface Cassette {
  /** Terminal width in cells (`width`). */
  readonly cols: number;
  /** Terminal height in cells (`height`). */
  readonly rows: number;
  /** Start of the recording, Unix time in seconds. */
  readonly timestamp: number;
  /** The header's `title`, if any. */
  readonly title?: string;
  /** What was recorded. */
  readonly transport: CassetteTransport;
  /** How the peer ended, `null` when unknown. */
  readonly exitStatus: ExitStatus | null;
  /** The events, in order. */
  readonly events: readonly CassetteEvent[];
  /** Where the cassette was read from, for error messages. */
  readonly source?: string;
}

/**
 * A cassette file that does not parse.
 *
 * @example Catch it
 * ```ts
 * import { CassetteFormatError, parseCassette } from "./format.ts";
 * import { throws } from "node:assert/strict";
 * throws(() => parseCassette("not json"), CassetteFormatError);
 * ```
 */
export class CassetteFormatError extends Error {
  /** The error class name, `"CassetteFormatError"`. */
  override name = "CassetteFormatError";
  /** The 1-based line that is wrong. */
  readonly line: number;

  /**
   * Creates the error.
   *
   * @param message What is wrong.
   * @param line The 1-based line.
   * @param source The file, if known.
   */
  constructor(message: string, line: number, source?: string) {
    super(`Cannot read cassette${source ? ` ${source}` : ""}: line ${line}: ${message}`);
    this.line = line;
  }
}

const lossy = new TextDecoder();

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * The data string of an `"o"`/`"i"` event for `bytes`: the text itself when `text` (its
 * strict UTF-8 decoding) is given and does not start with the marker, else the marked base64
 * form followed by a lossy decoding for players.
 */
export function encodeEventData(bytes: Uint8Array, text: string | null): string {
  if (text !== null && !text.startsWith(BYTES_MARKER) && !text.startsWith(SECRET_MARKER)) {
    return text;
  }
  return BYTES_MARKER + toBase64(bytes) + APC_END + lossy.decode(bytes);
}

/** Exact bytes of an event's stored data, `null` for the secret placeholder. */
function decodeEventData(
  text: string,
  markers: { bytes: string; secret: string } | null,
): Uint8Array | null | undefined {
  if (markers === null) return undefined;
  if (text === markers.secret) return null;
  if (!text.startsWith(markers.bytes)) return undefined;
  const end = text.indexOf(APC_END, markers.bytes.length);
  if (end < 0) return undefined;
  try {
    return fromBase64(text.slice(markers.bytes.length, end));
  } catch {
    return undefined;
  }
}

/** The header line of a cassette (without the newline). */
export function formatHeader(cassette: Omit<Cassette, "events">): string {
  const header: Record<string, unknown> = {
    version: 2,
    width: cassette.cols,
    height: cassette.rows,
    timestamp: cassette.timestamp,
  };
  if (cassette.title !== undefined) header.title = cassette.title;
  header.dexpect = {
    version: 1,
    transport: cassette.transport,
    exitStatus: cassette.exitStatus,
    bytes: BYTES_MARKER,
    secret: SECRET_MARKER,
  };
  return JSON.stringify(header);
}

/** One event line (without the newline). */
export function formatEvent(event: CassetteEvent): string {
  const time = Math.round(event.time * 1e6) / 1e6;
  let data = event.text;
  if (event.code === "o" || event.code === "i") {
    data = event.data === null ? SECRET_MARKER : encodeEventData(event.data, strict(event.data));
  }
  return JSON.stringify([time, event.code, data]);
}

const strictDecoder = new TextDecoder("utf-8", { fatal: true });
function strict(bytes: Uint8Array): string | null {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Writes a cassette as the text of a `.cast` file.
 *
 * @param cassette The cassette.
 * @returns The file's text, one JSON value per line.
 *
 * @example Round trip
 * ```ts
 * import { formatCassette, parseCassette } from "./format.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * const bytes = new Uint8Array([0x61, 0xff, 0x62]); // not UTF-8
 * const text = formatCassette({
 *   cols: 80, rows: 24, timestamp: 0, transport: { type: "session" }, exitStatus: null,
 *   events: [{ time: 0, code: "o", data: bytes, text: "" }],
 * });
 * deepStrictEqual(parseCassette(text).events[0].data, bytes);
 * ```
 */
export function formatCassette(cassette: Cassette): string {
  return [formatHeader(cassette), ...cassette.events.map(formatEvent)].join("\n") + "\n";
}

const encoder = new TextEncoder();
const CODES = new Set(["o", "i", "r", "m"]);

/**
 * Reads the text of a `.cast` file (asciicast v2). Unknown header fields and event codes
 * are ignored; a file recorded by asciinema reads as a `"session"` transport.
 *
 * @param text The file's text.
 * @param source The file's name, for error messages.
 * @returns The cassette.
 * @throws {CassetteFormatError} When a line is not JSON, the header is not asciicast v2, or
 *   an event is not `[time, code, data]`.
 *
 * @example Read an asciinema recording
 * ```ts
 * import { parseCassette } from "./format.ts";
 * import { strictEqual } from "node:assert/strict";
 * const c = parseCassette('{"version":2,"width":80,"height":24}\n[0.1,"o","hello"]\n');
 * strictEqual(c.events[0].text, "hello");
 * ```
 */
export function parseCassette(text: string, source?: string): Cassette {
  const lines = text.split("\n");
  const json = (i: number): unknown => {
    try {
      return JSON.parse(lines[i]);
    } catch (error) {
      throw new CassetteFormatError(`not JSON (${(error as Error).message})`, i + 1, source);
    }
  };
  const header = json(0) as Record<string, unknown> | null;
  if (header === null || typeof header !== "object" || header.version !== 2) {
    throw new CassetteFormatError("expected an asciicast v2 header", 1, source);
  }
  const own = (header.dexpect ?? null) as Record<string, unknown> | null;
  const markers = own === null ? null : {
    bytes: typeof own.bytes === "string" ? own.bytes : BYTES_MARKER,
    secret: typeof own.secret === "string" ? own.secret : SECRET_MARKER,
  };
  const events: CassetteEvent[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    const e = json(i);
    if (
      !Array.isArray(e) || typeof e[0] !== "number" || !Number.isFinite(e[0]) ||
      typeof e[1] !== "string" || typeof e[2] !== "string"
    ) {
      throw new CassetteFormatError("expected an event [time, code, data]", i + 1, source);
    }
    if (!CODES.has(e[1])) continue;
    const code = e[1] as CassetteEvent["code"];
    let data: Uint8Array | null = null;
    if (code === "o" || code === "i") {
      const exact = decodeEventData(e[2], markers);
      data = exact === undefined ? encoder.encode(e[2]) : exact;
      if (data === null && code === "o") data = new Uint8Array(0);
    }
    events.push({ time: e[0], code, data, text: e[2], line: i + 1 });
  }
  return {
    cols: typeof header.width === "number" ? header.width : 80,
    rows: typeof header.height === "number" ? header.height : 24,
    timestamp: typeof header.timestamp === "number" ? header.timestamp : 0,
    ...(typeof header.title === "string" ? { title: header.title } : {}),
    transport: (own?.transport ?? { type: "session" }) as CassetteTransport,
    exitStatus: (own?.exitStatus ?? null) as ExitStatus | null,
    events,
    ...(source === undefined ? {} : { source }),
  };
}
