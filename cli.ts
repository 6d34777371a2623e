#!/usr/bin/env -S deno run --allow-ffi --allow-net --allow-read --allow-write --allow-env
/**
 * The `dexpect` command line: argument parsing and wiring of the library, nothing more.
 *
 * ```text
 * dexpect spawn [--log FILE] [--record FILE.cast] -- CMD ARGS...
 * dexpect run [--timeout MS] [--expect PATTERN --send TEXT]... -- CMD ARGS...
 * ```
 *
 * Exit codes: 0 success; the child's code for `spawn`/`run`; 1 a pattern timed out;
 * 2 usage error; 3 EOF before a pattern matched; 128+N when the child died of signal N.
 *
 * @example Run from a checkout
 * ```sh
 * deno run --allow-ffi cli.ts run --expect '$ ' --send 'echo hi\n' --expect hi -- sh
 * ```
 *
 * @module
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { EOFError, TimeoutError } from "./expect/errors.ts";
import { EOF } from "./expect/patterns.ts";
import type { ExitStatus } from "./expect/channel.ts";
import { SpawnError } from "./pty/errors.ts";
import { spawn } from "./pty/session.ts";
import { stdioTerminal } from "./pty/terminal.ts";
import { parsePattern, unescapeText } from "./expect/dialogue.ts";

export type { ExitStatus };

const VERSION = "0.1.0";
const encoder = new TextEncoder();

/** Exit codes of the CLI, as documented in README and `--help`. */
export const ExitCode = { ok: 0, timeout: 1, usage: 2, eof: 3 } as const;

class UsageError extends Error {
  override name = "UsageError";
}

const HELP = `dexpect ${VERSION}: automate interactive programs (pty) and Telnet sessions

Usage:
  dexpect spawn [--log FILE] [--record FILE.cast] -- CMD ARGS...
  dexpect run [--timeout MS] [--expect PATTERN --send TEXT]... -- CMD ARGS...
  dexpect COMMAND --help

Options:
  -h, --help     show help
  -V, --version  show the version
      --debug    show stack traces on errors

Exit codes:
  0        success
  N        the child's exit code (spawn, run)
  1        a pattern timed out
  2        usage error
  3        EOF before a pattern matched
  128+N    the child died of signal N
`;

const COMMAND_HELP: Record<string, string> = {
  spawn: `Usage: dexpect spawn [--log FILE] [--record FILE.cast] -- CMD ARGS...

Runs CMD in a pseudo-terminal attached to your terminal and records the session, like
script(1). Exits with the child's status.

  --log FILE       write everything the program prints to FILE (a typescript)
  --record FILE    record an asciicast v2 file (replay with asciinema play FILE)
`,
  run: `Usage: dexpect run [--timeout MS] [--expect PATTERN --send TEXT]... -- CMD ARGS...

Runs CMD in a pseudo-terminal and plays a dialogue: each --expect waits for PATTERN, each
--send types TEXT, in the order given. Prints the program's output; exits with its status.

  --expect PATTERN  an exact string, or /regex/flags
  --send TEXT       text with C escapes: \\r \\n \\t \\\\ \\xHH (e.g. 'yes\\r')
  --timeout MS      deadline of each --expect in milliseconds (default 30000)
`,
};

/** Runs the CLI with `args`; resolves to the process exit code. */
export async function main(args: string[]): Promise<number> {
  const at = args.indexOf("--");
  const own = at < 0 ? args : args.slice(0, at);
  const debug = own.includes("--debug");
  const [command, ...rest] = [
    ...own.filter((a) => a !== "--debug"),
    ...(at < 0 ? [] : args.slice(at)),
  ];
  try {
    if (command === undefined || command === "-h" || command === "--help") return print(HELP);
    if (command === "-V" || command === "--version") return print(`dexpect ${VERSION}\n`);
    const handler = COMMANDS[command];
    if (!handler) throw new UsageError(`unknown command "${command}"; see dexpect --help`);
    if (own.includes("--help") || own.includes("-h")) return print(COMMAND_HELP[command] ?? HELP);
    return await handler(rest);
  } catch (error) {
    return report(error, debug);
  }
}

function print(text: string): number {
  console.log(text.trimEnd());
  return ExitCode.ok;
}

