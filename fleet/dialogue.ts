// Copyright the dexpect authors. MIT license.
/**
 * Dialogue files as a batch's work: the adapter between a fleet and the dialogue player of
 * `dexpect chat` (`parseChat`/`playChat`). It fills in each device's variables, opens the
 * device's session through the batch (rate limit, retries, deadline), and reports the step
 * that failed.
 *
 * Variables, as this adapter reads them:
 *
 * - `${name}`: the device's `name` column (any column; `${host}`, `${port}` (23 when the row
 *   has none) and `${key}` always exist). Values are inserted as data: a value never adds a
 *   step, ends a quote or becomes regex syntax.
 * - `${env:NAME}`: a secret, from the environment variable `NAME` (never from the inventory),
 *   allowed in `send` and `sendline` steps only. It is sent with `{ secret: true }`, so logs,
 *   recordings and error messages show `***`, and results redact it. The dialogue format's
 *   own `secret NAME` step (and action) reads the same environment, with the same care.
 * - `${name}` where `name` is captured by the dialogue (`expect /Version (\S+)/ as name`)
 *   is the captured value, put in by the player when the step runs; every capture is in
 *   the device's result.
 *
 * A dialogue with no `connect` or `spawn` step connects to the device's `host` and `port`
 * first, over Telnet.
 *
 * @module
 */
import { type ChatAction, type ChatPattern, type ChatStep, parseChat } from "../expect/chat.ts";
import { playChat } from "../expect/chat_play.ts";
import type { SendOptions } from "../expect/options.ts";
import { EOF } from "../expect/patterns.ts";
import type { Session } from "../expect/session.ts";
import { PtySession } from "../pty/session.ts";
import type { DeviceContext, Target, TaskOutcome } from "./batch.ts";
import type { Device } from "./inventory.ts";

/** Options of {@linkcode Dialogue.parse}. */
export interface DialogueParseOptions {
  /**
   * Where `${env:NAME}` secrets come from.
   *
   * @default {{}}
   */
  env?: Readonly<Record<string, string | undefined>>;
}

const REFERENCE = /\$\{(env:)?([A-Za-z_][\w.-]*)\}/g;
const OPEN_LINE = /^\s*(spawn|connect)\b/m;
const REFERENCE_TEST = /\$\{(env:)?[A-Za-z_][\w.-]*\}/;
const INLINE_LINE = /^\s*(connect|timeout)\b/;
const SENTINEL = /\uE000(\d+)\uE001/g;

/** A parsed dialogue whose data variables are sentinels: `refs[i]` is `[isEnv, name]`. */
interface Compiled {
  readonly steps: readonly ChatStep[];
  readonly refs: readonly (readonly [boolean, string])[];
}

/**
 * A dialogue file ready to run on many devices: what {@linkcode runBatch} takes besides a
 * TypeScript task.
 *
 * @example A dialogue over a mock device
 * ```ts
 * import { Dialogue } from "./dialogue.ts";
 * import { runBatch } from "./batch.ts";
 * import { serve } from "../telnet/server.ts";
 * import assert from "node:assert/strict";
 *
 * await using device = serve({
 *   timeout: 5_000,
 *   handler: async (s) => {
 *     await s.send("login: ");
 *     await s.expect("admin\r\n");
 *     await s.send("router> ");
 *   },
 * });
 * const dialogue = Dialogue.parse("expect login:\nsendline ${user}\nexpect router>\n");
 * const inventory = [{
 *   key: "r1", host: "127.0.0.1", port: device.addr.port, vars: { user: "admin" }, row: 2,
 * }];
 * for await (const result of runBatch(inventory, dialogue)) assert.equal(result.status, "ok");
 * ```
 */
export class Dialogue {
  /** The dialogue's text, as written. */
  readonly text: string;
  /** The values of its secrets (`${env:NAME}` and `secret NAME`). */
  secrets: readonly string[];
  readonly #env: ReadonlyMap<string, string>;
  /** Names the dialogue captures (`as NAME`): left for the player, not the inventory. */
  readonly #captured: ReadonlySet<string>;
  readonly #opens: boolean;
  readonly #cacheable: boolean;
  #template: Compiled | undefined;

