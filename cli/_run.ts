/**
 * `dexpect spawn` (a program in a pty attached to your terminal, recorded like script(1)) and
 * `dexpect run` (a program in a pty driven by `--expect`/`--send` steps).
 *
 * @module
 */
import { EOF } from "../expect/patterns.ts";
import type { ExitStatus } from "../expect/channel.ts";
import { parsePattern, unescapeText } from "../expect/dialogue.ts";
import { spawn } from "../pty/session.ts";
import { stdioTerminal } from "../pty/terminal.ts";
import {
  encoder,
  parse,
  print,
  SessionFiles,
  splitCommand,
  statusCode,
  timeoutOption,
  UsageError,
  withFile,
} from "./_common.ts";

/** Runs `dexpect spawn ARGS`; resolves to the child's exit code. */
export async function spawnCommand(args: string[]): Promise<number> {
  const { options, command } = splitCommand(args);
  const { values } = parse(options, {
    log: { type: "string" },
    record: { type: "string" },
    "record-input": { type: "boolean" },
  });
  const terminal = stdioTerminal();
  const size = terminal.size?.() ?? { cols: 80, rows: 24 };
  const files = await SessionFiles.open(values);
  const stamp = () => new Date().toISOString();
  const where = [values.log, values.record].filter(Boolean).join(" and ");
  let status: ExitStatus | undefined;
  try {
    await files.log?.write(
      encoder.encode(`Script started on ${stamp()} [COMMAND="${command.join(" ")}"]\n`),
    );
    if (where) console.error(`Script started, output file is ${where}.`);
    const session = spawn(command, {
      ...size,
      timeout: null,
      logRead: files.log?.writable,
      record: files.record?.writable,
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
    await files.close(done);
  }
  if (where) console.error("Script done.");
  return statusCode(status);
}

/** Runs `dexpect run ARGS`; resolves to the child's exit code. */
export async function runCommand(args: string[]): Promise<number> {
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
  const screens = values.screen ? await import("../screen/mod.ts") : undefined;
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
