#!/usr/bin/env -S deno run --allow-ffi --allow-net --allow-read --allow-write --allow-env
/**
 * The `dexpect` command line: argument parsing and wiring of the library, nothing more.
 *
 * ```text
 * dexpect telnet HOST [PORT] [--tls] [--log FILE] [--record FILE.cast [--record-input]]
 * dexpect spawn [--log FILE] [--record FILE.cast [--record-input]] -- CMD ARGS...
 * dexpect run [--timeout MS] [--screen [--svg FILE]] [--expect PATTERN --send TEXT]... -- CMD ARGS...
 * dexpect chat FILE
 * dexpect serve [--port N] [--hostname 127.0.0.1] -- CMD ARGS...
 * dexpect serve [--port N] [--hostname 127.0.0.1] [--speed X] --replay FILE.cast
 * dexpect replay [--speed X] [--idle-limit MS] FILE.cast
 * dexpect batch --inventory FILE --dialogue FILE [--out FILE] [--concurrency N] ...
 * ```
 *
 * Exit codes: 0 success; the child's code for `spawn`/`run`; 1 a pattern timed out;
 * 2 usage error; 3 EOF before a pattern matched; 4 a dialogue failed (chat); 126 the program
 * could not be started, 127 it was not found; 128+N when the child died of signal N.
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
import { type ChatOpenStep, parseChat } from "./expect/chat.ts";
import { ChatError, playChat } from "./expect/chat_play.ts";
import type { SessionObserver } from "./expect/observers.ts";
import { Telnet } from "./telnet/client.ts";
import { TelnetOption } from "./telnet/constants.ts";
import { autoNvtMode, NvtLineEditor, type NvtMode } from "./telnet/line_mode.ts";
import type { InteractResult, InteractTerminal } from "./expect/interact.ts";
import { serve } from "./telnet/server.ts";
import { parseShard, type Shard, shardFromEnv } from "./fleet/shard.ts";
import { playCassette, serveReplay } from "./cassette/serve.ts";
import { type Cassette, parseCassette } from "./cassette/format.ts";

export type { ExitStatus };

const VERSION = "0.1.0";
const encoder = new TextEncoder();

/** Exit codes of the CLI, as documented in README and `--help`. */
export const ExitCode = { ok: 0, timeout: 1, usage: 2, eof: 3, failed: 4 } as const;

class UsageError extends Error {
  override name = "UsageError";
}

const HELP = `dexpect ${VERSION}: automate interactive programs (pty) and Telnet sessions

Usage:
  dexpect telnet HOST [PORT] [--tls] [--log FILE] [--record FILE.cast [--record-input]]
  dexpect spawn [--log FILE] [--record FILE.cast [--record-input]] -- CMD ARGS...
  dexpect run [--timeout MS] [--screen [--svg FILE]] [--expect PATTERN --send TEXT]... -- CMD ARGS...
  dexpect chat FILE
  dexpect serve [--port N] [--hostname 127.0.0.1] -- CMD ARGS...
  dexpect serve [--port N] [--hostname 127.0.0.1] [--speed X] --replay FILE.cast
  dexpect replay [--speed X] [--idle-limit MS] FILE.cast
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
  4        a dialogue failed (a fail step, an unset variable or secret)
  126      the program could not be started (not executable)
  127      the program was not found
  128+N    the child died of signal N
`;

