// The plumbing between a byte connection, a TelnetProtocol and the expect engine, for both ends
// of a Telnet session. Data flows one way: connection bytes → protocol → data → engine, read
// only while the engine pulls; the protocol's replies (`send` events) are written here, in
// order with everything else sent. The connection is injected (a Deno.Conn in socket.ts), so
// this file touches no Deno API. Private to telnet/.

import { concatBytes } from "../expect/_codec.ts";
import { TelnetOption } from "./constants.ts";
import type { TelnetEvent } from "./events.ts";
import type { TelnetProtocol } from "./protocol.ts";
import { TelnetError } from "./errors.ts";

/** What a link needs of a connection: the shape of `Deno.Conn` and `Deno.TlsConn`. */
export interface ByteConnection {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  closeWrite(): Promise<void>;
  close(): void;
  /** Lets a pending read keep the process alive again (`Deno.Conn.ref`). */
  ref?(): void;
  /** Stops a pending read from keeping the process alive (`Deno.Conn.unref`). */
  unref?(): void;
}

// Reads start small (idle sessions hold little) and grow while they come back full.
const MIN_READ_BYTES = 4096;
const MAX_READ_BYTES = 256 * 1024;
// A read is fed to the protocol a slice at a time, so the work and the replies per step are
// bounded. Slices aim at SLICE_EVENTS events other than data (commands, negotiations,
// replies): one with more makes the next smaller in proportion (down to MIN_SLICE_BYTES), one
// with at most half as many doubles it. Data with a command every few KiB (an IAC NOP per
// 4 KiB) thus goes through a read at a time, and a storm in slices of about SLICE_EVENTS.
const MIN_SLICE_BYTES = 1024;
const SLICE_EVENTS = 64;
// Replies not yet written, in bytes, beyond which reading waits for them: a peer that does
// not read what it asks for gets no more of our attention (bounded memory) until the
// engine's deadline or close() ends the wait. Below it, replies are written while the next
// slice is parsed rather than each waited for in turn.
const REPLY_WINDOW = 4096;
// Work on peer input other than data between two yields to the event loop: events other than
// data, plus one per KiB of input that did not become data (a long subnegotiation; the
// doubled IAC of a 255 data byte counts here too, but skipping it is cheap). Ready reads
// resolve without letting timers run, so a negotiation storm would otherwise hold back every
// deadline and every other session in the process; 1024 such units take a few milliseconds.
// Data alone never yields here: it goes to the engine, which reads on demand.
const BUSY_WORK = 1024;
// How a link yields (#breathe). setImmediate costs ~30 µs but runs while the runtime stays
// busy, before other sockets' reads are delivered: during a storm another session's round
// trips took ~90 ms with it. setTimeout(0) lets the runtime wait for I/O, but costs a timer
// tick (1–2.5 ms here). So a yield after less than DENSE_BYTES of input (commands with little
// data between them: the storm of bench/_hostile_peers.ts yields every 2 KiB) takes the timer,
// and one after more (data with a command now and then, whose reads let the runtime wait for
// I/O) the cheap one: the IAC download of bench/_iac.ts yields every ~3.4 MB.
const DENSE_BYTES = 256 * 1024;
const CR = 13;
const LF = 10;

type State = "waiting" | "connecting" | "open" | "closed";

/**
 * The size of the next slice after one of `fed` bytes that had `events` events other than
 * data: in proportion when it had too many, doubled when it had at most half as many.
 */
