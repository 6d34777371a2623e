import { errnoName } from "./_libc.ts";

/**
 * A libc call of the pty layer failed. Carries the call's name and the errno, both as a
 * number and as its symbolic name, like Node's `SystemError`.
 *
 * @example Tell a missing program from other failures
 * ```ts
 * import { PtyError, spawn } from "@dexpect/dexpect/pty";
 * try {
 *   spawn("no-such-program-here");
 * } catch (error) {
 *   if (error instanceof PtyError && error.code === "ENOENT") console.error(error.message);
 * }
 * ```
 */
export class PtyError extends Error {
  /** The error class name, `"PtyError"`. */
  override name = "PtyError";
  /** The libc function that failed, e.g. `posix_spawnp`. */
  readonly syscall: string;
  /** The errno value, e.g. 2. */
  readonly errno: number;
  /** The errno name, e.g. `ENOENT`. */
  readonly code: string;

  /**
   * Creates the error.
   *
   * @param action What could not be done, starting with "Cannot" (`Cannot spawn "bash"`).
   * @param syscall The libc function that failed.
   * @param errno The errno value it reported.
   * @param options `cause`, when wrapping another error.
   */
  constructor(action: string, syscall: string, errno: number, options?: ErrorOptions) {
    const code = errnoName(errno);
    super(`${action}: ${syscall} failed with ${code}`, options);
    this.syscall = syscall;
    this.errno = errno;
    this.code = code;
  }
}

/**
 * A program could not be started in a pty: it does not exist, is not executable, or a
 * spawn setting (such as `cwd`) is wrong. Thrown by `spawn()` at once, before any I/O.
 *
 * @example Report a missing program
 * ```ts
 * import { SpawnError, spawn } from "@dexpect/dexpect/pty";
 * try {
 *   spawn(["no-such-program-here"]);
 * } catch (error) {
 *   if (error instanceof SpawnError) console.error(error.program, error.code);
 * }
 * ```
 */
export class SpawnError extends PtyError {
  /** The error class name, `"SpawnError"`. */
  override name = "SpawnError";
  /** The program that could not be started, as given. */
  readonly program: string;

  /**
   * Creates the error.
   *
   * @param program The program as given to `spawn`.
   * @param syscall The libc function that failed.
   * @param errno The errno value it reported.
   * @param hint What the user can do about it, appended to the message.
   */
  constructor(program: string, syscall: string, errno: number, hint?: string) {
    super(`Cannot spawn ${JSON.stringify(program)}`, syscall, errno);
    if (hint) this.message += ` (${hint})`;
    this.program = program;
  }
}