  private constructor(
    text: string,
    env: ReadonlyMap<string, string>,
    captured: ReadonlySet<string>,
  ) {
    this.text = text;
    this.#env = env;
    this.#captured = captured;
    this.secrets = [...env.values()];
    this.#opens = OPEN_LINE.test(text);
    this.#cacheable = !text.split(/\r?\n/).some((line) =>
      INLINE_LINE.test(line) && REFERENCE_TEST.test(line)
    );
  }

  /**
   * Checks a dialogue file and reads its secrets from the environment.
   *
   * @param text The file's contents (the `dexpect chat` format, with variables).
   * @param options Where secrets come from.
   * @returns The dialogue.
   * @throws {SyntaxError} Naming the line, when a step does not parse or a secret is used
   *   outside `send`/`sendline`.
   * @throws {ReferenceError} When a secret's environment variable is not set.
   *
   * @example Parse with a secret
   * ```ts
   * import { Dialogue } from "./dialogue.ts";
   * import assert from "node:assert/strict";
   *
   * const d = Dialogue.parse("expect Password:\nsendline ${env:PW}\n", { env: { PW: "s3" } });
   * assert.deepEqual(d.secrets, ["s3"]);
   * ```
   */
  static parse(text: string, options: DialogueParseOptions = {}): Dialogue {
    if (/[\uE000\uE001]/.test(text)) {
      throw new SyntaxError("Cannot read the dialogue: it holds the characters U+E000/U+E001");
    }
    const env = new Map<string, string>();
    const captured = new Set(
      [...text.matchAll(/\bas[ \t]+([A-Za-z_]\w*)/g)].map((m) => m[1]),
    );
    text.split(/\r?\n/).forEach((line, i) => {
      if (/^\s*#/.test(line)) return;
      for (const [, isEnv, name] of line.matchAll(REFERENCE)) {
        if (!isEnv) continue;
        if (!/^\s*(send|sendline)\b/.test(line)) {
          throw new SyntaxError(
            `Cannot read line ${i + 1} of the dialogue: the secret \${env:${name}} can only ` +
              "be sent (send, sendline)",
          );
        }
        const value = options.env?.[name];
        if (value === undefined) {
          throw new ReferenceError(
            `Cannot run the dialogue: line ${i + 1} uses the secret \${env:${name}}, but the ` +
              `environment variable ${name} is not set`,
          );
        }
        env.set(name, value);
      }
    });
    const dialogue = new Dialogue(text, env, captured);
    // Fail now, not once per device, on a step that cannot parse whatever the values.
    const { steps } = dialogue.#compile(() => "1");
    for (const step of steps) {
      for (const name of secretNames(step)) {
        const value = options.env?.[name];
        if (value === undefined) {
          throw new ReferenceError(
            `Cannot run the dialogue: line ${step.line} sends the secret ${name}, but the ` +
              `environment variable ${name} is not set`,
          );
        }
        env.set(name, value);
      }
    }
    dialogue.secrets = [...env.values()];
    return dialogue;
  }

  /**
   * Runs the dialogue on one device of a batch (called by {@linkcode runBatch}).
   *
   * @param context The batch's view of the device: its variables, signal and opener.
   * @returns The captures (`as NAME`) and a spawned program's exit status.
   * @throws {TimeoutError} When an `expect` times out.
   * @throws {EOFError} When the output ends before an `expect` matched.
   * @throws {ReferenceError} When the device's row lacks a variable the dialogue uses.
   * @throws {ChatError} On a `fail` step or action, or an `expect` looping too often.
   */
  async run(context: DeviceContext): Promise<TaskOutcome> {
    const steps = this.#steps((name) => variable(context.device, name));
    const secrets = this.secrets;
    const outcome = await playChat(steps, {
      open: async (step) => markSecrets(await context.open(targetOf(step)), secrets),
      onStep: (step) => void (context.step = describe(step)),
      env: (name) => this.#env.get(name),
      signal: context.signal,
    });
    if (outcome.failed) {
      context.step = describe(outcome.failed.step);
      throw outcome.failed.error;
    }
    context.step = undefined;
    const captures = outcome.variables;
    const session = outcome.session;
    if (!(session instanceof PtySession)) return { captures };
    context.step = "end of program";
    const end = await session.expect(EOF, { signal: context.signal });
    context.step = undefined;
    return end.exitStatus ? { captures, exitStatus: end.exitStatus } : { captures };
  }

  /** The device's steps: the compiled dialogue with the device's values put in. */
  #steps(lookup: (name: string) => string): ChatStep[] {
    // Parsed once when only data steps hold variables; per device when connect/timeout do.
    const compiled = this.#cacheable
      ? (this.#template ??= this.#compile(() => ""))
      : this.#compile(lookup);
    const values = compiled.refs.map(([isEnv, name]) =>
      isEnv ? this.#env.get(name)! : lookup(name)
    );
    const steps = compiled.steps.map((step) => fill(step, values));
    if (!this.#opens) {
      const text = word(lookup("port"), "port");
      const port = Number(text);
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new ReferenceError(
          `The value of \${port} (${JSON.stringify(text)}) is not a TCP port`,
        );
      }
      steps[0] = { kind: "connect", host: word(lookup("host"), "host"), port, line: 0 };
    }
    return steps;
  }

  /**
   * Parses the dialogue with each data variable as a sentinel (`refs` says which, in order)
   * and the variables of `connect`/`timeout` lines filled in from `lookup`.
   */
  #compile(lookup: (name: string) => string): Compiled {
    const refs: [boolean, string][] = [];
    const body = this.text.split(/\r?\n/).map((line) => {
      if (/^\s*#/.test(line)) return line;
      const inline = INLINE_LINE.test(line);
      return line.replace(REFERENCE, (whole, isEnv: string | undefined, name: string) => {
        if (!isEnv && this.#captured.has(name)) return whole; // the player's, at run time
        if (inline) return word(lookup(name), name);
        refs.push([isEnv !== undefined, name]);
        return `\uE000${refs.length - 1}\uE001`;
      });
    });
    // Without an open step, a placeholder connect (replaced per device) comes first.
    const text = (this.#opens ? body : ["connect 127.0.0.1 23", ...body]).join("\n");
    const shift = this.#opens ? 0 : 1;
    try {
      const steps = parseChat(text).map((step) => ({ ...step, line: step.line - shift }));
      return { steps, refs };
    } catch (error) {
      throw this.#renumber(error, shift);
    }
  }

  /** A parse error of the filled-in text, retold with the file's line number and text. */
  #renumber(error: unknown, shift: number): unknown {
    const m = error instanceof SyntaxError &&
      /^Cannot read line (\d+) of the dialogue \(.*?\): (.*)$/s.exec(error.message);
    if (!m) return error;
    const line = Number(m[1]) - shift;
    const text = this.text.split(/\r?\n/)[line - 1]?.trim() ?? "";
    return new SyntaxError(
      `Cannot read line ${line} of the dialogue (${JSON.stringify(text)}): ${m[2]}`,
      { cause: error },
    );
  }
}

