// Copyright the dexpect authors. MIT license.
/**
 * Runs parsed dialogue files (`./chat.ts`) against sessions: {@linkcode playChat} returns
 * the captured variables and, when it stopped early, the step that failed and why.
 *
 * @module
 */
import type { ChatAlternative, ChatOpenStep, ChatPattern, ChatStep } from "./chat.ts";
import type { Session } from "./session.ts";
import type { Pattern } from "./patterns.ts";

/**
 * Builds the patterns of `expect screen` and `settle` steps. The engine knows no screens, so
 * the caller passes them: the CLI passes `onScreen` and `settled` of `@dexpect/dexpect/screen`
 * and opens its sessions with a screen.
 */
export interface ChatScreenPatterns {
  /** A pattern over the text shown on the screen. */
  onScreen(pattern: string | RegExp): Pattern;
  /** A pattern that holds once the screen has not changed for `ms` milliseconds. */
  settled(ms: number): Pattern;
}

/**
 * A dialogue stopped: a `fail` step or action ran, a `${name}` is not set, a secret's
 * environment variable is missing, or an `expect` step looped more than `maxLoops` times.
 *
 * @example Tell a dialogue's own failure from a timeout
 * ```ts
 * import { ChatError } from "./chat_play.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const e = new ChatError(7, "no prompt");
 * strictEqual(e.message, "Dialogue failed at line 7: no prompt");
 * ```
 */
export class ChatError extends Error {
  /** The error class name, `"ChatError"`. */
  override name = "ChatError";
  /** The 1-based line of the step or alternative that failed. */
  readonly line: number;

  /**
   * Creates the error.
   *
   * @param line The 1-based line.
   * @param reason What went wrong, e.g. the message of a `fail` action.
   */
  constructor(line: number, reason: string) {
    super(`Dialogue failed at line ${line}: ${reason}`);
    this.line = line;
  }
}

/** Options of {@linkcode playChat}. */
export interface PlayChatOptions {
  /**
   * The session the dialogue starts with (a fleet's connection, a test's program). It is
   * used until a `spawn` or `connect` step opens another, and never closed by the player.
   */
  session?: Session;
  /**
   * Opens the session of a `spawn` or `connect` step (`${name}`s already replaced; `cols`
   * and `rows` from the last `size` step, if any). The player closes the session it
   * replaces when it opened that one itself.
   */
  open?(step: ChatOpenStep & { cols?: number; rows?: number }): Session | Promise<Session>;
  /** Variables set before the first step, for `${name}` in text, patterns and commands. */
  variables?: Readonly<Record<string, string>>;
  /** Looks up the environment variable of a `secret` step (the CLI passes `Deno.env.get`). */
  env?(name: string): string | undefined;
  /** Called before each step runs, e.g. to trace it (a secret step holds only its name). */
  onStep?(step: ChatStep): void;
  /** Stops the dialogue: the running call rejects and the outcome names the step. */
  signal?: AbortSignal;
  /** Most times one `expect` step may `continue` before it fails. @default {10000} */
  maxLoops?: number;
  /** Screen patterns for `expect screen` and `settle`; without them those steps fail. */
  screen?: ChatScreenPatterns;
}

/** What {@linkcode playChat} did. */
export interface ChatOutcome {
  /** Whether every step ran. */
  readonly ok: boolean;
  /** The variables: the initial ones plus every capture. */
  readonly variables: Record<string, string>;
  /** The session in use at the end, still open: the caller reads its end and closes it. */
  readonly session: Session | undefined;
  /** When `ok` is false: the step that failed and its error (`TimeoutError`, `ChatError`...). */
  readonly failed?: { readonly step: ChatStep; readonly error: Error };
}

interface State {
  session: Session | undefined;
  owned: boolean;
  timeout: number | undefined;
  size: { cols: number; rows: number } | undefined;
  readonly variables: Record<string, string>;
  readonly options: PlayChatOptions;
}

/** Replaces each `${name}` with its variable; `$${` stands for a literal `${`. */
function interpolate(text: string, state: State, line: number): string {
  return text.replace(/\$?\$\{([A-Za-z_]\w*)\}/g, (whole, name: string) => {
    if (whole.startsWith("$$")) return whole.slice(1);
    const value = state.variables[name];
    if (value === undefined) {
      const known = Object.keys(state.variables);
      throw new ChatError(
        line,
        `\${${name}} is not set (set: ${known.length ? known.join(", ") : "none"})`,
      );
    }
    return value;
  });
}

function secretValue(env: string, state: State, line: number): string {
  const value = state.options.env?.(env);
  if (value === undefined) {
    throw new ChatError(line, `the environment variable ${env} of a secret is not set`);
  }
  return value;
}