const COMMAND_HELP: Record<string, string> = {
  telnet:
    `Usage: dexpect telnet HOST [PORT] [--tls] [--log FILE] [--record FILE.cast [--record-input]]

An interactive Telnet client, like telnet(1). PORT defaults to 23 (992 with --tls). Your
terminal's size goes to the server (NAWS). While the server does not echo, keys are echoed
and edited locally and each line is sent on Enter (NVT line mode); once it echoes (WILL
ECHO), each key goes out at once (character mode). Ctrl-] opens the dexpect> prompt:

  close              close the connection and exit
  status             show the connection and the input mode
  mode [line|character|auto]   show or set the input mode: line (local echo and
                     editing, sent on Enter) or character (each key at once); auto
                     picks character mode when the server echoes
  send brk|ip|ayt    send Break, Interrupt Process or Are You There
  continue           return to the session (also an empty line)
  help, ?            list these commands
  Ctrl-] (again)     send a literal Ctrl-] to the server

  --tls            connect with TLS (telnets)
  --log FILE       write everything the server sends to FILE
  --record FILE    record an asciicast v2 file (output only)
  --record-input   also record what you type (the server's echo state is not known:
                   passwords you type are recorded too)

FILEs are created private (mode 0600); what the server echoes of a password is in them.
`,
  chat: `Usage: dexpect chat FILE

Runs a dialogue file, one step a line:

  spawn CMD ARGS...     start a program in a pty
  connect HOST [PORT]   connect to a Telnet server
  size COLSxROWS        window size of the following spawn/connect (and the current one)
  expect PATTERN        wait for an exact string (the rest of the line), "text" (keeps
                        spaces, C escapes), /regex/flags, eof or timeout
  expect /re (\\S+)/ as NAME   capture group 1 into \${NAME} (named groups too)
  expect {              alternatives, one a line: PATTERN [as NAME] [ACTION; ACTION...]
    "--More--"  send " "; continue     actions: send, sendline, secret, fail, continue
    /[#>] $/                           (continue waits again: paging)
    timeout     fail "no prompt"
  }
  send TEXT             type TEXT (C escapes: \\r \\n \\t \\xHH); \${NAME} is replaced
  sendline TEXT         type TEXT and the line ending
  secret ENV            type the value of environment variable ENV and the line ending;
                        logs, recordings and errors show ***
  fail MESSAGE          stop: the dialogue failed (exit code 4)
  timeout MS            deadline of each following expect (default 30000)
  # comment             also after a step: " # " outside quotes

Prints the output. After the last step it waits for the program to end and exits with
its status (0 when the last step was on a connection).
`,
  serve: `Usage: dexpect serve [--port N] [--hostname ADDR] -- CMD ARGS...
       dexpect serve [--port N] [--hostname ADDR] [--speed X] --replay FILE.cast

Serves CMD over Telnet, one pty per connection (NAWS resizes it, TTYPE sets TERM), for
local testing. Listens on 127.0.0.1 unless --hostname is given explicitly. Ctrl-C stops.
With --replay, each client gets the recorded device of a cassette instead: its output up
to each recorded input, played on when the client's input matches.

  --port N         port to listen on (default 2323; 0 picks a free one)
  --hostname ADDR  address to listen on (default 127.0.0.1)
  --replay FILE    play this cassette to each client
  --speed X        with --replay: output at X times the recorded pace (default: at once)
`,
  replay: `Usage: dexpect replay [--speed X] [--idle-limit MS] FILE.cast

Plays the output of a cassette (or any asciicast v2 file) in your terminal at the recorded
pace, byte for byte.

  --speed X        X times the recorded pace (default 1)
  --idle-limit MS  longest pause in milliseconds (default: none)
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
  spawn: `Usage: dexpect spawn [--log FILE] [--record FILE.cast [--record-input]] -- CMD ARGS...

Runs CMD in a pseudo-terminal attached to your terminal and records the session, like
script(1). Exits with the child's status.

  --log FILE       write everything the program prints to FILE (a typescript)
  --record FILE    record an asciicast v2 file (replay with asciinema play FILE)
  --record-input   also record what you type, except while the terminal's echo is off
                   (password prompts)

FILEs are created private (mode 0600).
`,
  run:
    `Usage: dexpect run [--timeout MS] [--screen [--svg FILE]] [--expect PATTERN --send TEXT]... -- CMD ARGS...

Runs CMD in a pseudo-terminal and plays a dialogue: each --expect waits for PATTERN, each
--send types TEXT, in the order given. Prints the program's output; exits with its status.

  --expect PATTERN  an exact string, or /regex/flags
  --send TEXT       text with C escapes: \\r \\n \\t \\\\ \\xHH (e.g. 'yes\\r')
  --timeout MS      deadline of each --expect in milliseconds (default 30000)
  --screen          emulate the terminal: each --expect looks at the screen, and the final
                    screen is printed instead of the raw output (for full-screen programs)
  --svg FILE        with --screen, also write a picture of the final screen (SVG) to FILE
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
  if (error instanceof ChatError) return ExitCode.failed;
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

/**
 * Opens a log or recording for writing, private to the user (0600): a session's output can
 * hold what the peer echoes of secrets. An existing regular file is truncated and made
 * private too; devices and pipes (`/dev/stderr`) are left as they are.
 */
async function openLog(path: string | undefined): Promise<Deno.FsFile | undefined> {
  if (path === undefined) return undefined;
  return await withFile("write", path, async () => {
    const file = await Deno.open(path, { write: true, create: true, truncate: true, mode: 0o600 });
    try {
      const { isFile, mode } = await file.stat();
      if (isFile && mode !== null && (mode & 0o077) !== 0) await Deno.chmod(path, 0o600);
    } catch (error) {
      file.close();
      throw error;
    }
    return file;
  });
}

async function spawnCommand(args: string[]): Promise<number> {
  const { options, command } = splitCommand(args);
  const { values } = parse(options, {
    log: { type: "string" },
    record: { type: "string" },
    "record-input": { type: "boolean" },
  });
  const terminal = stdioTerminal();
  const size = terminal.size?.() ?? { cols: 80, rows: 24 };
  // The session writes to the files' streams and releases them when it closes. Closing a
  // stream flushes what Deno's FsFile.writable buffers (and closes the file).
  const log = await openLog(values.log);
  const record = await openLog(values.record);
  const stamp = () => new Date().toISOString();
  const where = [values.log, values.record].filter(Boolean).join(" and ");
  let status: ExitStatus | undefined;
  try {
    await log?.write(
      encoder.encode(`Script started on ${stamp()} [COMMAND="${command.join(" ")}"]\n`),
    );
    if (where) console.error(`Script started, output file is ${where}.`);
    const session = spawn(command, {
      ...size,
      timeout: null,
      logRead: log?.writable,
      record: record?.writable,
      recordInput: values["record-input"] ?? false,
    });
    try {
      await session.interact({ terminal, escapeCharacter: null });
      status = await session.wait();
    } finally {
      await session.close();
    }
  } finally {
    const done = status === undefined
      ? ""
      : `\nScript done on ${stamp()} [COMMAND_EXIT_CODE="${statusCode(status)}"]\n`;
    if (log) await closeStream(log.writable, done);
    if (record) await closeStream(record.writable);
  }
  if (where) console.error("Script done.");
  return statusCode(status);
}

/** Writes `last` to a file's stream and closes it (flushing it, and closing the file). */
async function closeStream(stream: WritableStream<Uint8Array>, last = ""): Promise<void> {
  const writer = stream.getWriter();
  if (last) await writer.write(encoder.encode(last));
  await writer.close();
}

async function runCommand(args: string[]): Promise<number> {
  const { options, command } = splitCommand(args);
  const { values, tokens } = parse(options, {
    timeout: { type: "string" },
    expect: { type: "string", multiple: true },
    send: { type: "string", multiple: true },
    screen: { type: "boolean" },
    svg: { type: "string" },
  });
  if (values.svg !== undefined && !values.screen) throw new UsageError("--svg needs --screen");
  const timeout = timeoutOption(values.timeout);
  const steps = (tokens ?? []).flatMap((t) =>
    t.kind === "option" && (t.name === "expect" || t.name === "send")
      ? [{ kind: t.name, value: t.value ?? "" }]
      : []
  );
  const stdout = Deno.stdout;
  const screens = values.screen ? await import("./screen/mod.ts") : undefined;
  await using session = spawn(command, {
    timeout,
    screen: screens !== undefined,
    observers: screens ? [] : [(e) => void (e.type === "read" && stdout.writeSync(e.data))],
  });
  for (const step of steps) {
    if (step.kind !== "expect") await session.send(unescapeText(step.value));
    else if (screens) await session.expect(screens.onScreen(parsePattern(step.value)));
    else await session.expect(parsePattern(step.value));
  }
  const end = await session.expect(EOF);
  if (session.screen !== undefined) {
    print(session.screen.text());
    if (values.svg !== undefined) {
      const svg = values.svg;
      await withFile(
        "write the picture",
        svg,
        () => Deno.writeTextFile(svg, session.screen!.toSvg()),
      );
    }
  }
  return statusCode(end.exitStatus ?? session.exitStatus());
}

async function telnetCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      tls: { type: "boolean" },
      log: { type: "string" },
      record: { type: "string" },
      "record-input": { type: "boolean" },
    },
    allowPositionals: true,
    strict: true,
  });
  const [host, port = values.tls ? "992" : "23", extra] = positionals;
  if (!host || extra !== undefined || !/^\d+$/.test(port)) {
    throw new UsageError("telnet takes HOST [PORT]");
  }
  const terminal = stdioTerminal();
  const log = await openLog(values.log);
  const record = await openLog(values.record);
  const session = await Telnet.connect(host, Number(port), {
    tls: values.tls ?? false,
    timeout: 10_000,
    terminalTypes: [Deno.env.get("TERM") || "xterm"],
    windowSize: terminal.size?.() ?? { cols: 80, rows: 24 }, // NAWS: the user's terminal
    logRead: log?.writable,
    record: record?.writable,
    recordInput: values["record-input"] ?? false,
  }).catch((error) => {
    log?.close();
    record?.close();
    throw error;
  });
  // NVT line mode (local echo and editing) unless the server echoes, or the user chose.
  const mode: ModeState = {
    forced: undefined,
    current: () => mode.forced ?? autoNvtMode(session.isEnabled("him", TelnetOption.ECHO)),
  };
  try {
    session.timeout = null;
    console.error(`Connected to ${host}.\nEscape character is '^]'.`);
    for (;;) {
      const end = await interactNvt(session, terminal, mode);
      if (end.reason === "eof") {
        console.error("Connection closed by foreign host.");
        return ExitCode.ok;
      }
      if (await escapePrompt(session, `${host} port ${port}`, mode) === "close") return ExitCode.ok;
    }
  } finally {
    await session.close();
    if (log) await closeStream(log.writable);
    if (record) await closeStream(record.writable);
  }
}

