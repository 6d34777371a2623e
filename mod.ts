/**
 * dexpect: automate interactive sessions from Deno. Drive programs in pseudo-terminals
 * (Deno FFI to libc) and network devices over Telnet with one typed, async `expect` DSL,
 * in the tradition of pexpect, Tcl Expect and Python's telnetlib.
 *
 * - `expect/`: the transport-agnostic engine ({@linkcode Session}, patterns, errors).
 * - `pty/`: {@linkcode spawn} a program in a pty (`--allow-ffi`).
 * - `telnet/`: the {@linkcode Telnet} client (telnetlib's API on the DSL), a loopback
 *   {@linkcode serve}r for mock devices, and the sans-I/O protocol core (`--allow-net`).
 *
 * @example Drive a shell in a pty
 * ```ts
 * import { EOF, spawn } from "@dexpect/dexpect";
 * await using sh = spawn("sh", { env: { PS1: "$ ", PATH: "/usr/bin:/bin" } });
 * await sh.expect("$ ");
 * await sh.sendLine("echo hello; exit 3");
 * await sh.expect("hello");
 * const end = await sh.expect(EOF);
 * console.log(end.exitStatus); // { code: 3, signal: null }
 * ```
 *
 * @module
 */
export * from "./expect/mod.ts";
export * from "./pty/mod.ts";
export * from "./telnet/mod.ts";