function session(state: State, line: number): Session {
  if (state.session === undefined) {
    throw new ChatError(line, "no session: start with spawn or connect, or pass one");
  }
  return state.session;
}

function patternOf(p: ChatPattern, state: State, line: number): Pattern {
  if (typeof p === "string") return interpolate(p, state, line);
  if (typeof p !== "object" || p instanceof RegExp) return p;
  const screen = state.options.screen;
  if (screen === undefined) {
    throw new ChatError(line, "screen steps need screen patterns (the player's screen option)");
  }
  if (p.kind === "settle") return screen.settled(p.ms);
  const text = typeof p.pattern === "string" ? interpolate(p.pattern, state, line) : p.pattern;
  return screen.onScreen(text);
}

/** Stores what an alternative captured: group 1 (or the match) under its name, named groups. */
function capture(
  alternative: ChatAlternative,
  r: { match: unknown; before: unknown },
  state: State,
): void {
  const text = (v: unknown) =>
    typeof v === "string" ? v : new TextDecoder().decode(v as Uint8Array);
  const match = r.match;
  if (Array.isArray(match)) {
    for (const [name, value] of Object.entries((match as RegExpExecArray).groups ?? {})) {
      if (value !== undefined) state.variables[name] = value;
    }
  }
  if (alternative.capture === undefined) return;
  state.variables[alternative.capture] = Array.isArray(match)
    ? match[1] ?? match[0]
    : match === null || match === undefined
    ? text(r.before)
    : text(match);
}

async function send(
  kind: "send" | "sendline" | "secret",
  value: string,
  state: State,
  line: number,
): Promise<void> {
  const s = session(state, line);
  const options = { signal: state.options.signal };
  if (kind === "send") await s.send(interpolate(value, state, line), options);
  else if (kind === "sendline") await s.sendLine(interpolate(value, state, line), options);
  else await s.sendLine(secretValue(value, state, line), { ...options, secret: true });
}

async function expectStep(
  step: Extract<ChatStep, { kind: "expect" }>,
  state: State,
): Promise<void> {
  const max = state.options.maxLoops ?? 10_000;
  for (let loops = 0;; loops++) {
    if (loops > max) throw new ChatError(step.line, `looped more than ${max} times`);
    const s = session(state, step.line);
    const patterns = step.alternatives.map((a) => patternOf(a.pattern, state, a.line));
    const r = await s.expect(patterns, {
      ...(state.timeout === undefined ? {} : { timeout: state.timeout }),
      signal: state.options.signal,
    });
    const alternative = step.alternatives[r.index];
    capture(alternative, r, state);
    let again = false;
    for (const action of alternative.actions) {
      if (action.kind === "continue") again = true;
      else if (action.kind === "fail") {
        throw new ChatError(alternative.line, interpolate(action.message, state, alternative.line));
      } else {
        const value = action.kind === "secret" ? action.env : action.text;
        await send(action.kind, value, state, alternative.line);
      }
    }
    if (!again) return;
  }
}

async function open(step: ChatOpenStep, state: State): Promise<void> {
  const { open } = state.options;
  if (open === undefined) {
    throw new ChatError(step.line, `cannot ${step.kind}: no open() was given to the player`);
  }
  const resolved = step.kind === "spawn"
    ? { ...step, command: interpolate(step.command, state, step.line) }
    : { ...step, host: interpolate(step.host, state, step.line) };
  const previous = state.owned ? state.session : undefined;
  state.session = undefined;
  await previous?.close();
  state.session = await open({ ...resolved, ...state.size });
  state.owned = true;
}

async function runStep(step: ChatStep, state: State): Promise<void> {
  switch (step.kind) {
    case "spawn":
    case "connect":
      return await open(step, state);
    case "expect":
      return await expectStep(step, state);
    case "send":
    case "sendline":
      return await send(step.kind, step.text, state, step.line);
    case "secret":
      return await send("secret", step.env, state, step.line);
    case "fail":
      throw new ChatError(step.line, interpolate(step.message, state, step.line));
    case "timeout":
      state.timeout = step.ms;
      return;
    case "size": {
      state.size = { cols: step.cols, rows: step.rows };
      const resizable = state.session as unknown as {
        resize?(cols: number, rows: number): unknown;
      } | undefined;
      await resizable?.resize?.(step.cols, step.rows);
      return;
    }
  }
}

/** The environment variables a step's secrets come from. */
function secretEnvs(step: ChatStep): string[] {
  if (step.kind === "secret") return [step.env];
  if (step.kind !== "expect") return [];
  return step.alternatives.flatMap((a) =>
    a.actions.flatMap((x) => x.kind === "secret" ? [x.env] : [])
  );
}

