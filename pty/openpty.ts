/**
 * A bare pseudo-terminal pair, as Python's `pty.openpty()`.
 *
 * @module
 */
import { cString, errno, libc } from "./_libc.ts";
import { openMaster } from "./_spawn.ts";
import { PtyError } from "./errors.ts";

/**
 * The two ends of a pseudo-terminal as raw file descriptors, plus the slave's path. The
 * fds are close-on-exec and the master is non-blocking. Deno cannot wrap a raw fd in a
 * stream: pass the path to programs, or use `spawn()` / `spawnProcess()`, which manage
 * both ends for you.
 */
export interface PtyPair extends Disposable {
  /** The master's fd (the controlling side). */
  readonly master: number;
  /** The slave's fd (the terminal a program uses). */
  readonly slave: number;
  /** The slave's path, e.g. `/dev/pts/4`. */
  readonly path: string;
  /** Closes both fds; safe to call more than once. */
  close(): void;
}

const O_CLOEXEC = 0o2000000;

/**
 * Opens a new pseudo-terminal pair: POSIX `posix_openpt` + `grantpt` + `unlockpt`, then
 * the slave by its path (with `O_NOCTTY`, so it does not become this process's
 * controlling terminal). Python's `pty.openpty()`.
 *
 * @returns The pair; close it (or `using` it) when done.
 * @throws {PtyError} When the system is out of ptys or fds.
 *
 * @example Open and close a pair
 * ```ts
 * import { openpty } from "@dexpect/dexpect/pty";
 * using pair = openpty();
 * console.log(pair.path); // "/dev/pts/5"
 * ```
 */
export function openpty(): PtyPair {
  const { libc: c, platform: p } = libc();
  const { fd: master, path } = openMaster();
  const flags = p.O_RDWR | p.O_NOCTTY | (p.os === "linux" ? O_CLOEXEC : 0);
  const slave = c.open(cString(path), flags);
  if (slave < 0) {
    const code = errno();
    c.close(master);
    throw new PtyError(`Cannot open the pty slave ${path}`, "open", code);
  }
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    c.close(slave);
    c.close(master);
  };
  return { master, slave, path, close, [Symbol.dispose]: close };
}
