/**
 * The process object: a program running on the slave side of a pty, with the master side
 * exposed as a pair of web streams.
 *
 * @module
 */
import type { ExitStatus } from "../expect/channel.ts";
import type { TerminalSize } from "../expect/interact.ts";
import { errno, errnoCode, libc } from "./_libc.ts";
import { forget, letLoopRun, overdue, setRef, waitFor, waitNow } from "./_poller.ts";
import {
  controlCharacters,
  getEcho,
  getWindowSize,
  type NativeChild,
  setEcho,
  setWindowSize,
} from "./_spawn.ts";
import { PtyError } from "./errors.ts";
import { checkSize, type CloseOptions, type SignalLike, signalNumber } from "./process_options.ts";

export { checkSize, type CloseOptions, type SignalLike, signalNumber } from "./process_options.ts";

const READ_SIZE = 64 * 1024;
/**
 * How long a read waits on the spot, on the main thread, when output is expected (data just
 * came, or we just wrote): the peer's next bytes usually follow within tens of µs, and this
 * saves the hop to the poller's thread. A silent peer costs one such wait per burst. Each
 * process adapts its budget between these bounds: a reply that came soon after the budget
 * ran out doubles it (a loaded machine), a peer that stayed silent long halves it.
 */
const SPOT_MIN_US = 200;
const SPOT_MAX_US = 4_000;
/** A reply later than this after a missed spot wait means the peer was really silent. */
const SILENT_MS = 50;
// Reads are synchronous on the main thread, so one buffer serves every pty.
const readBuffer = new Uint8Array(READ_SIZE);

/**
 * A program running in a pseudo-terminal. `readable` yields what the program writes to its
 * terminal; `writable` types into it. Reading is on demand: nothing is read, and no thread
 * waits, unless somebody reads. The readable ends only after the slave side is closed
 * (EIO on the master) *and* the child has been reaped, so at EOF every byte the child
 * wrote has been delivered and {@linkcode PtyProcess.exitStatus} is known.
 *
 * Get one from `spawnProcess()` (bare streams) or `spawn()` (with the expect DSL).
 *
 * @example Read everything a program prints
 * ```ts
 * import { spawnProcess } from "@dexpect/dexpect/pty";
 * const child = spawnProcess(["echo", "hello"]);
 * const text = await new Response(child.readable).text();
 * console.log(text, child.exitStatus); // "hello\r\n" { code: 0, signal: null }
 * await child.close();
 * ```
 */
export class PtyProcess implements AsyncDisposable {
  /** The child's process id; it is also its session and process-group id. */
  readonly pid: number;
  /** The path of the pty's slave side, e.g. `/dev/pts/3`: the child's `tty`. */
  readonly ttyName: string;
  /** What the child writes to its terminal, as raw bytes (echo included). */
  readonly readable: ReadableStream<Uint8Array<ArrayBuffer>>;
  /** Bytes typed into the child's terminal. Closing it does not close the pty. */
  readonly writable: WritableStream<Uint8Array>;
  #fd: number;
  #fdClosed = false;
  #closeCalled = false;
  #status: ExitStatus | undefined;
  #closing: Promise<ExitStatus> | undefined;
  #exitWaiter: Promise<ExitStatus> | undefined;
  #cancelled = false;
  /** Output is expected soon: the last read returned data, or we wrote since. */
  #lively = false;
  #spotUs = 500;
  /** `readNow()` waited on the spot in vain: the next poller wait tunes the budget. */
  #missed = false;
  /** A pull of `readable`, or a write of `writable`, is in progress. */
  #pulling = false;
  #writing = false;

  /**
   * Wraps a started child. Use `spawnProcess()` or `spawn()` instead of calling this.
   *
   * @param child The master fd, pid and slave path of a child started on a new pty.
   */
  constructor(child: NativeChild) {
    this.#fd = child.fd;
    this.pid = child.pid;
    this.ttyName = child.path;
    this.readable = new ReadableStream<Uint8Array<ArrayBuffer>>({
      pull: (controller) => this.#pull(controller),
      cancel: () => this.#forgetReads(),
    }, { highWaterMark: 0 });
    this.writable = new WritableStream<Uint8Array>({
      write: (chunk) => this.#write(chunk),
    }, { highWaterMark: 1 });
  }

  /** How the child ended, once it has been reaped; `undefined` while it runs. */
  get exitStatus(): ExitStatus | undefined {
    return this.#status;
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#closeCalled;
  }

