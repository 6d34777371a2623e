/**
 * Drive a REPL one command at a time and get each command's output: pexpect's `replwrap`.
 *
 * @module
 */
import type { ExpectOptions } from "../expect/options.ts";
import { idle } from "../expect/patterns.ts";
import { type PtySession, type PtySessionOptions, spawn } from "./session.ts";

const INTERRUPT_ATTEMPTS = 5;
const INTERRUPT_SILENCE_MS = 200;

/** How to start a REPL and give it a prompt that cannot be mistaken for output. */
export interface ReplOptions extends PtySessionOptions<string> {
  /**
   * A prompt the REPL shows first, before the prompt is changed; `null` sends the prompt
   * setting at once (the terminal keeps it until the REPL reads).
   */
  initialPrompt: string | RegExp | null;
  /**
   * Builds the line that sets the REPL's main and continuation prompts. The prompts are
   * passed split in two so that the echo of this line does not contain them whole.
   */
  setPrompt: (prompt: [string, string], continuation: [string, string]) => string;
}

/**
 * A REPL with a unique prompt: `run(code)` sends code and returns what it printed up to
 * the next prompt. Create one with {@linkcode replwrap}, {@linkcode shellRepl} or
 * {@linkcode pythonRepl}.
 *
 * @example Run shell commands
 * ```ts
 * import { shellRepl } from "@dexpect/dexpect/pty";
 * await using sh = await shellRepl();
 * console.log(await sh.run("echo $((6 * 7))")); // "42\r\n"
 * ```
 */
export class Repl implements AsyncDisposable {
  /** The session running the REPL. */
  readonly session: PtySession;
  /** The unique main prompt. */
  readonly prompt: string;
  /** The unique continuation prompt (after an incomplete line). */
  readonly continuation: string;

  /** What the main and continuation prompts look like on screen. */
  readonly #marks: { main: string | RegExp; more: string | RegExp };

  /**
   * Wraps a session whose REPL already shows `prompt`. Use {@linkcode replwrap}.
   *
   * @param session The REPL's session.
   * @param prompt The unique main prompt (for {@linkcode shellRepl}: the start of its mark).
   * @param continuation The unique continuation prompt.
   * @param marks Patterns for the prompts as shown, when they are not `prompt` and
   *   `continuation` literally (a RegExp whose group 1 is the exit status).
   */
  constructor(
    session: PtySession,
    prompt: string,
    continuation: string,
    marks?: { main: RegExp; more: RegExp },
  ) {
    this.session = session;
    this.prompt = prompt;
    this.continuation = continuation;
    this.#marks = marks ?? { main: prompt, more: continuation };
  }

