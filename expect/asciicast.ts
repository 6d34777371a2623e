// Copyright the dexpect authors. MIT license.
/**
 * Recording sessions as asciicast v2, the format of asciinema's `.cast` files.
 *
 * @module
 */

import type { SessionEvent } from "./observers.ts";
import { type DropNote, StreamSink } from "./_sink.ts";

/**
 * Options of {@linkcode AsciicastRecorder}.
 *
 * @example Record with a title
 * ```ts
 * import type { AsciicastOptions } from "./asciicast.ts";
 *
 * const options: AsciicastOptions = { cols: 120, rows: 40, title: "deploy" };
 * void options;
 * ```
 */
export interface AsciicastOptions {
  /** Terminal width in cells for the header. @default {80} */
  cols?: number;
  /** Terminal height in cells for the header. @default {24} */
  rows?: number;
  /**
   * Whether sent data is recorded as `"i"` events (secrets as `***`), as asciinema's
   * `--stdin`. Even then, nothing sent while the peer's terminal does not echo (a `"send"`
   * event with `echo: false`, e.g. a password typed at a prompt) is recorded.
   * @default {false}
   */
  input?: boolean;
  /** Recording start as Unix time in seconds. @default {the current time} */
  timestamp?: number;
  /** A title for the header. */
  title?: string;
  /** Environment for the header, e.g. `{ SHELL: "/bin/sh", TERM: "xterm-256color" }`. */
  env?: Record<string, string>;
}

const encoder = new TextEncoder();

/**
 * Writes session events as asciicast v2 lines to a `WritableStream<Uint8Array>`: a header
 * `{"version": 2, "width", "height", "timestamp"}`, then `[time, "o" | "i" | "r", data]`
 * events with `time` in seconds since the recorder was created. Output and input are
 * decoded as UTF-8 with streaming decoders, so characters split across chunks survive.
 * Input is left out unless asked for (`input: true`), and then still left out while the
 * terminal's echo is off, like asciinema and script(1).
 *
 * Writing never waits: lines are queued and coalesced as for a `LogTarget` stream. A
 * session applies backpressure through {@linkcode AsciicastRecorder.ready}; events nobody
 * waits for beyond 4 MiB queued are dropped, and a marker event (`"m"`) says how many
 * bytes were lost.
 *
 * Pass its {@linkcode AsciicastRecorder.observe} to a session's observers (the `record`
 * session option does this for you), and call {@linkcode AsciicastRecorder.close} when
 * done: it waits for pending writes and releases the stream without closing it.
 *
 * @example Record to memory
 * ```ts
 * import { AsciicastRecorder } from "./asciicast.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const chunks: Uint8Array[] = [];
 * const sink = new WritableStream<Uint8Array>({ write: (c) => void chunks.push(c) });
 * const rec = new AsciicastRecorder(sink, { cols: 100, rows: 30, timestamp: 1700000000 });
 * rec.observe({ type: "read", data: new TextEncoder().encode("hi\r\n"), time: performance.now() });
 * await rec.close();
 * const lines = chunks.map((c) => new TextDecoder().decode(c)).join("").trim().split("\n");
 * strictEqual(JSON.parse(lines[0]).width, 100);
 * strictEqual(JSON.parse(lines[1])[2], "hi\r\n");
 * ```
 */
export class AsciicastRecorder {
  readonly #sink: StreamSink;
  readonly #origin: number;
  readonly #input: boolean;
  readonly #out = new TextDecoder();
  readonly #in = new TextDecoder();
  #closed = false;

  /**
   * Creates the recorder and writes the header.
   *
   * @param writable Where the `.cast` lines go; locked until {@linkcode close}.
   * @param options Header fields and whether input is recorded.
   * @throws {TypeError} If `writable` is already locked.
   */
  constructor(writable: WritableStream<Uint8Array>, options: AsciicastOptions = {}) {
    this.#sink = new StreamSink(writable, this.#dropNote);
    this.#origin = performance.now();
    this.#input = options.input ?? false;
    const header: Record<string, unknown> = {
      version: 2,
      width: options.cols ?? 80,
      height: options.rows ?? 24,
      timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
    };
    if (options.title !== undefined) header.title = options.title;
    if (options.env !== undefined) header.env = options.env;
    this.#line(header);
    this.observe = this.observe.bind(this);
  }

  /**
   * Records one event: `"read"` as `"o"`, `"send"` as `"i"` (when input is recorded),
   * `"resize"` as `"r"` with `"COLSxROWS"`. Usable directly as a session observer.
   *
   * @param event The event.
   */
  observe(event: SessionEvent): void {
    if (this.#closed) return;
    const t = Math.max(0, (event.time - this.#origin) / 1000);
    const time = Math.round(t * 1e6) / 1e6;
    if (event.type === "read") {
      const text = this.#out.decode(event.data, { stream: true });
      if (text.length > 0) this.#line([time, "o", text]);
    } else if (event.type === "send") {
      if (!this.#input || event.echo === false) return;
      const text = this.#in.decode(event.data, { stream: true });
      if (text.length > 0) this.#line([time, "i", text]);
    } else {
      this.#line([time, "r", `${event.cols}x${event.rows}`]);
    }
  }

  /**
   * Backpressure for whoever feeds the recorder: `undefined` while less than 1 MiB waits
   * for the stream, otherwise a promise that resolves when less does (or the recorder is
   * closed). A session awaits it before reading more output.
   *
   * @returns `undefined`, or a promise to await before feeding more.
   */
  ready(): Promise<void> | undefined {
    return this.#sink.ready();
  }

  /**
   * Stops recording: waits for pending writes (at most 2 s) and releases the stream (not
   * closed). Idempotent.
   *
   * @returns A promise that settles when the stream is released.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#sink.close();
  }

  #line(value: unknown): void {
    this.#sink.write(this.#encode(value));
  }

  #encode(value: unknown): Uint8Array {
    return encoder.encode(JSON.stringify(value) + "\n");
  }

  readonly #dropNote: DropNote = (dropped) => {
    const time = Math.round((performance.now() - this.#origin) * 1e3) / 1e6;
    return this.#encode([time, "m", `dexpect: ${dropped} bytes of events not recorded`]);
  };
}
