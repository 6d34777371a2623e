/**
 * Programs over plain pipes, without a pty: pexpect's `popen_spawn`, on `Deno.Command`.
 *
 * @module
 */
import type { ExitStatus } from "../expect/channel.ts";
import type { Data } from "../expect/results.ts";
import type { SessionOptions } from "../expect/options.ts";
import { Session } from "../expect/session.ts";
import { signalNumber } from "./process.ts";
import { toArgv } from "./spawn.ts";

/** Options of {@linkcode spawnPipe}: how to start the program, and the session's settings. */
export type PipeSessionOptions<D extends Data = string> = SessionOptions<D> & {
  /** The child's whole environment (replaces the inherited one). @default {inherited} */
  env?: Record<string, string>;
  /** The child's working directory. @default {the current one} */
  cwd?: string;
  /**
   * Where the child's stderr goes: `"merge"` interleaves it with stdout as chunks arrive
   * (their relative order across the two pipes is only as exact as the scheduler),
   * `"inherit"` passes it to this process's stderr, `"null"` discards it.
   *
   * @default {"merge"}
   */
  stderr?: "merge" | "inherit" | "null";
};

/**
 * A program on pipes, driven with the expect DSL. No terminal: no echo, no line
 * discipline, no job control; many programs buffer their output when not on a tty.
 * `sendEof()` closes the child's stdin; `sendIntr()` sends it SIGINT.
 *
 * @typeParam D `string` (text mode) or `Uint8Array` (bytes mode).
 *
 * @example Filter text through `tr`
 * ```ts
 * import { EOF, spawnPipe } from "@dexpect/dexpect";
 * await using tr = spawnPipe(["tr", "a-z", "A-Z"]);
 * await tr.sendLine("hello");
 * await tr.sendEof();
 * const end = await tr.expect(EOF);
 * console.log(end.before); // "HELLO\n"
 * ```
 */
export class PipeSession<D extends Data = string> extends Session<D> {
  /** The child process (Deno's object). */
  readonly child: Deno.ChildProcess;
  readonly #ended: { status?: ExitStatus };

  /**
   * Wraps a child started with piped stdin and stdout. Use {@linkcode spawnPipe}.
   *
   * @param child The child process.
   * @param readable Its output (stdout, or stdout and stderr merged).
   * @param options The session's settings.
   */
  constructor(
    child: Deno.ChildProcess,
    readable: ReadableStream<Uint8Array>,
    options: SessionOptions<D> = {},
  ) {
    const ended: { status?: ExitStatus } = {};
    // The output ends only once the exit status is known, as on a pty.
    const output = readable.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        flush: async () => {
          const { code, signal } = await child.status;
          ended.status = signal === null
            ? { code, signal: null }
            : { code: null, signal: signalNumber(signal) };
        },
      }),
    );
    super({ readable: output, writable: child.stdin }, options);
    this.child = child;
    this.#ended = ended;
  }

  /** The child's process id. */
  get pid(): number {
    return this.child.pid;
  }

  /**
   * How the child ended; known once `EOF` is reported.
   *
   * @returns The status, or `undefined` while the child runs.
   */
  override exitStatus(): ExitStatus | undefined {
    return this.#ended.status;
  }

  /** Sends SIGINT to the child: there is no terminal to type Ctrl-C into. */
  override sendIntr(): Promise<void> {
    this.child.kill("SIGINT");
    return Promise.resolve();
  }

  /**
   * Sends a signal to the child.
   *
   * @param signal A signal name. @default {"SIGTERM"}
   */
  kill(signal: Deno.Signal = "SIGTERM"): void {
    this.child.kill(signal);
  }

  /**
   * Closes the session and ends the child (SIGTERM if it is still running), then reaps
   * it. Safe to call more than once.
   */
  override async close(): Promise<void> {
    await super.close();
    try {
      this.child.kill("SIGTERM");
    } catch {
      // Already exited.
    }
    await this.child.status;
  }
}

/**
 * Interleaves the chunks of several streams as they arrive, reading on demand. Each read
 * gets exactly one reaction (no `Promise.race` over a read that may stay pending while the
 * other stream flows, which would keep every chunk of the flowing one alive).
 */
function merge(streams: ReadableStream<Uint8Array>[]): ReadableStream<Uint8Array> {
  const readers = streams.map((s) => s.getReader());
  const reading = new Set<number>();
  const ended = new Set<number>();
  const arrived: { i: number; result?: ReadableStreamReadResult<Uint8Array>; error?: unknown }[] =
    [];
  let wake: (() => void) | undefined;
  const start = (i: number) => {
    reading.add(i);
    readers[i].read().then(
      (result) => arrived.push({ i, result }),
      (error) => arrived.push({ i, error }),
    )
      .finally(() => (reading.delete(i), wake?.()));
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const next = arrived.shift();
        if (next?.error !== undefined) throw next.error;
        if (next?.result?.done) ended.add(next.i);
        else if (next?.result) return controller.enqueue(next.result.value);
        if (ended.size === readers.length) return controller.close();
        if (arrived.length > 0) continue;
        // At most one read per stream is outstanding, and only while nothing is queued.
        readers.forEach((_, i) => !reading.has(i) && !ended.has(i) && start(i));
        await new Promise<void>((resolve) => wake = resolve);
      }
    },
    async cancel(reason) {
      await Promise.all(readers.map((r, i) => ended.has(i) ? undefined : r.cancel(reason)));
    },
  }, { highWaterMark: 0 });
}

/**
 * Starts a program with piped stdin and stdout (no pseudo-terminal) and returns a
 * {@linkcode PipeSession}: pexpect's `PopenSpawn`. Use it for programs that need no
 * terminal, and on systems without ptys. Needs `--allow-run`.
 *
 * @param command The program and its arguments: an array, or a string split like a shell
 *   splits words (no shell is run).
 * @param options `env`, `cwd`, `stderr` and the session's settings.
 * @returns The session.
 * @throws {Deno.errors.NotFound} When the program does not exist.
 *
 * @example Talk to `bc`
 * ```ts
 * import { spawnPipe } from "@dexpect/dexpect";
 * await using bc = spawnPipe("bc -q");
 * await bc.sendLine("6 * 7");
 * await bc.expect("42\n");
 * ```
 */
export function spawnPipe(
  command: string | readonly string[],
  options: PipeSessionOptions<Uint8Array> & { encoding: null },
): PipeSession<Uint8Array>;
/**
 * Text mode (the default): patterns and results are strings, decoded as UTF-8.
 *
 * @param command The program and its arguments.
 * @param options Spawn and session settings.
 * @returns The session.
 */
export function spawnPipe(
  command: string | readonly string[],
  options?: PipeSessionOptions<string>,
): PipeSession<string>;
export function spawnPipe(
  command: string | readonly string[],
  options: PipeSessionOptions<string> | PipeSessionOptions<Uint8Array> = {},
): PipeSession<string> | PipeSession<Uint8Array> {
  const [program, ...args] = toArgv(command);
  const { env, cwd, stderr = "merge", ...session } = options;
  const child = new Deno.Command(program, {
    args,
    env,
    cwd,
    clearEnv: env !== undefined,
    stdin: "piped",
    stdout: "piped",
    stderr: stderr === "merge" ? "piped" : stderr,
  }).spawn();
  const readable = stderr === "merge" ? merge([child.stdout, child.stderr]) : child.stdout;
  return new PipeSession(child, readable, session as SessionOptions<string>);
}
