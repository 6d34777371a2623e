// Copyright the dexpect authors. MIT license.
/**
 * Recording a session as a cassette file, on the public observer API.
 *
 * @module
 */

import type { ExitStatus } from "../expect/channel.ts";
import type { SessionEvent } from "../expect/observers.ts";
import {
  type CassetteEvent,
  type CassetteTransport,
  formatEvent,
  formatHeader,
  SECRET_MARKER,
} from "./format.ts";
import { completeUtf8Length, concatBytes } from "../expect/_codec.ts";
import { Redactor } from "../expect/_redact.ts";

/**
 * Options of {@linkcode CassetteRecorder}.
 *
 * @example A pty recording
 * ```ts
 * import type { CassetteRecorderOptions } from "./recorder.ts";
 * const o: CassetteRecorderOptions = { transport: { type: "pty", command: ["sh"], cols: 80, rows: 24 } };
 * void o;
 * ```
 */
export interface CassetteRecorderOptions {
  /** What is recorded; may be replaced when finishing. @default {{ type: "session" }} */
  transport?: CassetteTransport;
  /** Terminal width in cells for the header. @default {80} */
  cols?: number;
  /** Terminal height in cells for the header. @default {24} */
  rows?: number;
  /** A title for the header. */
  title?: string;
}

const FLUSH_BYTES = 256 * 1024;
const encoder = new TextEncoder();

/** Splits a byte stream into events that are valid UTF-8 where the stream is. */
class EventSplitter {
  #carry: Uint8Array = new Uint8Array(0);

  /** The bytes to record now (text when valid), holding back a split character. */
  push(data: Uint8Array): Uint8Array {
    const bytes = this.#carry.length > 0 ? concatBytes(this.#carry, data) : data;
    const complete = completeUtf8Length(bytes);
    this.#carry = bytes.slice(complete);
    return bytes.subarray(0, complete);
  }

  /** What is held back. */
  flush(): Uint8Array {
    const rest = this.#carry;
    this.#carry = new Uint8Array(0);
    return rest;
  }
}

