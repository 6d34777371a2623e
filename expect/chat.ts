// Copyright the dexpect authors. MIT license.
/**
 * Dialogue files: the small scripting language of `dexpect chat`, one step a line.
 *
 * ```text
 * # comments: a line starting with #, or " # " outside quotes
 * size 120x40                  # window size of the following spawn/connect (cols x rows)
 * spawn sh -c 'echo "a #b"'    # start a program in a pty (words split like a shell)
 * connect ${host} 23           # or connect to a Telnet server; ${name} is a variable
 * timeout 5000                 # deadline of each following expect, in ms
 * expect $                     # an exact string (the rest of the line)
 * expect "$ "                  # quoted: keeps spaces, C escapes apply
 * expect /Version (\S+)/ as version   # a regex; "as" captures group 1 (or the match)
 * expect eof                   # the end of the output ("eof" quoted is the text)
 * expect {                     # alternatives, each with its own actions (Tcl's expect {...})
 *   "--More--"   send " "; continue      # continue: wait again (page through)
 *   /[#>] $/                             # no action: go on with the next step
 *   timeout      fail "no prompt"        # fail: stop the dialogue with this message
 * }
 * sendline show ${version}     # text + the transport's line ending
 * send \x03                    # C escapes: \r \n \t \xHH ...
 * secret ROUTER_PASSWORD       # sendline the value of this environment variable, never logged
 * expect screen /^Menu$/m      # on the terminal screen (text or /regex/), not the stream
 * settle 300                   # until nothing on the screen changed for 300 ms
 * fail "unreachable"           # stop the dialogue as failed
 * ```
 *
 * Run a parsed dialogue with {@linkcode playChat} (see `./chat_play.ts`).
 *
 * @module
 */
import { EOF, TIMEOUT } from "./patterns.ts";
import { parsePattern, unescapeText } from "./dialogue.ts";
import { LexError, readCapture, readToken, splitActions, stripComment } from "./_chat_lex.ts";

/**
 * What an alternative waits for: exact text (may hold `${name}`), a RegExp, EOF, TIMEOUT, or
 * a screen condition (`expect screen ...`, `settle MS`), which the player builds with the
 * screen patterns its caller passes (the engine knows no screens).
 */
export type ChatPattern =
  | string
  | RegExp
  | typeof EOF
  | typeof TIMEOUT
  | { readonly kind: "screen"; readonly pattern: string | RegExp }
  | { readonly kind: "settle"; readonly ms: number };

/** What an alternative does once its pattern matched, in order. */
export type ChatAction =
  | { readonly kind: "send" | "sendline"; readonly text: string }
  | { readonly kind: "secret"; readonly env: string }
  | { readonly kind: "continue" }
  | { readonly kind: "fail"; readonly message: string };

/** One pattern of an `expect` step, the variable it captures into, and its actions. */
export interface ChatAlternative {
  /** The pattern. */
  readonly pattern: ChatPattern;
  /** The variable that receives group 1 (or the whole match; `before` for EOF/TIMEOUT). */
  readonly capture?: string;
  /** What to do when it matched; a last `continue` waits again. */
  readonly actions: readonly ChatAction[];
  /** Its 1-based line number. */
  readonly line: number;
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
    readonly alternatives: readonly ChatAlternative[];
    readonly line: number;
  }
  | { readonly kind: "send" | "sendline"; readonly text: string; readonly line: number }
  | { readonly kind: "secret"; readonly env: string; readonly line: number }
  | { readonly kind: "fail"; readonly message: string; readonly line: number }
  | { readonly kind: "timeout"; readonly ms: number; readonly line: number }
  | { readonly kind: "size"; readonly cols: number; readonly rows: number; readonly line: number };

/** The steps that start a session. */
export type ChatOpenStep = Extract<ChatStep, { kind: "spawn" | "connect" }>;

/** Thrown when a line cannot be read; the message names the line. */
function failer(raw: string, line: number): (why: string) => never {
  return (why) => {
    throw new SyntaxError(
      `Cannot read line ${line} of the dialogue (${JSON.stringify(raw.trim())}): ${why}`,
    );
  };
}

/** The argument of a one-argument step: `"quoted"` (C escapes) or the rest of the line. */
function readArgument(rest: string, fail: (why: string) => never): {
  value: string;
  quoted: boolean;
} {
  const text = rest.trim();
  if (!text.startsWith('"')) return { value: text, quoted: false };
  const token = lex(() => readToken(text), fail)!;
  if (token.rest.trim() !== "") fail("text follows the closing double quote");
  return { value: unescape(token.text.slice(1, -1), fail), quoted: true };
}