  /**
   * Like {@linkcode Repl.run}, and also returns the exit status of the command when the REPL
   * reports one: {@linkcode shellRepl} puts each command's status in its prompt (an OSC 133
   * style mark), so a command's output cannot be mistaken for the prompt.
   *
   * @param code One or more lines.
   * @param options `timeout` (ms per line) and `signal`.
   * @returns `output` as `run()` returns it; `status`, the exit status, or `null` when the
   *   REPL does not report one (Python).
   * @throws {SyntaxError} When the REPL still waits for more input after the last line.
   * @throws {TimeoutError} When the prompt does not come back in time.
   *
   * @example A command's output and exit status
   * ```ts
   * import { shellRepl } from "@dexpect/dexpect/pty";
   * await using sh = await shellRepl();
   * console.log(await sh.exec("ls /nonexistent 2>/dev/null")); // { output: "", status: 2 }
   * ```
   */
  async exec(
    code: string,
    options: ExpectOptions = {},
  ): Promise<{ output: string; status: number | null }> {
    const lines = code.split("\n");
    let output = "";
    for (const [i, line] of lines.entries()) {
      await this.session.sendLine(line);
      const r = await this.session.expect(
        { main: this.#marks.main, more: this.#marks.more },
        options,
      );
      output += stripEcho(cleanBefore(r.before), line);
      if (r.key === "more" && i === lines.length - 1) {
        await this.#interrupt(options);
        throw new SyntaxError(
          `Cannot run incomplete input: the REPL waits for more after ${JSON.stringify(line)}`,
        );
      }
      if (r.key === "main" && i === lines.length - 1) {
        const status = Array.isArray(r.match) ? r.match[1] : undefined;
        return { output, status: status === undefined ? null : Number(status) };
      }
    }
    return { output, status: null };
  }

  /**
   * Sends `code` line by line and returns the output up to the next main prompt, without
   * the echo of the lines sent. A continuation prompt after the last line means the code
   * is incomplete: it is cancelled with the interrupt character and the call throws.
   *
   * @param code One or more lines.
   * @param options `timeout` (ms per line) and `signal`.
   * @returns The output, with the terminal's `\r\n` line ends.
   * @throws {SyntaxError} When the REPL still waits for more input after the last line.
   * @throws {TimeoutError} When the prompt does not come back in time.
   */
  async run(code: string, options: ExpectOptions = {}): Promise<string> {
    return (await this.exec(code, options)).output;
  }

  /**
   * Cancels pending input with the interrupt character until the main prompt returns. An
   * interrupt that lands just before a readline-based REPL waits for input is only seen at
   * the next key (CPython's readline has this race), so silence means: interrupt again.
   */
  async #interrupt(options: ExpectOptions): Promise<void> {
    for (let attempt = 0; attempt < INTERRUPT_ATTEMPTS; attempt++) {
      await this.session.sendIntr();
      const r = await this.session.expect(
        { main: this.#marks.main, quiet: idle(INTERRUPT_SILENCE_MS) },
        options,
      );
      if (r.key === "main") return;
    }
    await this.session.expect(this.#marks.main, options);
  }

  /** Ends the REPL (closes its session). */
  async close(): Promise<void> {
    await this.session.close();
  }

  /** Ends the REPL. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * Drops what line editors write around each line that is not output: bracketed-paste mode
 * switches (bash 5.2's readline) and cursor position queries (busybox sh).
 */
function cleanBefore(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[\?2004[hl]\r?|\x1b\[6n/g, "");
}

function stripEcho(text: string, line: string): string {
  const echo = `${line}\r\n`;
  return text.startsWith(echo) ? text.slice(echo.length) : text;
}

/**
 * Starts a REPL and gives it a unique prompt: pexpect's `REPLWrapper`.
 *
 * @param command The REPL program (array, or a string split like a shell).
 * @param options `initialPrompt`, `setPrompt` and the spawn and session settings.
 * @returns The REPL, showing its new prompt.
 * @throws {TimeoutError} When the REPL does not show its prompt in time.
 *
 * @example A Node.js REPL
 * ```ts ignore
 * import { replwrap } from "@dexpect/dexpect/pty";
 * await using node = await replwrap("node", {
 *   initialPrompt: "> ",
 *   setPrompt: ([a, b], [c, d]) => `repl.repl.setPrompt("${a}" + "${b}")`,
 * });
 * ```
 */
export async function replwrap(
  command: string | readonly string[],
  options: ReplOptions,
): Promise<Repl> {
  const { initialPrompt, setPrompt, ...spawnOptions } = options;
  const tag = crypto.randomUUID().slice(0, 8);
  const prompt: [string, string] = ["[dexpect-", `${tag}]> `];
  const continuation: [string, string] = ["[dexpect-", `${tag}]+ `];
  const session = spawn(command, spawnOptions);
  try {
    if (initialPrompt !== null) await session.expect(initialPrompt);
    await session.sendLine(setPrompt(prompt, continuation));
    await session.expect(prompt.join(""));
    return new Repl(session, prompt.join(""), continuation.join(""));
  } catch (error) {
    await session.close();
    throw error;
  }
}

/**
 * A POSIX shell (`sh` by default) as a {@linkcode Repl}: pexpect's `replwrap.bash`.
 *
 * @param command The shell. @default {"sh"}
 * @param options Spawn and session settings.
 * @returns The REPL.
 *
 * @example Run shell commands one at a time
 * ```ts
 * import { shellRepl } from "@dexpect/dexpect/pty";
 * await using sh = await shellRepl();
 * console.log(await sh.run("echo $((1 + 2))")); // "3\r\n"
 * ```
 */
export async function shellRepl(
  command: string | readonly string[] = "sh",
  options: PtySessionOptions<string> = {},
): Promise<Repl> {
  const tag = crypto.randomUUID().slice(0, 8);
  // The prompt carries the last status, expanded by the shell when it shows the prompt: the
  // text of PS1 itself (`echo "$PS1"`, `env`) has `$?` where the prompt has digits, so no
  // output can pass for it. (Readline's \001 \002 invisible-text marks make bash draw the
  // prompt twice: not used.)
  const mark = (kind: string, expand: string) =>
    `"$(printf '\\033]133;${kind};%s;dexpect-${tag}\\007' '${expand}')"`;
  const line = `PS1=${mark("D", "$?")} PS2=${mark("P", "${dexpect_unset_" + tag + "-}")} ` +
    `PROMPT_COMMAND=''`;
  const main = new RegExp(`\\x1b\\]133;D;(\\d+);dexpect-${tag}\\x07`);
  const more = new RegExp(`\\x1b\\]133;P;;dexpect-${tag}\\x07`);
  const session = spawn(command, options);
  try {
    // No wait for the first prompt (whatever it looks like, trailing space or not): the
    // terminal holds the line until the shell reads it.
    await session.sendLine(line);
    await session.expect(main);
    return new Repl(session, `\x1b]133;D;`, `\x1b]133;P;`, { main, more });
  } catch (error) {
    await session.close();
    throw error;
  }
}

/**
 * Python's interactive interpreter as a {@linkcode Repl}: pexpect's `replwrap.python`.
 *
 * @param command The interpreter; `-E` makes it ignore `PYTHONSTARTUP`.
 * @default {["python3", "-q", "-i", "-E"]}
 * @param options Spawn and session settings.
 * @returns The REPL.
 *
 * @example Run Python code one statement at a time (not run as a doc test: python3 may be missing)
 * ```ts ignore
 * import { pythonRepl } from "@dexpect/dexpect/pty";
 * await using py = await pythonRepl();
 * console.log(await py.run("x = 6\nprint(x * 7)")); // "42\r\n"
 * ```
 */
export function pythonRepl(
  command: string | readonly string[] = ["python3", "-q", "-i", "-E"],
  options: PtySessionOptions<string> = {},
): Promise<Repl> {
  return replwrap(command, {
    ...options,
    initialPrompt: ">>> ",
    setPrompt: ([a, b], [c, d]) =>
      `import sys; sys.ps1 = '${a}' + '${b}'; sys.ps2 = '${c}' + '${d}'`,
  });
}
