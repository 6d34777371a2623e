/**
 * The Telnet receive state machine (RFC 854 and RFC 855): bytes in, calls to a handler out.
 * It never touches a socket, a timer or a `Deno` API, and knows nothing of option state except
 * whether the peer sends in BINARY mode.
 *
 * @module
 */

import { TelnetCommand, telnetCommandName, telnetOptionName } from "./constants.ts";
import { InPlaceData } from "./_in_place.ts";
import {
  DEFAULT_MAX_SUBNEGOTIATION_BYTES,
  type TelnetParserHandler,
  type TelnetParserOptions,
} from "./parser_handler.ts";

export {
  DEFAULT_MAX_SUBNEGOTIATION_BYTES,
  type TelnetErrorCode,
  type TelnetParserHandler,
  type TelnetParserOptions,
} from "./parser_handler.ts";

const IAC = 255;
const CR = 13;
const NUL = 0;
const { WILL, DONT, SB, SE } = TelnetCommand;

const S_DATA = 0;
const S_IAC = 1;
const S_NEG = 2;
const S_SB_OPTION = 3;
const S_SB = 4;
const S_SB_IAC = 5;

/** Largest subnegotiation buffer kept between subnegotiations, in bytes. */
const KEEP_BUFFER_BYTES = 1024;

/**
 * A resumable Telnet receive state machine (RFC 854 "TELNET COMMAND STRUCTURE", RFC 855
 * subnegotiation). Feed it chunks of any size and split; it calls its handler in stream order.
 *
 * Data between commands is found with one `indexOf(255)` scan per chunk and delivered as
 * `subarray` views, so a chunk with no IAC costs one scan and one view. IAC IAC becomes one
 * 255 data byte (the view simply starts at the second IAC).
 *
 * Unless {@linkcode TelnetParser.binary} is set (the peer has BINARY enabled, RFC 856), the
 * NVT rule of RFC 854 is undone on receipt: CR NUL becomes CR, while CR LF is kept as is and
 * other NUL bytes pass through. A CR that ends a chunk is delivered at once, and a NUL that
 * then starts the next data is dropped; commands between the two are transparent. So feeding
 * any split of a stream yields the same concatenated data and the same other calls in the same
 * places.
 *
 * Memory is bounded: data is never buffered, and a subnegotiation holds at most
 * `maxSubnegotiationBytes`.
 *
 * @example Decode a chunk
 * ```ts
 * import { TelnetParser } from "./parser.ts";
 * import assert from "node:assert/strict";
 *
 * const seen: string[] = [];
 * const parser = new TelnetParser({
 *   data: (bytes) => seen.push(new TextDecoder().decode(bytes)),
 *   command: (command) => seen.push(`cmd ${command}`),
 *   negotiation: (command, option) => seen.push(`neg ${command} ${option}`),
 *   subnegotiation: (option, payload) => seen.push(`sb ${option} ${[...payload]}`),
 *   error: (code) => seen.push(code),
 * });
 * parser.feed(Uint8Array.of(104, 105, 255, 253, 31, 255, 250, 24, 1, 255, 240));
 * assert.deepEqual(seen, ["hi", "neg 253 31", "sb 24 1"]);
 * ```
 */
export class TelnetParser {
  /**
   * Whether the peer sends in BINARY mode (RFC 856): CR NUL is then left as is. May be changed
   * at any time, including from a handler call; it applies to the data that follows.
   */
  binary: boolean;
  #handler: TelnetParserHandler;
  #max: number;
  #state = S_DATA;
  #negotiation = 0;
  #sbOption = 0;
  #sb: Uint8Array | null = null;
  #sbLength = 0;
  #sbDiscard = false;
  #afterCr = false;
  #nulAt = -1;
  /** Whether `feedInPlace` is running, and its data path (made on first use). */
  #inPlace = false;
  #ip: InPlaceData | null = null;