function modeLine(mode: ModeState): string {
  const how = mode.forced === undefined ? "chosen by the server's ECHO" : "set with mode";
  return `Mode: ${mode.current()} (${how})`;
}

const PROMPT_HELP = `Commands:
  close              close the connection and exit (also: quit)
  status             show the connection and the input mode
  mode [line|character|auto]   show or set the input mode: line (local echo and
                     editing, sent on Enter) or character (each key at once); auto
                     picks character mode when the server echoes
  send brk|ip|ayt    send Break, Interrupt Process or Are You There
  continue           return to the session (also an empty line)
  help, ?            show this list
  Ctrl-]             (typed again at once) send a literal Ctrl-] to the server`;

interface ModeState {
  forced: NvtMode | undefined;
  current(): NvtMode;
}

/** interact() with telnet(1)'s NVT line mode: a line editor with local echo as input filter. */
async function interactNvt(
  session: Telnet,
  terminal: InteractTerminal,
  mode: ModeState,
): Promise<InteractResult> {
  const screen = terminal.writable.getWriter();
  try {
    const editor = new NvtLineEditor((bytes) => void screen.write(bytes).catch(() => {}));
    return await session.interact({
      terminal: { ...terminal, writable: new WritableStream({ write: (c) => screen.write(c) }) },
      escapeCharacter: 0x1d,
      inputFilter: (keys) => editor.feed(keys, mode.current()),
    });
  } finally {
    screen.releaseLock();
  }
}