/**
 * Plays dialogue steps, in order, against a given session or the sessions the steps open.
 * It does not throw for a step that fails: the outcome names the step and the error, with
 * the variables captured so far, so that a fleet can report per device.
 *
 * - `spawn`/`connect` close the previous session (if the player opened it) and open the
 *   next with `options.open`.
 * - `expect` waits for its alternatives (the earliest match wins), stores captures, runs
 *   the matching alternative's actions, and waits again after a `continue`.
 * - `timeout` sets the deadline of the following waits (else the session's own).
 * - `secret` sends an environment variable's value with `{ secret: true }`: logs,
 *   recordings and errors show `***`. All of them are checked before the first step runs.
 *
 * @param steps The steps, from `parseChat()`.
 * @param options The session to start with or how to open one, initial variables, the
 *   environment for secrets, a trace callback and an abort signal.
 * @returns The outcome: `ok`, `variables`, the `session` in use (open) and `failed`.
 * @throws {TypeError} When `maxLoops` is not a non-negative integer.
 *
 * @example Run a dialogue against a session you already have
 * ```ts
 * import { parseChat } from "./chat.ts";
 * import { playChat } from "./chat_play.ts";
 * import { Session } from "./session.ts";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * // An echo peer: what is sent comes back.
 * await using session = new Session(
 *   new TransformStream<Uint8Array, Uint8Array>({}, undefined, { highWaterMark: 64 }),
 * );
 * const steps = parseChat('sendline "Version ${v}"\nexpect /Version (\\S+)/ as version');
 * const outcome = await playChat(steps, { session, variables: { v: "1.2" } });
 * strictEqual(outcome.ok, true);
 * deepStrictEqual(outcome.variables, { v: "1.2", version: "1.2" });
 * ```
 */
export async function playChat(
  steps: readonly ChatStep[],
  options: PlayChatOptions = {},
): Promise<ChatOutcome> {
  const max = options.maxLoops;
  if (max !== undefined && (!Number.isInteger(max) || max < 0)) {
    throw new TypeError(`Cannot play the dialogue: maxLoops must be an integer >= 0, got ${max}`);
  }
  const state: State = {
    session: options.session,
    owned: false,
    timeout: undefined,
    size: undefined,
    variables: { ...options.variables },
    options,
  };
  const outcome = (failed?: { step: ChatStep; error: Error }): ChatOutcome =>
    failed
      ? { ok: false, variables: state.variables, session: state.session, failed }
      : { ok: true, variables: state.variables, session: state.session };
  // Every secret is checked before the first step: no half-run dialogue for a missing one.
  for (const step of steps) {
    for (const env of secretEnvs(step)) {
      if (options.env?.(env) === undefined) {
        return outcome({
          step,
          error: new ChatError(step.line, `the environment variable ${env} of a secret is not set`),
        });
      }
    }
  }
  for (const step of steps) {
    options.onStep?.(step);
    try {
      await runStep(step, state);
    } catch (error) {
      return outcome({
        step,
        error: error instanceof Error ? error : new Error(String(error)),
      });
    }
  }
  return outcome();
}

/** Options of {@linkcode runChat}. */
export interface RunChatOptions {
  /** Starts the session of a `spawn` or `connect` step (the caller owns the transports). */
  open(step: ChatOpenStep & { cols?: number; rows?: number }): Session | Promise<Session>;
  /** Called before each step runs, e.g. to trace it. */
  onStep?(step: ChatStep): void;
  /** Looks up the environment variable of a `secret` step. */
  env?(name: string): string | undefined;
  /** Screen patterns for `expect screen` and `settle` steps. */
  screen?: ChatScreenPatterns;
}

/**
 * Runs dialogue steps and throws the first failure: {@linkcode playChat} for callers that
 * want exceptions. The session that failed is closed before the error is thrown.
 *
 * @param steps The steps, from `parseChat()`.
 * @param options How to open sessions, a trace callback, the environment for secrets.
 * @returns The last session, still open: the caller reads its end and closes it.
 * @throws {TimeoutError} When an `expect` times out.
 * @throws {EOFError} When the output ends before an `expect` matched.
 * @throws {ChatError} On a `fail`, an unset variable or secret, or too many loops.
 *
 * @example Play a dialogue against an in-memory peer
 * ```ts
 * import { parseChat } from "./chat.ts";
 * import { runChat } from "./chat_play.ts";
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
  const outcome = await playChat(steps, options);
  if (outcome.failed) {
    await outcome.session?.close();
    throw outcome.failed.error;
  }
  return outcome.session;
}
