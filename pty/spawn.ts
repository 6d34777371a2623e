/**
 * Starting programs in pseudo-terminals.
 *
 * @module
 */
import { errnoCode } from "./_libc.ts";
import { findProgram, spawnNative } from "./_spawn.ts";
import { SpawnError } from "./errors.ts";
import { splitCommand } from "./_split.ts";
import { checkSize, PtyProcess } from "./process.ts";

/** Options of {@linkcode spawnProcess} and `spawn`. */
export interface SpawnOptions {
  /**
   * The child's whole environment. When given it replaces the inherited one (as pexpect's
   * `env`), and its `PATH` is the one searched for the program.
   *
   * @default {the current process's environment}
   */
  env?: Record<string, string>;
  /** The child's working directory. @default {the current one} */
  cwd?: string;
  /** Terminal width in cells, set before the child starts. @default {80} */
  cols?: number;
  /** Terminal height in cells, set before the child starts. @default {24} */
  rows?: number;
  /** Start with the terminal's echo on (termios `ECHO`). @default {true} */
  echo?: boolean;
}

/** Turns a command given as a string or an argv array into a checked argv. */
export function toArgv(command: string | readonly string[]): string[] {
  const argv = typeof command === "string" ? splitCommand(command) : [...command];
  if (argv.length === 0 || argv[0] === "") {
    throw new TypeError(`Cannot spawn an empty command: ${JSON.stringify(command)}`);
  }
  return argv;
}

/**
 * Starts a program in a new pseudo-terminal and returns the bare process object (streams,
 * no expect DSL), like node-pty's `spawn` or Python's `pty.fork()` + `exec`. Python's
 * `pty.fork()` itself is deliberately not offered: forking the multi-threaded V8 process
 * is unsafe; this uses `posix_spawnp`.
 *
 * @param command A program and its arguments: an array, or a string split into words the
 *   way a shell splits them (quotes and backslashes, no expansion, no shell run).
 * @param options Environment, working directory, initial size and echo.
 * @returns The running process.
 * @throws {SpawnError} At once, with `code` `ENOENT`/`EACCES`, when the program cannot start.
 * @throws {RangeError} On a bad size.
 *
 * @example Run a program and read its output
 * ```ts
 * import { spawnProcess } from "@dexpect/dexpect/pty";
 * await using child = spawnProcess("tty");
 * console.log(await new Response(child.readable).text()); // "/dev/pts/3\r\n"
 * ```
 */
export function spawnProcess(
  command: string | readonly string[],
  options: SpawnOptions = {},
): PtyProcess {
  const cols = options.cols ?? 80;
  const rows = options.rows ?? 24;
  checkSize(cols, rows);
  const argv = toArgv(command);
  return new PtyProcess(spawnNative({ ...options, argv, cols, rows }));
}

/**
 * Checks that `command`'s program can be found and run, so that a server or a batch can
 * fail at once instead of on first use.
 *
 * @param command The program and its arguments.
 * @param env The environment whose PATH is searched; this process's when not given.
 * @throws {SpawnError} With `code` `ENOENT` when the program is missing or not executable.
 */
export function checkProgram(
  command: string | readonly string[],
  env?: Record<string, string>,
): void {
  const [program] = toArgv(command);
  if (findProgram(program, env) === undefined) {
    throw new SpawnError(
      program,
      "posix_spawnp",
      errnoCode("ENOENT"),
      "no such program; check the name and PATH",
    );
  }
}