/** Reads the first key at the prompt raw: a second Ctrl-] goes to the server at once. */
async function firstKey(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<
  { literal: true } | { literal: false; text: string; done: boolean }
> {
  if (!Deno.stdin.isTerminal()) return { literal: false, text: "", done: false };
  Deno.stdin.setRaw(true);
  let chunk: ReadableStreamReadResult<Uint8Array>;
  try {
    chunk = await reader.read();
  } finally {
    Deno.stdin.setRaw(false);
  }
  if (chunk.done) return { literal: false, text: "", done: true };
  if (chunk.value[0] === 0x1d) return { literal: true };
  const text = new TextDecoder().decode(chunk.value);
  // Raw mode did not echo the key: show it, then let the terminal edit the rest of the line.
  if (!/[\r\n]/.test(text)) await Deno.stdout.write(chunk.value);
  return { literal: false, text, done: false };
}

/** telnet(1)'s escape prompt: one command, then back to the session (or close). */
async function escapePrompt(
  session: Telnet,
  where: string,
  mode: ModeState,
): Promise<"close" | "continue"> {
  const reader = Deno.stdin.readable.getReader();
  try {
    for (let first = true;; first = false) {
      await Deno.stdout.write(encoder.encode("\r\ndexpect> "));
      let line = "";
      let done = false;
      if (first) {
        const key = await firstKey(reader);
        if (key.literal) {
          await session.send(Uint8Array.of(0x1d));
          return "continue";
        }
        ({ text: line, done } = key);
      }
      if (!done && !/[\r\n]/.test(line)) {
        const next = await reader.read();
        done = next.done;
        if (next.value) line += new TextDecoder().decode(next.value);
      }
      line = line.trim();
      const [command = "continue", what] = (done && !line ? "close" : line).split(/\s+/);
      if (command === "close" || command === "quit") return "close";
      if (command === "continue" || command === "") return "continue";
      if (command === "help" || command === "?") console.log(PROMPT_HELP);
      else if (command === "status") {
        console.log(`Connected to ${where}.\n${modeLine(mode)}`);
      } else if (
        command === "mode" && (what === undefined || /^(line|character|auto)$/.test(what))
      ) {
        if (what !== undefined) mode.forced = what === "auto" ? undefined : what as NvtMode;
        console.log(modeLine(mode));
        continue;
      } else if (command === "send" && what === "brk") await session.sendBreak();
      else if (command === "send" && what === "ip") await session.sendInterruptProcess();
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
  if (!steps.some((s) => s.kind === "spawn" || s.kind === "connect")) {
    throw new UsageError(`${file} has no spawn or connect step: nothing to talk to`);
  }
  const show: SessionObserver[] = [
    (e) => void (e.type === "read" && Deno.stdout.writeSync(e.data)),
  ];
  const needsScreen = steps.some((s) =>
    s.kind === "expect" &&
    s.alternatives.some((a) => typeof a.pattern === "object" && "kind" in a.pattern)
  );
  const screen = needsScreen ? await import("./screen/mod.ts") : undefined;
  const open = (step: ChatOpenStep & { cols?: number; rows?: number }) => {
    const size = step.cols === undefined ? undefined : { cols: step.cols, rows: step.rows! };
    return step.kind === "spawn"
      ? spawn(step.command, { observers: show, screen: needsScreen, ...size })
      : Telnet.connect(step.host, step.port, {
        observers: show,
        screen: needsScreen,
        ...(size ? { windowSize: size } : {}),
      });
  };
  const outcome = await playChat(steps, { open, env: (name) => Deno.env.get(name), screen });
  const session = outcome.session;
  try {
    if (outcome.failed) throw outcome.failed.error;
    // A program is waited for (its output keeps showing); a connection just ends.
    if (!(session instanceof PtySession)) return ExitCode.ok;
    const end = await session.expect(EOF);
    return statusCode(end.exitStatus);
  } finally {
    await session?.close();
  }
}

async function serveCommand(args: string[]): Promise<number> {
  if (args.some((a) => a === "--replay" || a.startsWith("--replay="))) {
    return await serveReplayCommand(args);
  }
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
  return await servedUntilInterrupted(server);
}

/** Waits until the server ends or Ctrl-C closes it. */
async function servedUntilInterrupted(server: { close(): Promise<void>; finished: Promise<void> }) {
  const stop = () => void server.close();
  Deno.addSignalListener("SIGINT", stop);
  try {
    await server.finished;
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
  }
  return ExitCode.ok;
}

function numberOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(n > 0)) throw new UsageError(`--${name} takes a number > 0, not "${value}"`);
  return n;
}

async function readCassette(file: string): Promise<Cassette> {
  return parseCassette(
    await withFile("read the cassette", file, () => Deno.readTextFile(file)),
    file,
  );
}

async function serveReplayCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    port: { type: "string" },
    hostname: { type: "string" },
    replay: { type: "string" },
    speed: { type: "string" },
  });
  const file = values.replay!;
  const port = Number(values.port ?? 2323);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port takes 0-65535`);
  }
  const hostname = values.hostname ?? "127.0.0.1";
  const speed = numberOption("speed", values.speed, Infinity);
  const cassette = await readCassette(file);
  await using server = serveReplay(cassette, {
    port,
    hostname,
    allowRemote: values.hostname !== undefined,
    speed,
    onError: (error) => console.error(`dexpect: ${(error as Error).message}`),
  });
  console.error(`Replaying ${file} on telnet://${hostname}:${server.addr.port} (Ctrl-C stops)`);
  return await servedUntilInterrupted(server);
}