/** A device's variable: a column, or `host`/`port`/`key`. */
function variable(device: Device, name: string): string {
  if (name === "port") return device.vars.port || String(device.port ?? 23);
  if (name === "host") return device.host;
  if (name === "key") return device.key;
  const value = device.vars[name];
  if (value === undefined) {
    throw new ReferenceError(
      `The dialogue uses \${${name}}, but the inventory row at line ${device.row} has no ` +
        `"${name}" column`,
    );
  }
  return value;
}

/** A value that must be one word (a host, a port, a timeout). */
function word(value: string, name: string): string {
  if (!/^[^\s"#]+$/.test(value)) {
    throw new ReferenceError(`The value of \${${name}} (${JSON.stringify(value)}) is not one word`);
  }
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
}

function shellWord(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The text of a pattern that may hold a sentinel. */
function patternText(pattern: ChatPattern): string {
  if (typeof pattern === "string") return pattern;
  if (pattern instanceof RegExp) return pattern.source;
  if (typeof pattern === "object" && pattern.kind === "screen") return patternText(pattern.pattern);
  return "";
}

/** Whether a step's text holds a sentinel (a variable to put in). */
function holdsValue(step: ChatStep): boolean {
  const texts = step.kind === "spawn"
    ? [step.command]
    : step.kind === "send" || step.kind === "sendline"
    ? [step.text]
    : step.kind === "expect"
    ? step.alternatives.flatMap((a) => [
      patternText(a.pattern),
      ...a.actions.map((x) => "text" in x ? x.text : ""),
    ])
    : [];
  return texts.some((text) => text.includes("\uE000"));
}

/** The environment variables a step sends as secrets (`secret NAME`). */
function secretNames(step: ChatStep): string[] {
  if (step.kind === "secret") return [step.env];
  if (step.kind !== "expect") return [];
  return step.alternatives.flatMap((a) =>
    a.actions.flatMap((x) => x.kind === "secret" ? [x.env] : [])
  );
}

/**
 * Puts the values back into the parsed step, each as data of the step's kind. A step with no
 * variable is returned as is: its RegExp stays the same object, whose compiled search the
 * engine caches.
 */
function fill(step: ChatStep, values: readonly string[]): ChatStep {
  if (!holdsValue(step)) return step;
  // The player replaces `${name}` in text when it runs: a value's own `${` stays literal.
  const literal = (v: string) => v.replaceAll("${", "$${");
  const put = (text: string, escape: (v: string) => string = literal) =>
    text.replace(SENTINEL, (_, i: string) => escape(values[Number(i)]));
  const putPattern = (p: ChatPattern): ChatPattern =>
    typeof p === "string"
      ? put(p)
      : p instanceof RegExp
      ? new RegExp(put(p.source, escapeRegExp), p.flags)
      : typeof p === "object" && p.kind === "screen"
      ? { kind: "screen", pattern: putPattern(p.pattern) as string | RegExp }
      : p;
  const putAction = (a: ChatAction): ChatAction => "text" in a ? { ...a, text: put(a.text) } : a;
  switch (step.kind) {
    case "spawn":
      return { ...step, command: put(step.command, (v) => literal(shellWord(v))) };
    case "send":
    case "sendline":
      return { ...step, text: put(step.text) };
    case "expect":
      return {
        ...step,
        alternatives: step.alternatives.map((a) => ({
          ...a,
          pattern: putPattern(a.pattern),
          actions: a.actions.map(putAction),
        })),
      };
    default:
      return step;
  }
}

function targetOf(step: Extract<ChatStep, { kind: "spawn" | "connect" }>): Target {
  return step.kind === "spawn"
    ? { kind: "spawn", command: step.command }
    : { kind: "telnet", host: step.host, port: step.port };
}

const described = new WeakMap<ChatStep, string>();

/** The step as the results file names it, computed once per step object. */
function describe(step: ChatStep): string {
  let text = described.get(step);
  if (text === undefined) described.set(step, text = describeStep(step));
  return text;
}

/** The step as the results file names it; sent text is left out (it may be a secret). */
function describeStep(step: ChatStep): string {
  const where = step.line === 0 ? "connect" : `line ${step.line}`;
  switch (step.kind) {
    case "expect":
      return `${where}: expect ${
        step.alternatives.map((a) => describePattern(a.pattern)).join(" | ")
      }`;
    case "connect":
      return step.line === 0 ? where : `${where}: connect ${step.host} ${step.port}`;
    case "timeout":
      return `${where}: timeout ${step.ms}`;
    default:
      return `${where}: ${step.kind}`;
  }
}

function describePattern(p: ChatPattern): string {
  if (typeof p === "string") return JSON.stringify(p);
  if (p instanceof RegExp) return String(p);
  if (typeof p === "symbol") return p.description?.toLowerCase() ?? String(p);
  return p.kind === "settle" ? `settle ${p.ms}` : `screen ${describePattern(p.pattern)}`;
}

/** Makes every send that holds a secret value a `{ secret: true }` send. */
function markSecrets(session: Session, secrets: readonly string[]): Session {
  if (secrets.length === 0) return session;
  const holds = (data: string | Uint8Array) =>
    typeof data === "string" && secrets.some((s) => s !== "" && data.includes(s));
  const send = session.send.bind(session);
  const sendLine = session.sendLine.bind(session);
  session.send = (data, options?: SendOptions) =>
    send(data, holds(data) ? { ...options, secret: true } : options);
  session.sendLine = (line = "", options?: SendOptions) =>
    sendLine(line, holds(line) ? { ...options, secret: true } : options);
  return session;
}