  /**
   * Create a parser in the data state.
   *
   * @param handler Receives everything decoded.
   * @param options The subnegotiation limit and the initial BINARY mode.
   * @throws {RangeError} If `maxSubnegotiationBytes` is not a non-negative integer.
   *
   * @example A parser for a BINARY peer
   * ```ts
   * import { TelnetParser } from "./parser.ts";
   * import assert from "node:assert/strict";
   *
   * const chunks: number[][] = [];
   * const parser = new TelnetParser({
   *   data: (d) => chunks.push([...d]),
   *   command: () => {},
   *   negotiation: () => {},
   *   subnegotiation: () => {},
   *   error: () => {},
   * }, { binary: true });
   * parser.feed(Uint8Array.of(13, 0));
   * assert.deepEqual(chunks, [[13, 0]]);
   * ```
   */
  constructor(handler: TelnetParserHandler, options: TelnetParserOptions = {}) {
    const max = options.maxSubnegotiationBytes ?? DEFAULT_MAX_SUBNEGOTIATION_BYTES;
    if (!Number.isSafeInteger(max) || max < 0) {
      throw new RangeError(
        "Cannot create TelnetParser: maxSubnegotiationBytes must be a non-negative integer, " +
          `got ${max}`,
      );
    }
    this.#handler = handler;
    this.#max = max;
    this.binary = options.binary ?? false;
  }

  /**
   * Bytes of memory held for an incomplete subnegotiation; at most `maxSubnegotiationBytes`.
   *
   * @returns The size of the internal buffer in bytes.
   * @throws Never.
   *
   * @example Memory held mid-subnegotiation
   * ```ts
   * import { TelnetParser } from "./parser.ts";
   * import assert from "node:assert/strict";
   *
   * const noop = () => {};
   * const parser = new TelnetParser({
   *   data: noop,
   *   command: noop,
   *   negotiation: noop,
   *   subnegotiation: noop,
   *   error: noop,
   * });
   * parser.feed(Uint8Array.of(255, 250, 24, 1, 2, 3));
   * assert.ok(parser.bufferedBytes >= 3);
   * ```
   */
  get bufferedBytes(): number {
    return this.#sb?.length ?? 0;
  }

  /**
   * Decode the next chunk of the stream, calling the handler for everything complete in it.
   *
   * @param chunk The next bytes received; views of it reach the handler's `data`.
   * @throws Only what the handler throws (a handler should not throw).
   *
   * @example Split anywhere
   * ```ts
   * import { TelnetParser } from "./parser.ts";
   * import assert from "node:assert/strict";
   *
   * const seen: number[][] = [];
   * const noop = () => {};
   * const parser = new TelnetParser({
   *   data: noop,
   *   command: noop,
   *   negotiation: (command, option) => seen.push([command, option]),
   *   subnegotiation: noop,
   *   error: noop,
   * });
   * parser.feed(Uint8Array.of(255));
   * parser.feed(Uint8Array.of(251));
   * parser.feed(Uint8Array.of(1));
   * assert.deepEqual(seen, [[251, 1]]);
   * ```
   */
  feed(chunk: Uint8Array): void {
    this.#inPlace = false;
    this.#feed(chunk);
  }

