// The CLI as users run it: in a pty, driven by dexpect itself.
import { type PtySession, spawn } from "../pty/session.ts";
import "./_pty_helpers.ts";

const CLI = new URL("../cli.ts", import.meta.url).pathname;

/** Starts `dexpect ARGS...` in a pty with a small, fixed environment plus `env`. */
export function dexpect(args: string[], env: Record<string, string> = {}): PtySession {
  return spawn([Deno.execPath(), "run", "-A", "--quiet", CLI, ...args], {
    timeout: 15_000,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      NO_COLOR: "1",
      HOME: "/tmp",
      TERM: "xterm",
      ...env,
    },
  });
}

/**
 * Runs `dexpect ARGS...` with its output piped (no terminal), stdin closed, and returns how
 * it ended; stderr is kept only with `stderr: "piped"`.
 */
export async function dexpectPiped(
  args: string[],
  env: Record<string, string>,
  stderr: "piped" | "null" = "piped",
): Promise<Deno.CommandOutput> {
  return await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", CLI, ...args],
    env,
    stdin: "null",
    stdout: "piped",
    stderr,
  }).output();
}