  /**
   * Lets a pending read of `readable` keep the process alive again (the default), like
   * `Deno.Conn.ref()`.
   */
  ref(): void {
    if (!this.#fdClosed) setRef(this.#fd, true);
  }

  /**
   * Stops a pending read of `readable` from keeping the process alive, like
   * `Deno.Conn.unref()`: a script that leaves a read pending (an `expect()` that timed out)
   * still exits when it ends. While unreferenced, a pending read is not watched at all, so it
   * completes only after {@linkcode PtyProcess.ref}. Sessions call both around their waits.
   */
  unref(): void {
    if (!this.#fdClosed) setRef(this.#fd, false);
  }

  /**
   * The next chunk of output if there is one now, else `undefined` (then read `readable`):
   * a synchronous read, with a short wait on the spot when output is expected (data just
   * came, or we just wrote). End of output and errors are left to `readable`, and so is the
   * next chunk once reads have gone on for 5 ms without the event loop running (`readable`
   * lets it run first). Sessions use it, through `Channel.readNow`, to skip a promise per
   * reply. Do not mix it with a pending read of `readable`.
   *
   * @returns A chunk (a fresh copy), or `undefined`.
   *
   * @example Read a reply that is already there
   * ```ts
   * import { spawnProcess } from "@dexpect/dexpect/pty";
   * await using child = spawnProcess(["cat"]);
   * const reader = child.readable.getReader(); // keep everyone else out
   * child.writeNow(new TextEncoder().encode("hi\n"));
   * const chunk = child.readNow(); // "hi\r\n", or undefined: then `await reader.read()`
   * reader.releaseLock();
   * ```
   */
  readNow(): Uint8Array<ArrayBuffer> | undefined {
    if (this.#cancelled || this.#fdClosed || this.#pulling || overdue()) return undefined;
    const { libc: c } = libc();
    let n = Number(c.read(this.#fd, readBuffer, BigInt(READ_SIZE)));
    if (n < 0 && this.#lively && errno() === EAGAIN()) {
      this.#lively = false;
      const spot = waitNow(this.#fd, this.#spotUs);
      if (spot) n = Number(c.read(this.#fd, readBuffer, BigInt(READ_SIZE)));
      else if (spot === false) this.#missed = true;
    }
    if (n <= 0) return undefined;
    this.#lively = true;
    this.#missed = false;
    return readBuffer.slice(0, n);
  }

  /**
   * Writes what the terminal takes of `bytes` at once, without waiting, and returns how many
   * bytes it wrote: 0 when it would block, failed, or a write of `writable` is in progress.
   * Write the rest through `writable`, which reports errors. Sessions use it, through
   * `Channel.writeNow`, to skip the stream machinery for short sends.
   *
   * @param bytes What to type.
   * @returns How many bytes were written.
   *
   * @example Type a line
   * ```ts
   * import { spawnProcess } from "@dexpect/dexpect/pty";
   * await using child = spawnProcess(["cat"]);
   * const line = new TextEncoder().encode("hello\n");
   * const n = child.writeNow(line);
   * if (n < line.length) {
   *   const writer = child.writable.getWriter();
   *   await writer.write(line.subarray(n));
   *   writer.releaseLock();
   * }
   * ```
   */
  writeNow(bytes: Uint8Array): number {
    if (this.#fdClosed || this.#writing || bytes.length === 0) return 0;
    const data = bytes.buffer instanceof ArrayBuffer
      ? bytes as Uint8Array<ArrayBuffer>
      : bytes.slice();
    const n = Number(libc().libc.write(this.#fd, data, BigInt(data.length)));
    if (n <= 0) return 0;
    this.#lively = true;
    return n;
  }

  async #pull(controller: ReadableStreamDefaultController<Uint8Array<ArrayBuffer>>): Promise<void> {
    this.#pulling = true;
    try {
      await this.#pullNext(controller);
    } finally {
      this.#pulling = false;
    }
  }

  async #pullNext(
    controller: ReadableStreamDefaultController<Uint8Array<ArrayBuffer>>,
  ): Promise<void> {
    const { libc: c } = libc();
    for (;;) {
      if (overdue()) await letLoopRun();
      if (this.#cancelled) return;
      if (this.#fdClosed) return controller.close();
      const n = Number(c.read(this.#fd, readBuffer, BigInt(READ_SIZE)));
      if (n > 0) {
        this.#lively = true;
        // The pull ends here: a reader resumed by this chunk may call readNow() at once,
        // before the rest of this async call has unwound.
        this.#pulling = false;
        return controller.enqueue(readBuffer.slice(0, n));
      }
      const code = n === 0 ? EIO() : errno();
      if (code === EAGAIN()) {
        // At most one wait on the spot per chunk: a readiness that yields no data (a
        // hang-up) goes to the poller, never round this loop again.
        const spot = this.#lively ? waitNow(this.#fd, this.#spotUs) : undefined;
        this.#lively = false;
        if (spot) continue;
        const missed = spot === false || this.#missed;
        this.#missed = false;
        const since = performance.now();
        await waitFor("read", this.#fd);
        if (missed) this.#adapt(performance.now() - since);
      } else if (code === EIO()) {
        // EIO: every slave fd is closed. Report EOF only with the exit status known.
        await this.wait();
        return controller.close();
      } else if (code !== EINTR()) {
        throw new PtyError("Cannot read from the pty", "read", code);
      }
    }
  }

  /** Tunes the spot budget after a missed spot wait whose output came `ms` later. */
  #adapt(ms: number): void {
    if (ms < SPOT_MAX_US / 1000) this.#spotUs = Math.min(this.#spotUs * 2, SPOT_MAX_US);
    else if (ms > SILENT_MS) this.#spotUs = Math.max(this.#spotUs / 2, SPOT_MIN_US);
  }

  async #write(chunk: Uint8Array): Promise<void> {
    this.#writing = true;
    try {
      await this.#writeAll(chunk);
    } finally {
      this.#writing = false;
    }
  }

  async #writeAll(chunk: Uint8Array): Promise<void> {
    const { libc: c } = libc();
    const bytes = chunk.buffer instanceof ArrayBuffer
      ? chunk as Uint8Array<ArrayBuffer>
      : chunk.slice();
    let offset = 0;
    let hungUp = false;
    while (offset < bytes.length) {
      if (this.#fdClosed) {
        throw new PtyError("Cannot write to the pty", "write", errnoCode("EBADF"));
      }
      const n = Number(c.write(this.#fd, bytes.subarray(offset), BigInt(bytes.length - offset)));
      if (n >= 0) {
        offset += n;
        this.#lively = true;
        continue;
      }
      const code = errno();
      if (code === EAGAIN() && hungUp) {
        // Nobody has the terminal open: what it holds will never be read.
        throw new PtyError(
          `Cannot write to the pty, which is hung up (no process has its terminal open; ` +
            `${offset} of ${bytes.length} bytes written)`,
          "write",
          EIO(),
        );
      }
      if (code === EAGAIN()) hungUp = await waitFor("write", this.#fd) === "hangup";
      else if (code !== EINTR()) throw new PtyError("Cannot write to the pty", "write", code);
    }
  }

  #forgetReads(): void {
    this.#cancelled = true;
    if (!this.#fdClosed) forget("read", this.#fd);
  }

  /**
   * Sets the terminal size; the child's foreground job receives SIGWINCH.
   *
   * @param cols Columns, 1–65535.
   * @param rows Rows, 1–65535.
   * @throws {RangeError} When a size is not an integer in range.
   * @throws {PtyError} When the pty is closed or the ioctl fails.
   */
  resize(cols: number, rows: number): void {
    checkSize(cols, rows);
    this.#ensureOpen("resize");
    setWindowSize(this.#fd, cols, rows);
  }

  /** The terminal size in cells, read from the pty (`TIOCGWINSZ`). */
  get size(): TerminalSize {
    this.#ensureOpen("read the size of");
    return getWindowSize(this.#fd);
  }

  /** Whether the terminal echoes what is typed (termios `ECHO`); password prompts turn it off. */
  get echo(): boolean {
    this.#ensureOpen("read the echo of");
    return getEcho(this.#fd);
  }

  /**
   * Turns the terminal's echo on or off (termios `ECHO`), like pexpect's `setecho`.
   *
   * @param on `true` to echo input.
   */
  setEcho(on: boolean): void {
    this.#ensureOpen("set the echo of");
    setEcho(this.#fd, on);
  }

  /** The terminal's EOF (`VEOF`, usually Ctrl-D) and interrupt (`VINTR`, Ctrl-C) bytes. */
  get controlCharacters(): { eof: number; intr: number } {
    this.#ensureOpen("read the control characters of");
    return controlCharacters(this.#fd);
  }

  /**
   * Sends a signal to the child (not its whole group), like pexpect's `kill`.
   *
   * @param signal A name (`"SIGTERM"`) or number.
   * @default {"SIGTERM"}
   * @throws {PtyError} With `ESRCH` when the child is already reaped.
   */
  kill(signal: SignalLike = "SIGTERM"): void {
    if (this.#status) {
      throw new PtyError(`Cannot signal process ${this.pid}`, "kill", errnoCode("ESRCH"));
    }
    if (libc().libc.kill(this.pid, signalNumber(signal)) < 0) {
      throw new PtyError(`Cannot signal process ${this.pid}`, "kill", errno());
    }
  }

  /** Whether the child is still running (reaps it, without blocking, when it has exited). */
  isAlive(): boolean {
    return !this.#status && !this.#reap();
  }

  /** Reaps the child if it has exited; true when its status is known. */
  #reap(): boolean {
    if (this.#status) return true;
    const { libc: c, platform: p } = libc();
    const raw = new Int32Array(1);
    const got = c.waitpid(this.pid, new Uint8Array(raw.buffer), p.WNOHANG);
    if (got === 0) return false;
    if (got < 0) {
      const code = errno();
      if (code === EINTR()) return false;
      throw new PtyError(`Cannot wait for process ${this.pid}`, "waitpid", code);
    }
    this.#status = decodeStatus(raw[0]);
    forget("exit", this.pid);
    return true;
  }

  /**
   * Waits for the child to exit and reaps it. Does not read its output: a child blocked
   * writing to a full terminal does not exit until somebody reads `readable`.
   *
   * @returns The exit status.
   */
  wait(): Promise<ExitStatus> {
    if (this.#reap()) return Promise.resolve(this.#status!);
    // Shared by concurrent callers, but never kept once settled: a failure is that call's.
    this.#exitWaiter ??= this.#waitExit().finally(() => this.#exitWaiter = undefined);
    return this.#exitWaiter;
  }

  async #waitExit(): Promise<ExitStatus> {
    while (!this.#reap()) await waitFor("exit", this.pid);
    return this.#status!;
  }

  /**
   * Closes the pty and ends the child: closing the master hangs up the terminal (the
   * kernel sends SIGHUP); while the child or any other member of its process group is still
   * there after `grace` ms, the group gets SIGHUP, then SIGTERM, then (with `force`) SIGKILL.
   * So a job that ignored the hangup and outlived the child is ended too. Pending reads end,
   * pending writes fail. Safe to call more than once; after a refusal (`force: false`) a
   * later call tries again.
   *
   * @param options `force` and `grace`.
   * @returns The exit status.
   * @throws {PtyError} When `force` is false and the child survives SIGTERM.
   */
  close(options: CloseOptions = {}): Promise<ExitStatus> {
    this.#closeCalled = true;
    this.#closing ??= this.#close(options.force ?? true, options.grace ?? 100).catch((error) => {
      this.#closing = undefined;
      throw error;
    });
    return this.#closing;
  }

  async #close(force: boolean, grace: number): Promise<ExitStatus> {
    if (!this.#fdClosed) {
      this.#fdClosed = true;
      forget("read", this.#fd);
      forget("write", this.#fd);
      setRef(this.#fd, true);
      libc().libc.close(this.#fd);
    }
    let done = await this.#settled(grace);
    for (const signal of force ? [1, 15, 9] : [1, 15]) {
      if (done) break;
      this.#signalGroup(signal);
      done = await this.#settled(signal === 9 && !this.#status ? 10_000 : grace);
    }
    if (this.#status) return this.#status;
    forget("exit", this.pid);
    throw new PtyError(
      `Cannot close process ${this.pid}: it ignored SIGHUP and SIGTERM; pass { force: true }`,
      "kill",
      errnoCode("EAGAIN"),
    );
  }

  /** Sends `signal` to the child's process group while it may have members. */
  #signalGroup(signal: number): void {
    if (this.#status && !this.#groupAlive()) return;
    libc().libc.kill(-this.pid, signal);
  }

  /**
   * Whether the child's process group still has members. Only asked once the child is
   * reaped: its pid stays allocated, and cannot be reused, while it names a live group.
   */
  #groupAlive(): boolean {
    return libc().libc.kill(-this.pid, 0) === 0;
  }

  /** Whether, within `ms`, the child is reaped and its process group is empty. */
  async #settled(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    if (!await this.#exitWithin(ms)) return false;
    // Nothing notifies us when non-children exit: look, with a back-off up to 16 ms.
    for (let delay = 1; this.#groupAlive(); delay = Math.min(delay * 2, 16)) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(delay, left)));
    }
    return true;
  }

  async #exitWithin(ms: number): Promise<boolean> {
    if (this.#reap()) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), ms));
    try {
      await Promise.race([this.wait(), expired]);
    } finally {
      clearTimeout(timer);
    }
    return this.#reap();
  }

  #ensureOpen(what: string): void {
    if (this.#fdClosed) {
      throw new PtyError(`Cannot ${what} a closed pty`, "ioctl", errnoCode("EBADF"));
    }
  }

  /** Closes the process, as {@linkcode PtyProcess.close} with its defaults. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

let eagain: number | undefined;
const EAGAIN = () => eagain ??= errnoCode("EAGAIN");
const EIO = () => errnoCode("EIO");
const EINTR = () => errnoCode("EINTR");

function decodeStatus(raw: number): ExitStatus {
  const low = raw & 0x7f;
  if (low === 0) return { code: (raw >> 8) & 0xff, signal: null };
  return { code: null, signal: low };
}