function nextSlice(size: number, fed: number, events: number): number {
  if (events > SLICE_EVENTS) {
    return Math.max(MIN_SLICE_BYTES, Math.floor(fed * SLICE_EVENTS / events));
  }
  return events * 2 <= SLICE_EVENTS ? Math.min(size * 2, MAX_READ_BYTES) : size;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One Telnet connection's streams for the engine, and its ordered writer. */
export class TelnetLink<C extends ByteConnection> {
  readonly protocol: TelnetProtocol;
  /** The engine's channel: pull-based (read on demand), and the data writer. */
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  conn: C | null = null;
  host: string | undefined;
  port: number | undefined;
  /** Told about every event but data, in stream order. */
  report: (events: readonly TelnetEvent[]) => void = () => {};
  /**
   * Told about data received, when set (debug level 2). Data sent is traced by the session
   * from the engine's send events, where secrets are already `***`.
   */
  traceData: ((direction: "recv", bytes: Uint8Array) => void) | null = null;
  /** Told why the stream ended when it was not a plain close. */
  note: (line: string) => void = () => {};
  readonly #isPeerGone: (error: unknown) => boolean;
  readonly #connected: Promise<C | null>;
  #settle!: (conn: C | null) => void;
  #state: State = "waiting";
  #closing = false;
  #writing: Promise<unknown> = Promise.resolve();
  #reading: Promise<unknown> | null = null;
  #buffer: Uint8Array | null = null;
  #readSize = MIN_READ_BYTES;
  #ended = false;
  #afterCr = false;
  #referenced = true;
  #work = 0;
  /** Input bytes fed since the last yield. */
  #fed = 0;
  #slice = MIN_READ_BYTES;
  /** Reply bytes handed to `write` and not written yet. */
  #replying = 0;
  #breathing: Promise<unknown> | null = null;

  constructor(protocol: TelnetProtocol, isPeerGone: (error: unknown) => boolean) {
    this.protocol = protocol;
    this.#isPeerGone = isPeerGone;
    this.#connected = new Promise((resolve) => (this.#settle = resolve));
    this.readable = new ReadableStream({
      type: "bytes",
      pull: (controller) => this.#pull(controller),
      cancel: () => {
        this.#ended = true;
      },
    }, { highWaterMark: 0 });
    this.writable = new WritableStream<Uint8Array>({
      write: (chunk) => this.#writeData(chunk),
      close: () => this.#closeWrite(),
      abort: () => this.shutdown(),
    });
  }

  /** `host,port` for messages, as telnetlib shows it. */
  get label(): string {
    return `${this.host ?? "?"},${this.port ?? "?"}`;
  }

  get state(): State {
    return this.#state;
  }

  /** Marks a connection attempt as under way; throws when one exists or the link is closed. */
  reserve(host: string, port: number): void {
    if (this.#state !== "waiting") {
      const what = this.#state === "closed" ? "was closed" : "is already connected";
      throw new TelnetError(
        "reopen",
        `Cannot open ${host}:${port}: this session ${what}; create a new one`,
        { host, port },
      );
    }
    this.#state = "connecting";
    this.host = host;
    this.port = port;
  }

  /** Ends a failed attempt started by `reserve`, so `open` may be tried again. */
  unreserve(): void {
    if (this.#state === "connecting") this.#state = "waiting";
  }

  /** Hands over the connection; returns false (and closes it) when the link was closed. */
  attach(conn: C, host: string | undefined, port: number | undefined): boolean {
    if (this.#state === "closed") {
      conn.close();
      return false;
    }
    this.#state = "open";
    this.conn = conn;
    if (!this.#referenced) conn.unref?.();
    this.host = host;
    this.port = port;
    this.#settle(conn);
    return true;
  }

  /** Writes bytes as they are, after everything written before. */
  write(bytes: Uint8Array): Promise<void> {
    const done = this.#writing.then(() => this.#writeAll(bytes));
    this.#writing = done.catch(() => {});
    return done;
  }

  /** Reports events produced by a call of ours and writes their `send` bytes. */
  async run(events: readonly TelnetEvent[]): Promise<void> {
    const sends: Uint8Array[] = [];
    for (const e of events) if (e.type === "send") sends.push(e.bytes);
    this.report(events);
    if (sends.length > 0) await this.write(concatBytes(...sends));
  }

  /**
   * A call waits for data again: the read it left pending keeps the process alive. (The
   * engine calls this; a new demand from the engine refs the connection in `#pull` too.)
   */
  ref(): void {
    this.#keepAlive(true);
  }

  /**
   * No call waits any more (a timeout, an abort): the pending read must not keep the process
   * alive, so a script that ends without `close()` exits.
   */
  unref(): void {
    this.#keepAlive(false);
  }

  #keepAlive(ref: boolean): void {
    this.#referenced = ref;
    try {
      if (ref) this.conn?.ref?.();
      else this.conn?.unref?.();
    } catch {
      // Closed already.
    }
  }

  /** Stops everything: pending reads end, the connection is closed. Idempotent. */
  async shutdown(): Promise<void> {
    this.#closing = true;
    this.#ended = true;
    this.#state = "closed";
    this.#settle(null);
    // The read ended by closing is awaited below: it must keep the event loop running.
    this.#keepAlive(true);
    try {
      this.conn?.close();
    } catch {
      // Already closed.
    }
    await this.#reading?.catch(() => {});
    await this.#writing;
    await this.#breathing;
  }

  /** The session is closing: writes already queued are not waited for by the writable. */
  abandon(): void {
    this.#closing = true;
    if (this.#state !== "open") {
      this.#state = "closed";
      this.#settle(null);
    }
  }

  async #pull(controller: ReadableByteStreamController): Promise<void> {
    // The engine pulls only while a call waits: the read keeps the process alive until it
    // says otherwise (`unref`). Before open(), `attach` applies the same state.
    this.#keepAlive(true);
    const conn = await this.#connected;
    while (!this.#ended) {
      if (conn === null) return this.#end(controller);
      // A BYOB read lends its memory: the wire is read and unescaped right there (the data
      // never gets longer). A default read gets a buffer of ours.
      const request = controller.byobRequest;
      const lent = request?.view;
      const buffer = lent
        ? new Uint8Array(lent.buffer, lent.byteOffset, lent.byteLength)
        : this.#buffer ??= new Uint8Array(this.#readSize);
      let n: number | null;
      const reading = conn.read(buffer);
      this.#reading = reading;
      try {
        n = await reading;
      } catch (error) {
        if (this.#ended) return;
        if (this.#isPeerGone(error)) {
          this.note(`connection ended: ${messageOf(error)}`);
          this.report(this.protocol.end());
          return this.#end(controller);
        }
        this.#ended = true;
        controller.error(
          new TelnetError("io", `Cannot read from ${this.host}:${this.port}: ${messageOf(error)}`, {
            cause: error,
            host: this.host,
            port: this.port,
          }),
        );
        return;
      } finally {
        this.#reading = null;
      }
      if (this.#ended) return;
      if (n === null) {
        await this.#deliver(this.protocol.end(), buffer, 0);
        return this.#end(controller);
      }
      const size = await this.#consume(buffer, n);
      if (this.#ended) return;
      if (size === 0) continue;
      this.traceData?.("recv", buffer.subarray(0, size));
      if (request) return request.respond(size);
      controller.enqueue(this.#handOver(buffer, n, size));
      return;
    }
  }

  /**
   * The data at the front of our read buffer, as a chunk for the engine: a read that is
   * mostly data is handed over whole (the next read gets a new buffer, twice as big when
   * this one came back full), a small one is copied out.
   */
  #handOver(buffer: Uint8Array, n: number, size: number): Uint8Array {
    const full = n === buffer.length && this.#readSize < MAX_READ_BYTES;
    if (full) this.#readSize *= 2;
    if (size * 2 < buffer.length && !full) return buffer.slice(0, size);
    this.#buffer = null;
    return buffer.subarray(0, size);
  }

  #end(controller: ReadableByteStreamController): void {
    if (this.#ended) return;
    this.#ended = true;
    controller.close();
    // A BYOB read still waiting is answered "done" by an empty response.
    controller.byobRequest?.respond(0);
  }

  /**
   * Feeds the `n` bytes read into `buffer` to the protocol, a slice at a time, and returns
   * the size of their data, compacted in place at the front of the buffer (its views are in
   * stream order and never overlap, so each move is a memmove).
   */
  async #consume(buffer: Uint8Array, n: number): Promise<number> {
    let size = 0;
    for (let at = 0; at < n && !this.#ended;) {
      const start = at;
      const end = Math.min(n, at + this.#slice);
      // Unescaped in place: each slice is ours, and its data moves to the front below.
      const events = this.protocol.feedInPlace(buffer.subarray(at, end));
      at = end;
      let commands = 0;
      for (const e of events) if (e.type !== "data") commands++;
      this.#slice = nextSlice(this.#slice, end - start, commands);
      const before = size;
      size = await this.#deliver(events, buffer, size);
      this.#work += commands + ((end - start - (size - before)) >> 10);
      this.#fed += end - start;
      await this.#breathe();
    }
    return size;
  }

  /**
   * Moves the data of `events` to `buffer[size..]`, reports the other events and writes the
   * replies; returns the new size of the data.
   */
  async #deliver(
    events: readonly TelnetEvent[],
    buffer: Uint8Array,
    size: number,
  ): Promise<number> {
    let others = false;
    let sends: Uint8Array[] | null = null;
    for (const e of events) {
      if (e.type === "data") {
        const at = e.data.byteOffset - buffer.byteOffset;
        if (at !== size) buffer.copyWithin(size, at, at + e.data.length);
        size += e.data.length;
      } else {
        others = true;
        if (e.type === "send") (sends ??= []).push(e.bytes);
      }
    }
    if (others) this.report(events);
    if (sends !== null) await this.#reply(concatBytes(...sends));
    return size;
  }

  /** Writes replies; waits for them once more than REPLY_WINDOW bytes are unwritten. */
  async #reply(bytes: Uint8Array): Promise<void> {
    this.#replying += bytes.length;
    const written = this.write(bytes).catch(() => {}).then(() => {
      this.#replying -= bytes.length;
    });
    if (this.#replying > REPLY_WINDOW) await written;
  }

  /** Lets timers and other sessions run once this link has done BUSY_WORK. */
  async #breathe(): Promise<void> {
    if (this.#ended || this.#work < BUSY_WORK) return;
    this.#work = 0;
    const dense = this.#fed < DENSE_BYTES;
    this.#fed = 0;
    this.#breathing = new Promise((resolve) => {
      if (dense) setTimeout(resolve, 0);
      else setImmediate(resolve);
    });
    await this.#breathing;
    this.#breathing = null;
  }

  /** The engine's data: NVT line rules and IAC doubling (RFC 854), or IAC only in BINARY. */
  #writeData(chunk: Uint8Array): Promise<void> {
    const binary = this.protocol.isEnabled("us", TelnetOption.BINARY);
    // A CR that ended the previous chunk went out as CR NUL; a LF starting this one is the
    // second half of the same end of line (as when a line is sent with a charDelay).
    if (!binary && this.#afterCr && chunk[0] === LF) chunk = chunk.subarray(1);
    this.#afterCr = !binary && chunk.length > 0 && chunk[chunk.length - 1] === CR;
    if (chunk.length === 0) return Promise.resolve();
    return this.write(this.protocol.encodeData(chunk));
  }

  async #closeWrite(): Promise<void> {
    if (this.#closing || this.#state !== "open") return;
    await this.#writing;
    try {
      await this.conn?.closeWrite();
    } catch {
      // The peer is gone already.
    }
  }

  async #writeAll(bytes: Uint8Array): Promise<void> {
    const conn = this.#state === "waiting" ? null : await this.#connected;
    if (conn === null || this.#state === "closed") {
      const message = this.#state === "waiting"
        ? "Cannot send: the session is not connected (call open() first)"
        : `Cannot send to ${this.host}:${this.port}: the session is closed`;
      throw new TelnetError("closed", message, { host: this.host, port: this.port });
    }
    try {
      for (let o = 0; o < bytes.length;) o += await conn.write(o === 0 ? bytes : bytes.subarray(o));
    } catch (error) {
      throw new TelnetError("io", `Cannot send to ${this.host}:${this.port}: ${messageOf(error)}`, {
        cause: error,
        host: this.host,
        port: this.port,
      });
    }
  }
}
