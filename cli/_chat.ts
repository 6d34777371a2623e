/**
 * `dexpect chat FILE`: plays a dialogue file on the programs and connections it opens.
 *
 * @module
 */
import { EOF } from "../expect/patterns.ts";
import { type ChatOpenStep, parseChat } from "../expect/chat.ts";
import { playChat } from "../expect/chat_play.ts";
import type { SessionObserver } from "../expect/observers.ts";
import { PtySession, spawn } from "../pty/session.ts";
import { Telnet } from "../telnet/client.ts";
import { ExitCode, parseWithPositionals, readTextFile, statusCode, UsageError } from "./_common.ts";

/** Runs `dexpect chat ARGS`; resolves to the exit code (the program's, when one was spawned). */
export async function chatCommand(args: string[]): Promise<number> {
  const { positionals } = parseWithPositionals(args, {});
  if (positionals.length !== 1) throw new UsageError("chat takes one dialogue FILE");
  const file = positionals[0];
  const steps = parseChat(
    await readTextFile("the dialogue file", file),
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
  const screen = needsScreen ? await import("../screen/mod.ts") : undefined;
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
