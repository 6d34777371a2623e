#!/usr/bin/env -S deno run --allow-ffi --allow-net --allow-read --allow-write --allow-env
/**
 * The `dexpect` command line: argument parsing and wiring of the library, nothing more.
 *
 * ```text
 * dexpect telnet HOST [PORT] [--tls] [--log FILE] [--record FILE.cast]
 * dexpect spawn [--log FILE] [--record FILE.cast] -- CMD ARGS...
 * dexpect run [--timeout MS] [--expect PATTERN --send TEXT]... -- CMD ARGS...
 * dexpect chat FILE
 * dexpect serve [--port N] [--hostname 127.0.0.1] -- CMD ARGS...
 * dexpect batch --inventory FILE --dialogue FILE [--out FILE] [--concurrency N] ...
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
import { PtySession, spawn } from "./pty/session.ts";
import { stdioTerminal } from "./pty/terminal.ts";
import { parsePattern, unescapeText } from "./expect/dialogue.ts";
import { type ChatOpenStep, parseChat, runChat } from "./expect/chat.ts";
import type { SessionObserver } from "./expect/observers.ts";
import type { Session } from "./expect/session.ts";
import { Telnet } from "./telnet/client.ts";
import { serve } from "./telnet/server.ts";
import { parseShard, type Shard, shardFromEnv } from "./fleet/shard.ts";

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
  dexpect telnet HOST [PORT] [--tls] [--log FILE] [--record FILE.cast]
  dexpect spawn [--log FILE] [--record FILE.cast] -- CMD ARGS...
  dexpect run [--timeout MS] [--expect PATTERN --send TEXT]... -- CMD ARGS...
  dexpect chat FILE
  dexpect serve [--port N] [--hostname 127.0.0.1] -- CMD ARGS...
  dexpect batch --inventory FILE --dialogue FILE [--out FILE] [--concurrency N] ...
  dexpect COMMAND --help

Options:
  -h, --help     show help
  -V, --version  show the version
      --debug    show stack traces on errors

Exit codes:
  0        success
  N        the child's exit code (spawn, run, chat)
  1        a pattern timed out
  2        usage error
  3        EOF before a pattern matched
  128+N    the child died of signal N
`;

const COMMAND_HELP: Record<string, string> = {
  telnet: `Usage: dexpect telnet HOST [PORT] [--tls] [--log FILE] [--record FILE.cast]

An interactive Telnet client, like telnet(1). PORT defaults to 23 (992 with --tls). Your
terminal is in raw mode and its size goes to the server (NAWS). Ctrl-] opens the
dexpect> prompt:

  close              close the connection and exit
  status             show the connection
  send brk|ip|ayt    send Break, Interrupt Process or Are You There
  continue           return to the session (also an empty line)

  --tls            connect with TLS (telnets)
  --log FILE       write everything the server sends to FILE
  --record FILE    record an asciicast v2 file
`,
  chat: `Usage: dexpect chat FILE

Runs a dialogue file, one step a line:

  spawn CMD ARGS...     start a program in a pty
  connect HOST [PORT]   connect to a Telnet server
  expect PATTERN        wait for an exact string, or /regex/flags ("..." keeps spaces)
  send TEXT             type TEXT (C escapes: \\r \\n \\t \\xHH)
  sendline TEXT         type TEXT and the line ending
  timeout MS            deadline of each following expect (default 30000)
  # comment

Prints the output. After the last step it waits for the program to end and exits with
its status (0 when the last step was on a connection).
`,
  serve: `Usage: dexpect serve [--port N] [--hostname ADDR] -- CMD ARGS...

Serves CMD over Telnet, one pty per connection (NAWS resizes it, TTYPE sets TERM), for
local testing. Listens on 127.0.0.1 unless --hostname is given explicitly. Ctrl-C stops.

  --port N         port to listen on (default 2323; 0 picks a free one)
  --hostname ADDR  address to listen on (default 127.0.0.1)
`,
  batch: `Usage: dexpect batch --inventory FILE --dialogue FILE [options]

Runs a dialogue file (see dexpect chat --help) on every device of an inventory: CSV with a
header row or JSON Lines, one device per row with a host column, an optional port, and
any other columns as \${variables}. A dialogue without connect/spawn connects to
host:port over Telnet. \${env:NAME} sends the environment variable NAME as a secret.

  --out FILE            results, one JSON line per device as it ends (default: stdout)
  --resume              skip devices already ok in --out and keep their lines
  --concurrency N       devices at once (default 100)
  --rate N/s            connection attempts per second (default: no limit)
  --timeout MS          deadline of each expect (default 30000; the dialogue's wins)
  --deadline MS         each device's overall deadline (default 120000)
  --retries N           retries of connection failures, with backoff (default 2)
  --shard I/N           run shard I (0-based) of N; default from JOB_COMPLETION_INDEX and
                        DEXPECT_SHARD_COUNT (Kubernetes) or SLURM_ARRAY_TASK_* (Slurm)
  --log-dir DIR         write each device's KEY.log and KEY.cast (asciicast) there
  --progress-interval MS  how often progress is shown (default 250 on a terminal, 5000)

Ctrl-C stops taking devices and lets those in flight finish; a second Ctrl-C interrupts
them. Exit code: 0 when every device is ok, 1 when any failed, 130 when stopped.
`,
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

/** Runs a file operation, naming the file and its purpose when it fails. */
async function withFile<T>(what: string, path: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(
      / \(os error \d+\).*$/,
      "",
    );
    throw new Error(`Cannot ${what} ${path}: ${reason.toLowerCase()}`, { cause: error });
  }
}

