// Copyright the dexpect authors. MIT license.
/**
 * Dialogue files: the small scripting language of `dexpect chat`, one step a line.
 *
 * ```text
 * # comments and blank lines are ignored
 * spawn sh -c 'PS1="$ " sh'    # start a program in a pty (words split like a shell)
 * connect 127.0.0.1 2323       # or connect to a Telnet server
 * timeout 5000                 # deadline of each following expect, in ms
 * expect $                     # an exact string (the rest of the line)
 * expect /\d+ files?/          # a regex, /.../flags
 * expect "$ "                  # quoted: keeps spaces, C escapes apply
 * sendline ls                  # text + the transport's line ending
 * send \x03                    # C escapes: \r \n \t \xHH ...
 * expect screen /^Menu$/m      # on the terminal screen (text or /regex/), not the stream
 * settle 300                   # until nothing on the screen changed for 300 ms
 * ```
 *
 * @module
 */
import { parsePattern, unescapeText } from "./dialogue.ts";
import type { Session } from "./session.ts";
import type { Pattern } from "./patterns.ts";

/** The screen pattern of an `expect screen` or `settle` step, else `undefined`. */
function screenPattern(
  step: Extract<ChatStep, { kind: "expect" | "settle" }>,
  options: RunChatOptions,
): Pattern | undefined {
  if (step.kind === "expect" && !step.screen) return undefined;
  if (options.screen === undefined) {
    throw new TypeError(
      `Cannot run line ${step.line}: screen steps need a screen (runChat's screen)`,
    );
  }
  return step.kind === "settle"
    ? options.screen.settled(step.ms)
    : options.screen.onScreen(step.pattern);
}

/** One step of a dialogue file; `line` is its 1-based line number. */
export type ChatStep =
  | { readonly kind: "spawn"; readonly command: string; readonly line: number }
  | {
    readonly kind: "connect";
    readonly host: string;
    readonly port: number;
    readonly line: number;
  }
  | {
    readonly kind: "expect";
    readonly pattern: string | RegExp;
    readonly line: number;
    /** `expect screen ...`: the pattern is looked for on the screen. */
    readonly screen?: true;
  }
  | { readonly kind: "settle"; readonly ms: number; readonly line: number }
  | { readonly kind: "send" | "sendline"; readonly text: string; readonly line: number }
  | { readonly kind: "timeout"; readonly ms: number; readonly line: number };

/** The steps that start a session. */
export type ChatOpenStep = Extract<ChatStep, { kind: "spawn" | "connect" }>;

/** Splits `rest` into its argument and whether it was double-quoted; drops a comment. */
function readArgument(
  rest: string,
  fail: (why: string) => never,
): { value: string; quoted: boolean } {
  const text = rest.trimStart();
  if (!text.startsWith('"')) return { value: text.replace(/(^|\s)#.*$/, "").trim(), quoted: false };
  const close = /^"((?:[^"\\]|\\.)*)"\s*(?:#.*)?$/.exec(text);
  if (!close) fail("a double quote is not closed, or text follows it");
  return { value: unescapeText(close![1]), quoted: true };
}

function parseLine(raw: string, line: number): ChatStep | undefined {
  const match = /^\s*(\w+)(?:\s+(.*))?$/.exec(raw);
  if (!match || raw.trimStart().startsWith("#")) return undefined;
  const [, keyword, rest = ""] = match;
  const fail = (why: string): never => {
    throw new SyntaxError(
      `Cannot read line ${line} of the dialogue (${JSON.stringify(raw.trim())}): ${why}`,
    );
  };
  const { value, quoted } = readArgument(rest, fail);
  switch (keyword) {
    case "spawn":
      if (!value) fail("spawn needs a command");
      return { kind: "spawn", command: value, line };
    case "connect": {
      const [host, port = "23", extra] = value.split(/\s+/);
      const n = Number(port);
      if (!host || extra !== undefined || !Number.isInteger(n) || n < 1 || n > 65535) {
        fail("connect takes HOST [PORT]");
      }
      return { kind: "connect", host, port: n, line };
    }
    case "expect": {
      const screen = quoted ? null : /^\s*screen\s+(\S.*)$/.exec(rest);
      const arg = screen ? readArgument(screen[1], fail) : { value, quoted };
      if (arg.value === "") fail("expect needs a pattern");
      const pattern = arg.quoted ? arg.value : parsePattern(arg.value);
      return screen
        ? { kind: "expect", pattern, line, screen: true }
        : { kind: "expect", pattern, line };
    }
    case "settle": {
      const ms = Number(value);
      if (!value || !Number.isFinite(ms) || ms < 0) fail("settle takes milliseconds");
      return { kind: "settle", ms, line };
    }
    case "send":
    case "sendline":
      return { kind: keyword, text: quoted ? value : unescapeText(value), line };
    case "timeout": {
      const ms = Number(value);
      if (!value || !Number.isFinite(ms) || ms < 0) fail("timeout takes milliseconds");
      return { kind: "timeout", ms, line };
    }
    default:
      return fail(
        `unknown step "${keyword}"; use spawn, connect, expect, send, sendline, timeout or settle`,
      );
  }
}