function report(error: unknown, debug: boolean): number {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`dexpect: ${message}`);
  if (debug && error instanceof Error && error.stack) console.error(error.stack);
  // SyntaxError: a pattern, escape or dialogue file the user wrote does not parse.
  if (error instanceof UsageError || error instanceof SyntaxError) return ExitCode.usage;
  if (error instanceof TimeoutError) return ExitCode.timeout;
  if (error instanceof EOFError) return ExitCode.eof;
  if (error instanceof SpawnError) return error.code === "ENOENT" ? 127 : 126;
  return 1;
}

/** The exit code that mirrors a child's status, as shells do (128+N for signal N). */
export function statusCode(status: ExitStatus | undefined): number {
  if (!status) return 1;
  return status.signal !== null ? 128 + status.signal : status.code ?? 1;
}

function splitCommand(args: string[]): { options: string[]; command: string[] } {
  const at = args.indexOf("--");
  const command = at < 0 ? [] : args.slice(at + 1);
  if (command.length === 0 || command[0] === "") {
    throw new UsageError("missing the command to run after --");
  }
  return { options: args.slice(0, at), command };
}

function parse<const T extends ParseArgsOptionsConfig>(args: string[], options: T) {
  try {
    return parseArgs({
      args,
      options,
      strict: true,
      allowPositionals: false,
      tokens: true as const,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function timeoutOption(value: string | undefined): number | null {
  if (value === undefined) return 30_000;
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms < 0) {
    throw new UsageError(`--timeout takes milliseconds, not "${value}"`);
  }
  return ms;
}

async function openLog(path: string | undefined): Promise<Deno.FsFile | undefined> {
  return path === undefined
    ? undefined
    : await Deno.open(path, { write: true, create: true, truncate: true });
}

async function spawnCommand(args: string[]): Promise<number> {
  const { options, command } = splitCommand(args);
  const { values } = parse(options, { log: { type: "string" }, record: { type: "string" } });
  const terminal = stdioTerminal();
  const size = terminal.size?.() ?? { cols: 80, rows: 24 };
  await using log = await openLog(values.log);
  // The recorder releases the stream when the session closes; closing the stream (not the
  // file) flushes what Deno's FsFile.writable buffers.
  const record = await openLog(values.record);
  const stamp = () => new Date().toISOString();
  if (log) {
    await log.write(
      encoder.encode(`Script started on ${stamp()} [COMMAND="${command.join(" ")}"]\n`),
    );
  }
  const where = [values.log, values.record].filter(Boolean).join(" and ");
  if (where) console.error(`Script started, output file is ${where}.`);
  const session = spawn(command, {
    ...size,
    timeout: null,
    observers: log ? [(e) => void (e.type === "read" && log.writeSync(e.data))] : [],
    record: record?.writable,
  });
  let status: ExitStatus;
  try {
    await session.interact({ terminal, escapeCharacter: null });
    status = await session.wait();
  } finally {
    await session.close();
    await record?.writable.close();
  }
  if (log) {
    await log.write(
      encoder.encode(`\nScript done on ${stamp()} [COMMAND_EXIT_CODE="${statusCode(status)}"]\n`),
    );
  }
  if (where) console.error("Script done.");
  return statusCode(status);
}

async function runCommand(args: string[]): Promise<number> {
  const { options, command } = splitCommand(args);
  const { values, tokens } = parse(options, {
    timeout: { type: "string" },
    expect: { type: "string", multiple: true },
    send: { type: "string", multiple: true },
  });
  const timeout = timeoutOption(values.timeout);
  const steps = (tokens ?? []).flatMap((t) =>
    t.kind === "option" && (t.name === "expect" || t.name === "send")
      ? [{ kind: t.name, value: t.value ?? "" }]
      : []
  );
  const stdout = Deno.stdout;
  await using session = spawn(command, {
    timeout,
    observers: [(e) => void (e.type === "read" && stdout.writeSync(e.data))],
  });
  for (const step of steps) {
    if (step.kind === "expect") await session.expect(parsePattern(step.value));
    else await session.send(unescapeText(step.value));
  }
  const end = await session.expect(EOF);
  return statusCode(end.exitStatus ?? session.exitStatus());
}

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  spawn: spawnCommand,
  run: runCommand,
};

if (import.meta.main) Deno.exit(await main(Deno.args));