async function openLog(path: string | undefined): Promise<Deno.FsFile | undefined> {
  if (path === undefined) return undefined;
  return await withFile(
    "write",
    path,
    () => Deno.open(path, { write: true, create: true, truncate: true }),
  );
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
    observers: logTo(log),
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

/** An observer that copies what is read to `file` (a typescript log). */
function logTo(file: Deno.FsFile | undefined): SessionObserver[] {
  return file ? [(e) => void (e.type === "read" && file.writeSync(e.data))] : [];
}

async function telnetCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { tls: { type: "boolean" }, log: { type: "string" }, record: { type: "string" } },
    allowPositionals: true,
    strict: true,
  });
  const [host, port = values.tls ? "992" : "23", extra] = positionals;
  if (!host || extra !== undefined || !/^\d+$/.test(port)) {
    throw new UsageError("telnet takes HOST [PORT]");
  }
  const terminal = stdioTerminal();
  await using log = await openLog(values.log);
  const record = await openLog(values.record);
  const session = await Telnet.connect(host, Number(port), {
    tls: values.tls ?? false,
    timeout: 10_000,
    terminalTypes: [Deno.env.get("TERM") || "xterm"],
    ...(terminal.size?.() ?? {}),
    observers: logTo(log),
    record: record?.writable,
  });
  try {
    session.timeout = null;
    console.error(`Connected to ${host}.\nEscape character is '^]'.`);
    for (;;) {
      const end = await session.interact({ terminal, escapeCharacter: 0x1d });
      if (end.reason === "eof") {
        console.error("Connection closed by foreign host.");
        return ExitCode.ok;
      }
      if (await escapePrompt(session, `${host} port ${port}`) === "close") return ExitCode.ok;
    }
  } finally {
    await session.close();
    await record?.writable.close();
  }
}

const PROMPT_HELP = "Commands: close, status, send brk|ip|ayt, continue";

/** telnet(1)'s escape prompt: one command, then back to the session (or close). */
async function escapePrompt(session: Telnet, where: string): Promise<"close" | "continue"> {
  const reader = Deno.stdin.readable.getReader();
  try {
    for (;;) {
      await Deno.stdout.write(encoder.encode("\r\ndexpect> "));
      const { value, done } = await reader.read();
      const line = done ? "close" : new TextDecoder().decode(value).trim();
      const [command = "continue", what] = line.split(/\s+/);
      if (command === "close" || command === "quit") return "close";
      if (command === "continue" || command === "") return "continue";
      if (command === "status") console.log(`Connected to ${where}.`);
      else if (command === "send" && what === "brk") await session.sendBreak();
      else if (command === "send" && what === "ip") await session.sendIntr();
      else if (command === "send" && what === "ayt") await session.areYouThere();
      else console.log(`?Invalid command. ${PROMPT_HELP}`);
      if (command !== "status" && command !== "send") continue;
      return "continue";
    }
  } finally {
    reader.releaseLock();
  }
}

