/**
 * Run a program to completion while answering its prompts: pexpect's `run`.
 *
 * @module
 */
import { EOF, type Pattern, TIMEOUT } from "../expect/patterns.ts";
import type { ExpectResult } from "../expect/results.ts";
import { spawn } from "./session.ts";
import type { SpawnOptions } from "./spawn.ts";

/** What to send when a pattern matches: text, or a function of the match. */
export type RunResponse =
  | string
  | ((result: ExpectResult<Pattern, string>) => string | void | Promise<string | void>);

/** Options of {@linkcode run}. */
export interface RunOptions extends SpawnOptions {
  /**
   * `[pattern, response]` pairs, answered each time their pattern matches. A `TIMEOUT`
   * entry is answered once, when the whole run's `timeout` has passed: its text is sent,
   * then the program is ended and `run` returns (with `timedOut: true`) instead of throwing.
   */
  events?: readonly (readonly [Pattern, RunResponse])[];
  /** Milliseconds the whole run may take; `null` for no limit. @default {30_000} */
  timeout?: number | null;
  /** Stops the run; the child is then ended. */
  signal?: AbortSignal;
}

/** The outcome of {@linkcode run}. */
export interface RunResult {
  /** Everything the program printed (with the terminal's `\r\n` line ends). */
  output: string;
  /** The exit code, or `null` when a signal ended the program. */
  code: number | null;
  /** The signal that ended the program, or `null`. */
  signal: number | null;
  /** Present when a `TIMEOUT` event answered the end of the run's deadline. */
  timedOut?: true;
}

/**
 * Runs `command` in a pty until it exits, answering prompts on the way, and returns its
 * output and exit status: pexpect's `run(command, events=..., withexitstatus=True)`.
 *
 * @param command The program and its arguments (array, or a string split like a shell).
 * @param options `events`, `timeout` (ms for the whole run), `signal`, and spawn options.
 * @returns The output and the exit status.
 * @throws {TimeoutError} When the program has not exited within `timeout` (unless a
 *   `TIMEOUT` event answers it).
 * @throws {SpawnError} When the program cannot start.
 *
 * @example Answer a confirmation
 * ```ts
 * import { run } from "@dexpect/dexpect/pty";
 * const { output, code } = await run(["sh", "-c", 'read -p "Continue? " a; echo "got $a"'], {
 *   events: [["Continue? ", "yes\n"]],
 * });
 * console.log(code, output); // 0 "Continue? yes\r\ngot yes\r\n"
 * ```
 */
export async function run(
  command: string | readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const { events = [], timeout = 30_000, signal, ...spawnOptions } = options;
  const deadline = timeout === null ? Infinity : performance.now() + timeout;
  await using session = spawn(command, { ...spawnOptions, timeout });
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  using _ = session.observe((e) =>
    void (e.type === "read" && chunks.push(decoder.decode(e.data, { stream: true })))
  );
  const patterns: Pattern[] = [EOF, ...events.map(([pattern]) => pattern)];
  for (;;) {
    const left = timeout === null ? null : Math.max(0, deadline - performance.now());
    const result = await session.expect(patterns, { timeout: left, signal });
    if (result.index === 0) {
      const status = result.exitStatus ?? await session.wait();
      return { output: chunks.join("") + decoder.decode(), ...status };
    }
    const response = events[result.index - 1][1];
    const text = typeof response === "function"
      ? await response(result as ExpectResult<Pattern, string>)
      : response;
    if (text) await session.send(text);
    if (events[result.index - 1][0] === TIMEOUT) {
      // The whole run's deadline has passed: answered once (pexpect answers each of its
      // per-call timeouts; ours bounds the run), then the program is ended.
      await session.close();
      const status = session.exitStatus() ?? { code: null, signal: null };
      return { output: chunks.join("") + decoder.decode(), ...status, timedOut: true };
    }
  }
}