  /**
   * Like {@linkcode TelnetParser.feed}, for a chunk the caller owns and will not reuse: the
   * data is unescaped in place, moved to the front of `chunk` (IAC IAC becomes one 255, CR NUL
   * becomes CR outside BINARY mode), and reaches the handler as one view per run of data
   * between commands, instead of one per escape. The other calls and the concatenated data
   * are exactly those of `feed`. `chunk` is overwritten.
   *
   * @param chunk The next bytes received; rewritten, and views of its front reach `data`.
   * @throws Only what the handler throws (a handler should not throw).
   *
   * @example One data run for many escapes
   * ```ts
   * import { TelnetParser } from "./parser.ts";
   * import assert from "node:assert/strict";
   *
   * const runs: number[][] = [];
   * const noop = () => {};
   * const parser = new TelnetParser({
   *   data: (d) => runs.push([...d]),
   *   command: noop,
   *   negotiation: noop,
   *   subnegotiation: noop,
   *   error: noop,
   * });
   * parser.feedInPlace(Uint8Array.of(65, 255, 255, 66, 255, 255, 67)); // A IAC IAC B IAC IAC C
   * assert.deepEqual(runs, [[65, 255, 66, 255, 67]]);
   * ```
   */
  feedInPlace(chunk: Uint8Array): void {
    const ip = this.#ip ??= new InPlaceData();
    this.#inPlace = true;
    ip.begin(chunk, this.#afterCr);
    try {
      this.#feed(chunk);
      this.#flush(chunk);
    } finally {
      this.#inPlace = false;
      this.#afterCr = ip.end();
    }
  }

  #feed(chunk: Uint8Array): void {
    const h = this.#handler;
    const n = chunk.length;
    let i = 0;
    let start = 0;
    this.#nulAt = -1;
    while (i < n) {
      switch (this.#state) {
        case S_DATA: {
          if (this.#inPlace) {
            i = start = this.#ip!.data(chunk, i, n, !this.binary);
            if (i < n) {
              this.#state = S_IAC;
              i = start = i + 1;
            }
            break;
          }
          const j = chunk.indexOf(IAC, i);
          if (j < 0) {
            if (n > start) this.#data(chunk, start, n);
            i = start = n;
          } else {
            if (j > start) this.#data(chunk, start, j);
            this.#state = S_IAC;
            i = start = j + 1;
          }
          break;
        }
        case S_IAC: {
          const b = chunk[i++];
          if (b === IAC) {
            this.#state = S_DATA;
            start = i - 1;
            if (this.#inPlace) {
              this.#ip!.escape(chunk);
              start = i;
            }
          } else if (b >= WILL && b <= DONT) {
            this.#negotiation = b;
            this.#state = S_NEG;
          } else if (b === SB) {
            this.#state = S_SB_OPTION;
          } else {
            this.#state = S_DATA;
            start = i;
            this.#flush(chunk);
            if (b === SE) h.error("violation", "Ignored IAC SE: no subnegotiation in progress");
            else h.command(b);
          }
          break;
        }
        case S_NEG: {
          this.#state = S_DATA;
          start = i + 1;
          this.#flush(chunk);
          h.negotiation(this.#negotiation, chunk[i++]);
          break;
        }
        case S_SB_OPTION: {
          this.#sbOption = chunk[i++];
          this.#sbLength = 0;
          this.#sbDiscard = false;
          this.#state = S_SB;
          break;
        }
        case S_SB: {
          const j = chunk.indexOf(IAC, i);
          const end = j < 0 ? n : j;
          if (end > i) this.#append(chunk, i, end);
          if (j < 0) {
            i = n;
          } else {
            this.#state = S_SB_IAC;
            i = j + 1;
          }
          break;
        }
        default: {
          const b = chunk[i++];
          if (b === SE) {
            this.#state = S_DATA;
            start = i;
            this.#flush(chunk);
            this.#endSubnegotiation();
          } else if (b === IAC) {
            this.#state = S_SB;
            this.#append(chunk, i - 1, i);
          } else {
            this.#state = S_IAC;
            i--;
            const name = telnetOptionName(this.#sbOption);
            this.#dropSubnegotiation();
            this.#flush(chunk);
            h.error(
              "violation",
              `Dropped subnegotiation ${name}: got IAC ${
                telnetCommandName(b)
              } inside it, expected IAC SE`,
            );
          }
        }
      }
    }
    if (this.#state === S_DATA && n > start && !this.#inPlace) this.#data(chunk, start, n);
  }

  /**
   * Signal the end of the stream. A command or subnegotiation still incomplete is reported as
   * a `"truncated"` error (never thrown), and the parser returns to its initial state.
   *
   * @throws Only what the handler throws (a handler should not throw).
   *
   * @example Closed mid-command
   * ```ts
   * import { TelnetParser } from "./parser.ts";
   * import assert from "node:assert/strict";
   *
   * const errors: string[] = [];
   * const noop = () => {};
   * const parser = new TelnetParser({
   *   data: noop,
   *   command: noop,
   *   negotiation: noop,
   *   subnegotiation: noop,
   *   error: (code) => errors.push(code),
   * });
   * parser.feed(Uint8Array.of(255, 253));
   * parser.end();
   * assert.deepEqual(errors, ["truncated"]);
   * ```
   */
  end(): void {
    const state = this.#state;
    let message = "";
    if (state === S_IAC) message = "IAC without a command byte";
    else if (state === S_NEG) {
      message = `IAC ${telnetCommandName(this.#negotiation)} without an option byte`;
    } else if (state === S_SB_OPTION) message = "IAC SB without an option byte";
    else if (state === S_SB || state === S_SB_IAC) {
      message = `subnegotiation ${telnetOptionName(this.#sbOption)} without IAC SE` +
        (this.#sbDiscard ? "" : ` (${plural(this.#sbLength, "payload byte")} dropped)`);
    }
    this.#state = S_DATA;
    this.#afterCr = false;
    this.#dropSubnegotiation();
    if (message) {
      this.#handler.error("truncated", `Incomplete sequence at end of stream: ${message}`);
    }
  }

  #data(chunk: Uint8Array, start: number, end: number): void {
    if (this.binary) {
      this.#afterCr = false;
      this.#handler.data(chunk.subarray(start, end));
      return;
    }
    if (this.#afterCr && chunk[start] === NUL) start++;
    this.#afterCr = chunk[end - 1] === CR;
    if (this.#nulAt < start) {
      const z = chunk.indexOf(NUL, start);
      this.#nulAt = z < 0 ? chunk.length : z;
    }
    if (this.#nulAt >= end) {
      if (end > start) this.#handler.data(chunk.subarray(start, end));
    } else {
      this.#dataWithNul(chunk, start, end);
    }
  }

  /** The slow path of #data: the segment holds a NUL, maybe after a CR. */
  #dataWithNul(chunk: Uint8Array, start: number, end: number): void {
    for (let z = this.#nulAt; z < end;) {
      if (z > start && chunk[z - 1] === CR) {
        this.#handler.data(chunk.subarray(start, z));
        start = z + 1;
      }
      const next = chunk.indexOf(NUL, z + 1);
      this.#nulAt = z = next < 0 ? chunk.length : next;
    }
    if (end > start) this.#handler.data(chunk.subarray(start, end));
  }

  /** `feedInPlace`: hands the data moved since the last call to the handler. */
  #flush(chunk: Uint8Array): void {
    if (!this.#inPlace) return;
    const ip = this.#ip!;
    if (ip.w > ip.run) this.#handler.data(chunk.subarray(ip.run, ip.w));
    ip.take();
  }

  #append(chunk: Uint8Array, from: number, to: number): void {
    if (this.#sbDiscard) return;
    const length = this.#sbLength + to - from;
    if (length > this.#max) {
      this.#dropSubnegotiation();
      this.#sbDiscard = true;
      this.#flush(chunk);
      this.#handler.error(
        "overflow",
        `Discarded subnegotiation ${
          telnetOptionName(this.#sbOption)
        }: payload exceeds ${this.#max} bytes`,
      );
      return;
    }
    let sb = this.#sb;
    if (sb === null || sb.length < length) {
      const grown = new Uint8Array(
        Math.min(this.#max, Math.max(64, length, (sb?.length ?? 0) * 2)),
      );
      if (sb !== null) grown.set(sb.subarray(0, this.#sbLength));
      this.#sb = sb = grown;
    }
    sb.set(chunk.subarray(from, to), this.#sbLength);
    this.#sbLength = length;
  }

  #endSubnegotiation(): void {
    if (this.#sbDiscard) {
      this.#sbDiscard = false;
      return;
    }
    const payload = this.#sb === null ? new Uint8Array(0) : this.#sb.slice(0, this.#sbLength);
    if (this.#sb !== null && this.#sb.length > KEEP_BUFFER_BYTES) this.#sb = null;
    this.#sbLength = 0;
    this.#handler.subnegotiation(this.#sbOption, payload);
  }

  #dropSubnegotiation(): void {
    if (this.#sb !== null && this.#sb.length > KEEP_BUFFER_BYTES) this.#sb = null;
    this.#sbLength = 0;
    this.#sbDiscard = false;
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