/**
 * Reads a dialogue file into steps.
 *
 * @param text The file's contents.
 * @returns The steps, in order.
 * @throws {SyntaxError} Naming the line, on an unknown step or a malformed argument, or
 *   when the first step is not `spawn` or `connect`.
 *
 * @example Parse a dialogue
 * ```ts
 * import { parseChat } from "./chat.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const steps = parseChat("spawn cat\nsendline hi\nexpect /hi\\r\\n/\n");
 * deepStrictEqual(steps.map((s) => s.kind), ["spawn", "sendline", "expect"]);
 * ```
 */
export function parseChat(text: string): ChatStep[] {
  const steps = text.split(/\r?\n/).flatMap((raw, i) => parseLine(raw, i + 1) ?? []);
  const first = steps.find((s) => s.kind !== "timeout");
  if (first && first.kind !== "spawn" && first.kind !== "connect") {
    throw new SyntaxError(
      `Cannot run the dialogue: line ${first.line} comes before any spawn or connect`,
    );
  }
  return steps;
}

/** Options of {@linkcode runChat}. */
export interface RunChatOptions {
  /** Starts the session of a `spawn` or `connect` step (the caller owns the transports). */
  open(step: ChatOpenStep): Session | Promise<Session>;
  /** Called before each step runs, e.g. to trace it. */
  onStep?(step: ChatStep): void;
  /**
   * Builds the patterns of `expect screen` and `settle` steps; the engine knows no screens,
   * so the caller passes them (the CLI passes `onScreen` and `settled` of
   * `@dexpect/dexpect/screen`, and opens sessions with a screen). Without it those steps
   * throw a `TypeError`.
   */
  screen?: {
    onScreen(pattern: string | RegExp): Pattern;
    settled(ms: number): Pattern;
  };
}

/**
 * Runs dialogue steps. A `spawn` or `connect` step closes the previous session and opens
 * the next; `timeout` sets the deadline of the following `expect`s.
 *
 * @param steps The steps, from {@linkcode parseChat}.
 * @param options How to open sessions, and an optional trace callback.
 * @returns The last session, still open: the caller reads its end and closes it.
 * @throws {TimeoutError} When an `expect` times out.
 * @throws {EOFError} When the output ends before an `expect` matched.
 *
 * @example Play a dialogue against an in-memory peer
 * ```ts
 * import { parseChat, runChat } from "./chat.ts";
 * import { Session } from "./session.ts";
 *
 * const echo = () => new Session(new TransformStream<Uint8Array, Uint8Array>({}, undefined, { highWaterMark: 64 }));
 * const session = await runChat(parseChat("connect example 23\nsendline hi\nexpect hi"), {
 *   open: echo,
 * });
 * await session?.close();
 * ```
 */
export async function runChat(
  steps: readonly ChatStep[],
  options: RunChatOptions,
): Promise<Session | undefined> {
  let session: Session | undefined;
  let timeout: number | undefined;
  for (const step of steps) {
    options.onStep?.(step);
    if (step.kind === "timeout") {
      timeout = step.ms;
      if (session) session.timeout = timeout;
    } else if (step.kind === "spawn" || step.kind === "connect") {
      await session?.close();
      session = await options.open(step);
      if (timeout !== undefined) session.timeout = timeout;
    } else if (step.kind === "expect" || step.kind === "settle") {
      await session!.expect(screenPattern(step, options) ?? (step as { pattern: string }).pattern);
    } else if (step.kind === "send") {
      await session!.send(step.text);
    } else {
      await session!.sendLine(step.text);
    }
  }
  return session;
}
