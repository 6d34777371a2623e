/**
 * `dexpect serve --replay FILE.cast` (a cassette's recorded device, played to each Telnet
 * client) and `dexpect replay FILE.cast` (a cassette's output, played in your terminal).
 *
 * @module
 */
import { playCassette, serveReplay } from "../cassette/serve.ts";
import { type Cassette, parseCassette } from "../cassette/format.ts";
import {
  ExitCode,
  listenOptions,
  numberOption,
  type NumberRange,
  parse,
  parseWithPositionals,
  readTextFile,
  servedUntilInterrupted,
  UsageError,
} from "./_common.ts";

/** A speed or pause: a number > 0, `Infinity` included (at once, no limit). */
const POSITIVE: NumberRange = { min: 0, exclusive: true, infinite: true };

async function readCassette(file: string): Promise<Cassette> {
  return parseCassette(await readTextFile("the cassette", file), file);
}

/** Runs `dexpect serve --replay FILE ARGS`; resolves when Ctrl-C stops it. */
export async function serveReplayCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    port: { type: "string" },
    hostname: { type: "string" },
    replay: { type: "string" },
    speed: { type: "string" },
  });
  const file = values.replay!;
  const listen = listenOptions(values);
  const speed = numberOption("speed", values.speed, POSITIVE) ?? Infinity;
  const cassette = await readCassette(file);
  await using server = serveReplay(cassette, {
    ...listen,
    speed,
    onError: (error) => console.error(`dexpect: ${(error as Error).message}`),
  });
  console.error(
    `Replaying ${file} on telnet://${listen.hostname}:${server.addr.port} (Ctrl-C stops)`,
  );
  return await servedUntilInterrupted(server);
}

/** Runs `dexpect replay ARGS`; resolves when the cassette has played (or Ctrl-C). */
export async function replayCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseWithPositionals(args, {
    speed: { type: "string" },
    "idle-limit": { type: "string" },
  });
  if (positionals.length !== 1) throw new UsageError("replay takes one cassette FILE");
  const file = positionals[0];
  const speed = numberOption("speed", values.speed, POSITIVE) ?? 1;
  const idleLimit = numberOption("idle-limit", values["idle-limit"], POSITIVE) ?? Infinity;
  const controller = new AbortController();
  const stop = () => controller.abort(new Deno.errors.Interrupted("stopped"));
  Deno.addSignalListener("SIGINT", stop);
  try {
    await playCassette(await readCassette(file), Deno.stdout.writable, {
      speed,
      idleLimit,
      signal: controller.signal,
    });
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
  }
  return ExitCode.ok;
}
