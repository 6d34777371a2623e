/**
 * `dexpect telnet`: an interactive Telnet client like telnet(1), with NVT line mode (local
 * echo and editing while the server does not echo) and the `dexpect>` escape prompt (Ctrl-]).
 *
 * @module
 */
import { stdioTerminal } from "../pty/terminal.ts";
import type { InteractResult, InteractTerminal } from "../expect/interact.ts";
import { Telnet } from "../telnet/client.ts";
import { TelnetOption } from "../telnet/constants.ts";
import { autoNvtMode, NvtLineEditor, type NvtMode } from "../telnet/line_mode.ts";
import { encoder, ExitCode, parseWithPositionals, SessionFiles, UsageError } from "./_common.ts";

/** Runs `dexpect telnet ARGS`; resolves to the exit code. */
export async function telnetCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseWithPositionals(args, {
    tls: { type: "boolean" },
    log: { type: "string" },
    record: { type: "string" },
    "record-input": { type: "boolean" },
  });
  const [host, port = values.tls ? "992" : "23", extra] = positionals;
  if (!host || extra !== undefined || !/^\d+$/.test(port)) {
    throw new UsageError("telnet takes HOST [PORT]");
  }
  const terminal = stdioTerminal();
  const files = await SessionFiles.open(values);
  const session = await Telnet.connect(host, Number(port), {
    tls: values.tls ?? false,
    timeout: 10_000,
    terminalTypes: [Deno.env.get("TERM") || "xterm"],
    windowSize: terminal.size?.() ?? { cols: 80, rows: 24 }, // NAWS: the user's terminal
    logRead: files.log?.writable,
    record: files.record?.writable,
    recordInput: values["record-input"] ?? false,
  }).catch((error) => {
    files.abandon();
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
    await files.close();
  }
}

function modeLine(mode: ModeState): string {
  const how = mode.forced === undefined ? "chosen by the server's ECHO" : "set with mode";
  return `Mode: ${mode.current()} (${how})`;
}

/** The commands of the `dexpect>` prompt, as `--help` and the prompt's `help` list them. */
export const PROMPT_COMMANDS = `  close              close the connection and exit (also: quit)
  status             show the connection and the input mode
  mode [line|character|auto]   show or set the input mode: line (local echo and
                     editing, sent on Enter) or character (each key at once); auto
                     picks character mode when the server echoes
  send brk|ip|ayt    send Break, Interrupt Process or Are You There
  continue           return to the session (also an empty line)
  help, ?            show this list
  Ctrl-]             (typed again at once) send a literal Ctrl-] to the server`;
const PROMPT_HELP = `Commands:\n${PROMPT_COMMANDS}`;

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
