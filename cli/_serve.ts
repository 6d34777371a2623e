/**
 * `dexpect serve -- CMD`: serves a program over Telnet, one pty per connection.
 *
 * @module
 */
import { serve } from "../telnet/server.ts";
import { listenOptions, parse, servedUntilInterrupted, splitCommand } from "./_common.ts";
import { serveReplayCommand } from "./_replay.ts";

/** Runs `dexpect serve ARGS` (with `--replay`, a cassette's device); resolves when it stops. */
export async function serveCommand(args: string[]): Promise<number> {
  if (args.some((a) => a === "--replay" || a.startsWith("--replay="))) {
    return await serveReplayCommand(args);
  }
  const { options, command } = splitCommand(args);
  const { values } = parse(options, { port: { type: "string" }, hostname: { type: "string" } });
  const listen = listenOptions(values);
  await using server = serve({ ...listen, command });
  const where = `telnet://${listen.hostname}:${server.addr.port}`;
  console.error(`Serving ${command.join(" ")} on ${where} (Ctrl-C stops)`);
  return await servedUntilInterrupted(server);
}
