/**
 * The expect DSL over a pty: {@linkcode PtySession} and {@linkcode spawn}.
 *
 * @module
 */
import type { ExitStatus } from "../expect/channel.ts";
import type { Data } from "../expect/results.ts";
import { Session } from "../expect/session.ts";
import type { SessionOptions } from "../expect/options.ts";
import type { TerminalSize } from "../expect/interact.ts";
import type { CloseOptions, PtyProcess, SignalLike } from "./process.ts";
import { type SpawnOptions, spawnProcess } from "./spawn.ts";
import { attachScreen } from "../screen/attach.ts";
import type { Screen, ScreenOptions } from "../screen/screen.ts";

/** Options of {@linkcode spawn}: how to start the program, and the session's settings. */
export type PtySessionOptions<D extends Data = string> =
  & SpawnOptions
  & SessionOptions<D>
  & PtyScreenOption;

/** The `screen` option of {@linkcode spawn} and {@linkcode PtySession}. */
export interface PtyScreenOption {
  /**
   * Gives the session a {@linkcode Screen} (`session.screen`) sized from the pty and
   * following `resize()`: `true`, or screen options (`scrollback`, `svgOnFailure`). xterm.js
   * is loaded on first use, so sessions without a screen do not pay for it.
   * @default {false}
   */
  screen?: boolean | Omit<ScreenOptions, "cols" | "rows">;
}

/** Options of {@linkcode PtySession.waitNoEcho}. */
export interface WaitNoEchoOptions {
  /** Milliseconds to wait; `null` for no limit. @default {the session's timeout} */
  timeout?: number | null;
  /** Stops waiting early; the call then resolves `false`. */
  signal?: AbortSignal;
}

// termios changes have no notification, so waitNoEcho() looks at the flag this often.
const ECHO_CHECK_MS = 10;

/**
 * A program in a pseudo-terminal, driven with the expect DSL: pexpect's `spawn` class.
 * Everything a {@linkcode Session} does (`expect`, `send`, `sendLine`, `interact`, ...),
 * plus what only a terminal has: `resize`, `sendEof`/`sendIntr` as the terminal's own
 * EOF and interrupt characters, echo control, signals and the exit status.
 *
 * @typeParam D `string` (text mode, the default) or `Uint8Array` (bytes mode).
 *
 * @example Drive a shell
 * ```ts
 * import { EOF } from "@dexpect/dexpect/expect";
 * import { spawn } from "@dexpect/dexpect/pty";
 * await using sh = spawn("sh", { env: { PS1: "$ ", PATH: "/usr/bin:/bin" } });
 * await sh.expect("$ ");
 * await sh.sendLine("echo $((6 * 7))");
 * await sh.expect("42\r\n");
 * await sh.sendLine("exit 3");
 * await sh.expect(EOF);
 * console.log(sh.exitStatus()); // { code: 3, signal: null }
 * ```
 */
export class PtySession<D extends Data = string> extends Session<D> {
  /** The underlying process object (pid, streams, size, signals). */
  readonly process: PtyProcess;
  /** The terminal screen, when created with `screen` (see `@dexpect/dexpect/screen`). */
  readonly screen: Screen | undefined;

  /**
   * Wraps a started process. Use {@linkcode spawn} instead of calling this.
   *
   * @param process The process, whose streams the session takes over.
   * @param options The session's settings, and `screen`.
   */
  constructor(process: PtyProcess, options: SessionOptions<D> & PtyScreenOption = {}) {
    const size = process.size;
    const { screen, ...session } = options;
    super(process, { cols: size.cols, rows: size.rows, ...session });
    this.process = process;
    this.screen = screen
      ? attachScreen(this, { ...(screen === true ? {} : screen), cols: size.cols, rows: size.rows })
      : undefined;
  }

  /** The child's process id. */
  get pid(): number {
    return this.process.pid;
  }

  /** The terminal size in cells. */
  get size(): TerminalSize {
    return this.process.size;
  }

  /** Whether the terminal echoes input (termios `ECHO`). */
  get echo(): boolean {
    return this.process.echo;
  }

  /**
   * Sets the terminal size (the child gets SIGWINCH) and records a resize event.
   *
   * @param cols Columns, 1–65535.
   * @param rows Rows, 1–65535.
   * @throws {RangeError} On a size out of range.
   */
  resize(cols: number, rows: number): void {
    this.process.resize(cols, rows);
    this.notifyWindowChange(cols, rows);
  }

  /**
   * Turns the terminal's echo on or off (pexpect's `setecho`).
   *
   * @param on `true` to echo.
   */
  setEcho(on: boolean): void {
    this.process.setEcho(on);
  }