async function replayCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { speed: { type: "string" }, "idle-limit": { type: "string" } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError("replay takes one cassette FILE");
  const file = positionals[0];
  const speed = numberOption("speed", values.speed, 1);
  const idleLimit = numberOption("idle-limit", values["idle-limit"], Infinity);
  const controller = new AbortController();
  const stop = () => controller.abort(new Deno.errors.Interrupted("stopped"));
  Deno.addSignalListener("SIGINT", stop);
  try {
    await playCassette(await readCassette(file), Deno.stdout.writable, {
      speed,
      idleLimit,
      signal: controller.signal,
    });
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
  }
  return ExitCode.ok;
}

/** An optional number option: `undefined` when absent; a usage error unless it is a number >= `min`. */
function optionalNumber(name: string, value: string | undefined, min = 0): number | undefined {
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
    concurrency: optionalNumber("concurrency", values.concurrency, 1),
    rate: values.rate === undefined ? undefined : optionalNumber("rate", rate ?? values.rate, 1e-6),
    deadline: optionalNumber("deadline", values.deadline, 1),
    timeout: optionalNumber("timeout", values.timeout),
    retries: optionalNumber("retries", values.retries),
  };
  const interval = optionalNumber("progress-interval", values["progress-interval"], 10);
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
  replay: replayCommand,
  batch: batchCommand,
};

if (import.meta.main) Deno.exit(await main(Deno.args));