function lex<T>(f: () => T, fail: (why: string) => never): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof LexError || error instanceof SyntaxError) fail(error.message);
    throw error;
  }
}

function unescape(text: string, fail: (why: string) => never): string {
  return lex(() => unescapeText(text), fail);
}

/** A pattern token: `eof`, `timeout`, `"text"`, `/regex/flags` or a bare word. */
function patternOf(token: string, fail: (why: string) => never): ChatPattern {
  if (token === "eof") return EOF;
  if (token === "timeout") return TIMEOUT;
  if (token.startsWith('"')) return unescape(token.slice(1, -1), fail);
  return lex(() => parsePattern(token), fail);
}

function envName(value: string, fail: (why: string) => never): string {
  if (!/^[A-Za-z_]\w*$/.test(value)) fail("secret takes the name of an environment variable");
  return value;
}

function parseAction(text: string, fail: (why: string) => never): ChatAction {
  const [, word, rest = ""] = /^(\w+)(?:[ \t]+(.*))?$/s.exec(text) ?? [];
  switch (word) {
    case "send":
    case "sendline": {
      const { value, quoted } = readArgument(rest, fail);
      return { kind: word, text: quoted ? value : unescape(value, fail) };
    }
    case "secret":
      return { kind: "secret", env: envName(rest.trim(), fail) };
    case "continue":
      if (rest.trim() !== "") fail("continue takes nothing");
      return { kind: "continue" };
    case "fail":
      return { kind: "fail", message: readArgument(rest, fail).value || "failed" };
    default:
      return fail(`unknown action "${text}"; use send, sendline, secret, continue or fail`);
  }
}

/** `PATTERN [as NAME] [ACTION; ACTION...]`: one line of an `expect { ... }` block. */
function parseAlternative(text: string, line: number, fail: (why: string) => never) {
  const token = lex(() => readToken(text), fail)!;
  const pattern = patternOf(token.text, fail);
  const capture = readCapture(token.rest);
  const actions = lex(() => splitActions(capture?.rest ?? token.rest), fail)
    .map((a) => parseAction(a, fail));
  const loop = actions.findIndex((a) => a.kind === "continue");
  if (loop >= 0 && loop !== actions.length - 1) fail("continue must be the last action");
  const alternative: ChatAlternative = capture
    ? { pattern, capture: capture.name, actions, line }
    : { pattern, actions, line };
  return alternative;
}

/**
 * `expect PATTERN [as NAME]` on one line. `eof`, `timeout`, a `"quoted"` string and a
 * `/regex/` may be followed by `as NAME`; unquoted text is the whole rest of the line.
 */
function parseSingleExpect(rest: string, line: number, fail: (why: string) => never) {
  const text = rest.trim();
  if (text === "") fail("expect needs a pattern");
  const regex = /^(\/.+\/[dgimsuvy]*)(?:[ \t]+as[ \t]+([A-Za-z_]\w*))?$/s.exec(text);
  const special = /^(eof|timeout)(?:[ \t]+as[ \t]+([A-Za-z_]\w*))?$/.exec(text);
  let alternative: ChatAlternative;
  if (text.startsWith('"')) {
    const token = lex(() => readToken(text), fail)!;
    const capture = readCapture(token.rest);
    if ((capture?.rest ?? token.rest).trim() !== "") {
      fail('text follows the closing double quote (only "as NAME" may)');
    }
    const pattern = patternOf(token.text, fail);
    alternative = capture
      ? { pattern, capture: capture.name, actions: [], line }
      : { pattern, actions: [], line };
  } else if (special || (regex && parsePattern(regex[1]) instanceof RegExp)) {
    const [, pattern, capture] = (special ?? regex)!;
    alternative = capture === undefined
      ? { pattern: patternOf(pattern, fail), actions: [], line }
      : { pattern: patternOf(pattern, fail), capture, actions: [], line };
  } else {
    alternative = { pattern: lex(() => parsePattern(text), fail), actions: [], line };
  }
  return alternative;
}

function parseSize(value: string, fail: (why: string) => never) {
  const m = /^(\d+)x(\d+)$/.exec(value);
  const [cols, rows] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  if (!m || cols < 1 || rows < 1 || cols > 65535 || rows > 65535) {
    fail("size takes COLSxROWS, e.g. 120x40");
  }
  return { cols, rows };
}