  /**
   * Waits until the terminal's echo is off, as a program does before reading a password
   * (pexpect's `waitnoecho`). termios changes send no notification, so the flag is
   * checked every 10 ms while this call waits.
   *
   * @param options `timeout` in milliseconds and `signal`.
   * @returns `true` once echo is off, `false` on timeout or abort.
   */
  async waitNoEcho(options: WaitNoEchoOptions = {}): Promise<boolean> {
    const timeout = options.timeout === undefined ? this.timeout : options.timeout;
    const deadline = timeout === null ? Infinity : performance.now() + timeout;
    while (this.process.echo) {
      const left = deadline - performance.now();
      if (left <= 0 || options.signal?.aborted) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(ECHO_CHECK_MS, left)));
    }
    return true;
  }

  /**
   * Types the terminal's EOF character (`VEOF`, usually Ctrl-D), pexpect's `sendeof`. In
   * canonical mode it ends input only at the start of a line.
   */
  override async sendEof(): Promise<void> {
    await this.send(new Uint8Array([this.process.controlCharacters.eof]));
  }

  /** Types the terminal's interrupt character (`VINTR`, usually Ctrl-C): SIGINT to the job. */
  override async sendIntr(): Promise<void> {
    await this.send(new Uint8Array([this.process.controlCharacters.intr]));
  }

  /**
   * Sends a signal to the child, like pexpect's `kill`.
   *
   * @param signal A name or number. @default {"SIGTERM"}
   */
  kill(signal: SignalLike = "SIGTERM"): void {
    this.process.kill(signal);
  }

  /** Whether the child is still running. */
  isAlive(): boolean {
    return this.process.isAlive();
  }

  /**
   * Waits for the child to exit, without reading its output (see `PtyProcess.wait`).
   *
   * @returns The exit status.
   */
  wait(): Promise<ExitStatus> {
    return this.process.wait();
  }

  /**
   * Ends the session: releases the streams, then closes the pty and ends the child
   * (hangup, then SIGHUP → SIGTERM → SIGKILL to its process group; see
   * `PtyProcess.close`). Safe to call more than once.
   *
   * @param options `force` and `grace`.
   * @throws {PtyError} When `force` is false and the child survives SIGTERM.
   */
  override async close(options?: CloseOptions): Promise<void> {
    await super.close();
    await this.process.close(options);
  }

  /**
   * How the child ended, once reaped; always known when `EOF` is reported (pexpect's
   * `exitstatus` and `signalstatus`). `EOF` results and `EOFError` carry it too.
   *
   * @returns The status, or `undefined` while the child runs.
   */
  override exitStatus(): ExitStatus | undefined {
    return this.process.exitStatus;
  }

  /** The terminal's termios `ECHO` flag: recordings leave out input sent while it is off. */
  protected override inputEchoed(): boolean {
    try {
      return this.process.echo;
    } catch {
      return false; // The pty is closed: nothing to tell, so nothing to record.
    }
  }

  /** `interact()` forwards the user's terminal size: the child gets SIGWINCH. */
  protected override onWindowChange(cols: number, rows: number): void {
    if (!this.process.closed) this.process.resize(cols, rows);
  }
}

/**
 * Starts a program in a new pseudo-terminal and returns a {@linkcode PtySession} to drive
 * it: pexpect's `spawn()`, node-pty's `spawn()`. The program starts at once; `spawn`
 * throws right away when it cannot. Close the session (or `await using` it) to end it.
 *
 * @param command The program and its arguments: an array, or a string split into words as
 *   a shell splits them (quotes, backslashes; no expansion, no shell is run).
 * @param options Spawn settings (`env`, `cwd`, `cols`, `rows`, `echo`) and session
 *   settings (`timeout` in ms, `encoding`, `maxBuffer`, logging, recording, ...).
 * @returns The session.
 * @throws {SpawnError} With `code` `ENOENT` or `EACCES` when the program cannot start.
 * @throws {RangeError} On an out-of-range size or option.
 *
 * @example Answer a prompt
 * ```ts
 * import { spawn } from "@dexpect/dexpect/pty";
 * await using sh = spawn(["sh", "-c", 'printf "Name? "; read n; echo "Hi $n"'], { timeout: 5_000 });
 * await sh.expect("Name? ");
 * await sh.sendLine("Ada");
 * const { before } = await sh.expect("Hi Ada\r\n");
 * console.log(before); // "Ada\r\n" (the terminal's echo)
 * ```
 */
export function spawn(
  command: string | readonly string[],
  options: PtySessionOptions<Uint8Array> & { encoding: null },
): PtySession<Uint8Array>;
/**
 * Text mode with a screen (`screen: true` or screen options): `session.screen` is defined.
 *
 * @param command The program and its arguments.
 * @param options Spawn and session settings, and `screen`.
 * @returns The session, with its screen.
 */
export function spawn(
  command: string | readonly string[],
  options: PtySessionOptions<string> & {
    screen: Exclude<PtyScreenOption["screen"], false | undefined>;
  },
): PtySession<string> & { readonly screen: Screen };
/**
 * Text mode (the default): patterns and results are strings, decoded as UTF-8.
 *
 * @param command The program and its arguments.
 * @param options Spawn and session settings.
 * @returns The session.
 */
export function spawn(
  command: string | readonly string[],
  options?: PtySessionOptions<string>,
): PtySession<string>;
export function spawn(
  command: string | readonly string[],
  options: PtySessionOptions<string> | PtySessionOptions<Uint8Array> = {},
): PtySession<string> | PtySession<Uint8Array> {
  const { env, cwd, cols, rows, echo, ...session } = options;
  const process = spawnProcess(command, { env, cwd, cols, rows, echo });
  try {
    return new PtySession(process, session as SessionOptions<string>);
  } catch (error) {
    process.close();
    throw error;
  }
}
