/**
 * Programs in pseudo-terminals, through libc by Deno FFI (`--allow-ffi`).
 *
 * - {@linkcode spawn}: a program in a pty, driven with the expect DSL (pexpect's `spawn`).
 * - {@linkcode spawnProcess}: the bare process object with web streams (node-pty style).
 * - {@linkcode openpty}: a bare master/slave pair (Python's `pty.openpty`).
 * - {@linkcode stdioTerminal}: the user's terminal, for `interact()`.
 * - {@linkcode run}: run a program to its end answering prompts (pexpect's `run`).
 * - {@linkcode replwrap}, {@linkcode shellRepl}, {@linkcode pythonRepl}: one command's
 *   output at a time (pexpect's `replwrap`).
 * - {@linkcode spawnPipe}: a program on plain pipes, no pty (pexpect's `popen_spawn`).
 *
 * Children start with `posix_spawnp` as session leaders whose controlling terminal is the
 * pty; Python's `pty.fork()` is not offered, because forking the multi-threaded V8
 * process is unsafe. All ptys share one epoll (kqueue on macOS) wait that runs only while
 * somebody reads, so idle sessions cost no thread and scripts exit without `close()`.
 * Linux is tested; macOS support is written from its headers and untested.
 *
 * @example Drive a REPL
 * ```ts
 * import { spawn } from "@dexpect/dexpect/pty";
 * await using sh = spawn("sh", { env: { PS1: "$ ", PATH: "/usr/bin:/bin" }, timeout: 5_000 });
 * await sh.expect("$ ");
 * await sh.sendLine("echo $((1 << 10))");
 * await sh.expect("1024");
 * ```
 *
 * @module
 */
export { PtyError, SpawnError } from "./errors.ts";
export { openpty, type PtyPair } from "./openpty.ts";
export { type CloseOptions, PtyProcess, type SignalLike } from "./process.ts";
export {
  type PtyScreenOption,
  PtySession,
  type PtySessionOptions,
  spawn,
  type WaitNoEchoOptions,
} from "./session.ts";
export { type SpawnOptions, spawnProcess } from "./spawn.ts";
export { stdioTerminal } from "./terminal.ts";
// The engine, so that one import gives the whole DSL (EOF, TIMEOUT, errors, types).
export * from "../expect/mod.ts";
export { PipeSession, type PipeSessionOptions, spawnPipe } from "./pipe.ts";
export { run, type RunOptions, type RunResponse, type RunResult } from "./run.ts";
export { pythonRepl, Repl, type ReplOptions, replwrap, shellRepl } from "./repl.ts";
