// Copyright the dexpect authors. MIT license.
/**
 * The transport-agnostic expect engine: a {@linkcode Session} waits for patterns in a
 * peer's output and sends answers, over any pair of web streams (a {@linkcode Channel}).
 * The pty and Telnet transports subclass `Session`.
 *
 * - Patterns: strings (exact), `RegExp`s, {@linkcode EOF}, {@linkcode TIMEOUT} and
 *   {@linkcode idle}; one, a list (result `index`) or a record (result `key`, narrowing
 *   `match`). The earliest match in the output wins; ties go to the first listed.
 * - Time in milliseconds: a total deadline per call (default 30 000, `null` for none) and an
 *   `AbortSignal` on every call; typed {@linkcode TimeoutError} and {@linkcode EOFError}
 *   that say what was expected, how long it waited and what arrived.
 * - Bounded memory (`maxBuffer`, `overflow`) and linear search work.
 * - UTF-8 text by default, bytes with `encoding: null`.
 * - Observers, logs and asciicast v2 recording; `interact()` with an injected terminal.
 *
 * @example Log in and run a command
 * ```ts
 * import { EOF, Session } from "./mod.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * // A tiny fake device: asks for a password, then answers one command.
 * const enc = new TextEncoder();
 * const device = new TransformStream<Uint8Array, Uint8Array>({
 *   start: (c) => c.enqueue(enc.encode("Password: ")),
 *   transform(chunk, c) {
 *     const line = new TextDecoder().decode(chunk).trim();
 *     c.enqueue(enc.encode(line === "s3cret" ? "\r\nrouter# " : "Version 1.2\r\nrouter# "));
 *   },
 * }, undefined, { highWaterMark: 16 }); // output is buffered, like a socket's
 * await using session = new Session(device, { timeout: 5_000, lineEnding: "\r\n" });
 * await session.expect("Password: ");
 * await session.sendLine("s3cret", { secret: true });
 * await session.expect(/# $/);
 * await session.sendLine("show version");
 * const r = await session.expect({ prompt: /\r\n(\S+)# $/, gone: EOF });
 * if (r.key === "prompt") strictEqual(r.match[1], "router");
 * strictEqual(r.before, "Version 1.2");
 * ```
 *
 * @module
 */

export type { Channel, ExitStatus } from "./channel.ts";
export {
  EOF,
  type ExactPattern,
  idle,
  IdlePattern,
  type Pattern,
  type PatternList,
  type PatternRecord,
  type Patterns,
  TIMEOUT,
} from "./patterns.ts";
export type {
  Data,
  ExpectResult,
  ListResult,
  MatchOf,
  RecordResult,
  ResultOf,
  SingleResult,
  TupleIndex,
} from "./results.ts";
export {
  BufferOverflowError,
  EOFError,
  ExpectError,
  type ExpectErrorDetails,
  type SendProgress,
  SessionStateError,
  TimeoutError,
} from "./errors.ts";
export type { ExpectOptions, ReadOptions, SendOptions, SessionOptions } from "./options.ts";
export type { LogTarget, SessionEvent, SessionObserver } from "./observers.ts";
export { type AsciicastOptions, AsciicastRecorder } from "./asciicast.ts";
export type {
  InteractOptions,
  InteractResult,
  InteractTerminal,
  TerminalSize,
} from "./interact.ts";
export { Session } from "./session.ts";
export { type CustomMatcher, CustomPattern, type MatchContext, type ReadHook } from "./custom.ts";
export {
  type ChatAction,
  type ChatAlternative,
  type ChatOpenStep,
  type ChatPattern,
  type ChatStep,
  parseChat,
} from "./chat.ts";
export {
  ChatError,
  type ChatOutcome,
  type ChatScreenPatterns,
  playChat,
  type PlayChatOptions,
  runChat,
  type RunChatOptions,
} from "./chat_play.ts";
export { parsePattern, unescapeText } from "./dialogue.ts";
