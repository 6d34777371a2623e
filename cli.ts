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
import { EOFError, TimeoutError } from "./expect/errors.ts";
import type { ExitStatus } from "./expect/channel.ts";
import { SpawnError } from "./pty/errors.ts";
import { ChatError } from "./expect/chat_play.ts";
import { ExitCode, print, statusCode, UsageError } from "./cli/_common.ts";
import { batchCommand } from "./cli/_batch.ts";
import { chatCommand } from "./cli/_chat.ts";
import { replayCommand } from "./cli/_replay.ts";
import { runCommand, spawnCommand } from "./cli/_run.ts";
import { serveCommand } from "./cli/_serve.ts";
import { PROMPT_COMMANDS, telnetCommand } from "./cli/_telnet.ts";

export type { ExitStatus };
export { ExitCode, statusCode };

const VERSION = "0.1.0";

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

${PROMPT_COMMANDS}

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