/**
 * Records a session as a cassette file (see `format.ts`): pass
 * {@linkcode CassetteRecorder.observe} to the session's observers, then call
 * {@linkcode CassetteRecorder.finish} with the exit status. Events go to a `.part` file
 * next to `path` as they happen (at most 256 KiB are held in memory); `finish()` writes the
 * header, which carries the exit status, and the events to `path` and renames it into place,
 * so `path` never holds half a cassette. Inputs sent with `{ secret: true }` are stored as
 * the secret placeholder: the recorder only ever sees `***` for them. A session already shows
 * the peer's echo of those secrets as `***` to its observers; a secret the session does not
 * know (output recorded from elsewhere) can be given to {@linkcode CassetteRecorder.addSecret}
 * and is replaced with `***` there too.
 *
 * Needs `--allow-write` (and `--allow-read` to copy the events).
 *
 * @example Record a session
 * ```ts
 * import { CassetteRecorder } from "./recorder.ts";
 * import { Session } from "../expect/session.ts";
 * const dir = await Deno.makeTempDir();
 * const recorder = new CassetteRecorder(`${dir}/hello.cast`);
 * const peer = { readable: ReadableStream.from([new TextEncoder().encode("hi\n")]), writable: new WritableStream() };
 * await using session = new Session(peer, { observers: [recorder.observe] });
 * await session.expect("hi");
 * await recorder.finish({ code: 0, signal: null });
 * console.log(await Deno.readTextFile(`${dir}/hello.cast`));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class CassetteRecorder {
  /** The file written by {@linkcode CassetteRecorder.finish}. */
  readonly path: string;
  readonly #part: string;
  readonly #origin = performance.now();
  readonly #timestamp = Math.floor(Date.now() / 1000);
  readonly #options: CassetteRecorderOptions;
  readonly #out = new EventSplitter();
  readonly #in = new EventSplitter();
  readonly #redactor = new Redactor();
  #file: Deno.FsFile | undefined;
  #lines: string[] = [];
  #pending = 0;
  #done = false;
  #failure: unknown;

  /**
   * Creates the recorder; nothing is written until the first event.
   *
   * @param path The cassette file to write (its directory must exist).
   * @param options The transport and terminal size for the header.
   */
  constructor(path: string | URL, options: CassetteRecorderOptions = {}) {
    this.path = path instanceof URL ? decodeURIComponent(path.pathname) : path;
    this.#part = `${this.path}.${crypto.randomUUID().slice(0, 8)}.part`;
    this.#options = options;
    this.observe = this.observe.bind(this);
  }

  /**
   * Records one session event: `"read"` as `"o"`, `"send"` as `"i"` (secrets as the
   * placeholder), `"resize"` as `"r"`. Usable directly as a session observer.
   *
   * @param event The event.
   */
  observe(event: SessionEvent): void {
    if (this.#done) return;
    const time = Math.max(0, (event.time - this.#origin) / 1000);
    if (event.type === "read") {
      this.#bytes(time, "o", this.#out.push(this.#redactor.push(event.data)));
    } else if (event.type === "send") {
      if (event.secret) {
        this.#bytes(time, "i", this.#in.flush());
        this.#add({ time, code: "i", data: null, text: SECRET_MARKER });
      } else this.#bytes(time, "i", this.#in.push(event.data));
    } else if (event.type === "resize") {
      this.#add({ time, code: "r", data: null, text: `${event.cols}x${event.rows}` });
    }
  }

  /**
   * Keeps `secret` out of the output events from now on: every byte of each occurrence (even
   * split across reads) is hidden, each run of hidden bytes recorded as one `***`, as in the
   * session's logs. A trailing line ending is ignored, since an echo ends the line its own way.
   *
   * @param secret The secret as sent.
   */
  addSecret(secret: string | Uint8Array): void {
    const bytes = typeof secret === "string" ? encoder.encode(secret) : secret;
    let end = bytes.length;
    while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
    this.#redactor.add(bytes.subarray(0, end));
  }

  /**
   * Ends the recording and writes the cassette to {@linkcode CassetteRecorder.path}.
   * Idempotent: later calls do nothing.
   *
   * @param exitStatus How the peer ended, `null` when unknown.
   * @param transport The transport, when known only now (e.g. Telnet's agreed options).
   * @returns A promise that settles once the file is in place.
   * @throws {Deno.errors.NotFound} When the directory does not exist.
   */
  async finish(exitStatus: ExitStatus | null, transport?: CassetteTransport): Promise<void> {
    if (this.#done) return;
    const time = (performance.now() - this.#origin) / 1000;
    this.#bytes(time, "o", this.#out.push(this.#redactor.flush()));
    this.#bytes(time, "o", this.#out.flush());
    this.#bytes(time, "i", this.#in.flush());
    this.#done = true;
    try {
      this.#flush();
      if (this.#failure !== undefined) throw this.#failure;
      const header = formatHeader({
        cols: this.#options.cols ?? 80,
        rows: this.#options.rows ?? 24,
        timestamp: this.#timestamp,
        ...(this.#options.title === undefined ? {} : { title: this.#options.title }),
        transport: transport ?? this.#options.transport ?? { type: "session" },
        exitStatus,
      });
      const tmp = `${this.#part}.cast`;
      using out = await Deno.open(tmp, { write: true, create: true, truncate: true });
      await writeAll(out, encoder.encode(header + "\n"));
      if (this.#file !== undefined) {
        this.#file.close();
        this.#file = undefined;
        using events = await Deno.open(this.#part, { read: true });
        const buf = new Uint8Array(256 * 1024);
        for (let n = await events.read(buf); n !== null; n = await events.read(buf)) {
          await writeAll(out, buf.subarray(0, n));
        }
      }
      await Deno.rename(tmp, this.path);
    } finally {
      this.#file?.close();
      this.#file = undefined;
      await Deno.remove(this.#part).catch(() => {});
      await Deno.remove(`${this.#part}.cast`).catch(() => {});
    }
  }

  /** Drops the recording without writing the cassette. Idempotent. */
  async abort(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    this.#file?.close();
    this.#file = undefined;
    await Deno.remove(this.#part).catch(() => {});
  }

  #bytes(time: number, code: "o" | "i", data: Uint8Array): void {
    if (data.length > 0) this.#add({ time, code, data, text: "" });
  }

  #add(event: CassetteEvent): void {
    const line = formatEvent(event) + "\n";
    this.#lines.push(line);
    this.#pending += line.length;
    if (this.#pending >= FLUSH_BYTES) this.#flush();
  }

  #flush(): void {
    if (this.#lines.length === 0 || this.#failure !== undefined) return;
    const bytes = encoder.encode(this.#lines.join(""));
    this.#lines = [];
    this.#pending = 0;
    try {
      this.#file ??= Deno.openSync(this.#part, { write: true, create: true, truncate: true });
      let off = 0;
      while (off < bytes.length) off += this.#file.writeSync(bytes.subarray(off));
    } catch (error) {
      // Reported by finish(): an observer must not break the session.
      this.#failure = error;
    }
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await file.write(bytes.subarray(off));
}