async function chatCommand(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError("chat takes one dialogue FILE");
  const file = positionals[0];
  const steps = parseChat(
    await withFile("read the dialogue file", file, () => Deno.readTextFile(file)),
  );
  const show: SessionObserver[] = [
    (e) => void (e.type === "read" && Deno.stdout.writeSync(e.data)),
  ];
  const open = (step: ChatOpenStep): Session | Promise<Session> =>
    step.kind === "spawn"
      ? spawn(step.command, { observers: show })
      : Telnet.connect(step.host, step.port, { observers: show });
  const session = await runChat(steps, { open });
  try {
    // A program is waited for (its output keeps showing); a connection just ends.
    if (!(session instanceof PtySession)) return ExitCode.ok;
    const end = await session.expect(EOF);
    return statusCode(end.exitStatus);
  } finally {
    await session?.close();
  }
}

async function serveCommand(args: string[]): Promise<number> {
  const { options, command } = splitCommand(args);
  const { values } = parse(options, { port: { type: "string" }, hostname: { type: "string" } });
  const port = Number(values.port ?? 2323);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port takes 0-65535`);
  }
  // An explicit --hostname is the user's consent to listen beyond loopback.
  const hostname = values.hostname ?? "127.0.0.1";
  await using server = serve({
    port,
    hostname,
    allowRemote: values.hostname !== undefined,
    command,
  });
  console.error(
    `Serving ${command.join(" ")} on telnet://${hostname}:${server.addr.port} (Ctrl-C stops)`,
  );
  const stop = () => void server.close();
  Deno.addSignalListener("SIGINT", stop);
  try {
    await server.finished;
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
  }
  return ExitCode.ok;
}

/** A number option: `undefined` when absent; a usage error unless it is a number >= `min`. */
function numberOption(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min) {
    throw new UsageError(`--${name} takes a number >= ${min}, not "${value}"`);
  }
  return n;
}

async function batchCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    inventory: { type: "string" },
    dialogue: { type: "string" },
    out: { type: "string" },
    resume: { type: "boolean" },
    concurrency: { type: "string" },
    rate: { type: "string" },
    deadline: { type: "string" },
    timeout: { type: "string" },
    retries: { type: "string" },
    shard: { type: "string" },
    "log-dir": { type: "string" },
    "progress-interval": { type: "string" },
  });
  if (!values.inventory || !values.dialogue) {
    throw new UsageError("batch needs --inventory FILE and --dialogue FILE");
  }
  if (values.resume && !values.out) throw new UsageError("--resume needs --out FILE");
  const rate = /^\s*([\d.]+)\s*(\/s)?\s*$/.exec(values.rate ?? "0")?.[1];
  let shard: Shard | undefined;
  try {
    shard = values.shard ? parseShard(values.shard) : shardFromEnv(Deno.env.toObject());
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const numbers = {
    concurrency: numberOption("concurrency", values.concurrency, 1),
    rate: values.rate === undefined ? undefined : numberOption("rate", rate ?? values.rate, 1e-6),
    deadline: numberOption("deadline", values.deadline, 1),
    timeout: numberOption("timeout", values.timeout),
    retries: numberOption("retries", values.retries),
  };
  const interval = numberOption("progress-interval", values["progress-interval"], 10);
  // Loaded on demand: only batch needs the CSV parser (an npm package).
  const { runBatchJob } = await import("./fleet/job.ts");
  const stop = new AbortController();
  const cancel = new AbortController();
  const interrupt = () => {
    if (stop.signal.aborted) return cancel.abort();
    stop.abort();
    console.error("\nStopping: the devices in flight finish (Ctrl-C again interrupts them)");
  };
  Deno.addSignalListener("SIGINT", interrupt);
  try {
    const summary = await runBatchJob({
      inventory: values.inventory,
      task: values.dialogue,
      env: Deno.env.toObject(),
      out: values.out,
      resume: values.resume ?? false,
      shard,
      logDir: values["log-dir"],
      ...numbers,
      signal: stop.signal,
      cancel: cancel.signal,
      progress: {
        write: (text) => void Deno.stderr.writeSync(encoder.encode(text)),
        tty: Deno.stderr.isTerminal(),
        interval,
      },
      onResult: values.out ? undefined : (result) => console.log(JSON.stringify(result)),
    });
    if (summary.stopped) return 130;
    return summary.ok ? ExitCode.ok : 1;
  } finally {
    Deno.removeSignalListener("SIGINT", interrupt);
  }
}

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  telnet: telnetCommand,
  spawn: spawnCommand,
  run: runCommand,
  chat: chatCommand,
  serve: serveCommand,
  batch: batchCommand,
};

if (import.meta.main) Deno.exit(await main(Deno.args));