function parseLine(keyword: string, rest: string, line: number, raw: string): ChatStep {
  const fail = failer(raw, line);
  switch (keyword) {
    case "spawn":
      if (!rest.trim()) fail("spawn needs a command");
      return { kind: "spawn", command: rest.trim(), line };
    case "connect": {
      const [host, port = "23", extra] = rest.trim().split(/\s+/);
      const n = Number(port);
      if (!host || extra !== undefined || !Number.isInteger(n) || n < 1 || n > 65535) {
        fail("connect takes HOST [PORT]");
      }
      return { kind: "connect", host, port: n, line };
    }
    case "expect": {
      const screen = /^\s*screen\s+(\S.*)$/s.exec(rest);
      if (screen) {
        const { value, quoted } = readArgument(screen[1], fail);
        const pattern = quoted ? value : lex(() => parsePattern(value), fail);
        const alternative = { pattern: { kind: "screen", pattern } as const, actions: [], line };
        return { kind: "expect", alternatives: [alternative], line };
      }
      return { kind: "expect", alternatives: [parseSingleExpect(rest, line, fail)], line };
    }
    case "settle": {
      const value = rest.trim();
      const ms = Number(value);
      if (!value || !Number.isFinite(ms) || ms < 0) fail("settle takes milliseconds");
      const alternative = { pattern: { kind: "settle", ms } as const, actions: [], line };
      return { kind: "expect", alternatives: [alternative], line };
    }
    case "send":
    case "sendline": {
      const { value, quoted } = readArgument(rest, fail);
      return { kind: keyword, text: quoted ? value : unescape(value, fail), line };
    }
    case "secret":
      return { kind: "secret", env: envName(rest.trim(), fail), line };
    case "fail":
      return { kind: "fail", message: readArgument(rest, fail).value || "failed", line };
    case "timeout": {
      const value = rest.trim();
      const ms = Number(value);
      if (!value || !Number.isFinite(ms) || ms < 0) fail("timeout takes milliseconds");
      return { kind: "timeout", ms, line };
    }
    case "size":
      return { kind: "size", ...parseSize(rest.trim(), fail), line };
    default:
      return fail(
        `unknown step "${keyword}"; use spawn, connect, expect, send, sendline, secret, ` +
          "fail, timeout, size or settle",
      );
  }
}

/**
 * Reads a dialogue file into steps. A dialogue without `spawn` or `connect` is valid: it
 * runs against a session you give {@linkcode playChat}.
 *
 * @param text The file's contents.
 * @returns The steps, in order.
 * @throws {SyntaxError} Naming the line, on an unknown step or action, a malformed argument,
 *   an unclosed `expect {` block, or a step that needs a session before the first `spawn` or
 *   `connect` of a dialogue that has one.
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
  const steps: ChatStep[] = [];
  let block: { alternatives: ChatAlternative[]; line: number; raw: string } | undefined;
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = i + 1;
    const head = /^\s*(\w+)/.exec(raw)?.[1];
    const code = stripComment(raw, head === "spawn").trim();
    if (code === "") continue;
    if (block) {
      if (code === "}") {
        if (block.alternatives.length === 0) failer(block.raw, block.line)("the block is empty");
        steps.push({ kind: "expect", alternatives: block.alternatives, line: block.line });
        block = undefined;
      } else {
        block.alternatives.push(parseAlternative(code, line, failer(raw, line)));
      }
      continue;
    }
    if (/^expect\s*\{$/.test(code)) {
      block = { alternatives: [], line, raw };
      continue;
    }
    const match = /^(\w+)(?:\s+(.*))?$/s.exec(code);
    if (!match) failer(raw, line)("a line starts with a step name, e.g. expect or sendline");
    steps.push(parseLine(match![1], match![2] ?? "", line, raw));
  }
  if (block) failer(block.raw, block.line)("the expect { block is not closed with }");
  const first = steps.findIndex((s) => s.kind === "spawn" || s.kind === "connect");
  const early = steps.slice(0, Math.max(first, 0)).find((s) =>
    s.kind !== "timeout" && s.kind !== "size"
  );
  if (early) {
    throw new SyntaxError(
      `Cannot run the dialogue: line ${early.line} comes before any spawn or connect`,
    );
  }
  return steps;
}
