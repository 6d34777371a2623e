/**
 * What the CLI's commands share: exit codes, argument and option parsing, and the files a
 * session writes (private logs and recordings).
 *
 * @module
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import type { ExitStatus } from "../expect/channel.ts";

/** Encodes what the CLI writes to the terminal and its files. */
export const encoder: TextEncoder = new TextEncoder();

/**
 * Exit codes of the CLI, as documented in README and `--help`.
 *
 * @example The code of a pattern that timed out
 * ```ts
 * import { ExitCode } from "./_common.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(ExitCode.timeout, 1);
 * ```
 */
export const ExitCode = { ok: 0, timeout: 1, usage: 2, eof: 3, failed: 4 } as const;

/** A command line the CLI cannot use: exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Prints `text` on stdout (without trailing blank lines); returns {@link ExitCode.ok}. */
export function print(text: string): number {
  console.log(text.trimEnd());
  return ExitCode.ok;
}

/**
 * The exit code that mirrors a child's status, as shells do (128+N for signal N); 1 when
 * there is no status.
 *
 * @example A child killed by SIGTERM
 * ```ts
 * import { statusCode } from "./_common.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(statusCode({ code: null, signal: 15 }), 143);
 * ```
 */
export function statusCode(status: ExitStatus | undefined): number {
  if (!status) return 1;
  return status.signal !== null ? 128 + status.signal : status.code ?? 1;
}

/** Splits `OPTIONS -- CMD ARGS...`; a usage error when CMD is missing. */
export function splitCommand(args: string[]): { options: string[]; command: string[] } {
  const at = args.indexOf("--");
  const command = at < 0 ? [] : args.slice(at + 1);
  if (command.length === 0 || command[0] === "") {
    throw new UsageError("missing the command to run after --");
  }
  return { options: args.slice(0, at), command };
}

/** `parseArgs` of `options` without positionals, with tokens; bad options are usage errors. */
export function parse<const T extends ParseArgsOptionsConfig>(args: string[], options: T) {
  return asUsage(() =>
    parseArgs({ args, options, strict: true, allowPositionals: false, tokens: true as const })
  );
}

/** `parseArgs` of `options` and positional arguments; bad options are usage errors. */
export function parseWithPositionals<const T extends ParseArgsOptionsConfig>(
  args: string[],
  options: T,
) {
  return asUsage(() => parseArgs({ args, options, strict: true, allowPositionals: true }));
}

/** Runs `parse`, turning its errors into usage errors (exit code 2). */
function asUsage<R>(parse: () => R): R {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** `--timeout MS`: 30000 when absent. */
export function timeoutOption(value: string | undefined): number | null {
  if (value === undefined) return 30_000;
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms < 0) {
    throw new UsageError(`--timeout takes milliseconds, not "${value}"`);
  }
  return ms;
}

/** The range a {@link numberOption} accepts. */
export interface NumberRange {
  /** The least value. */
  min: number;
  /** Whether `min` itself is out of range (`> min` rather than `>= min`). */
  exclusive?: boolean;
  /** Whether `Infinity` is accepted (an option whose default is "no limit"). */
  infinite?: boolean;
}

/** A number option: `undefined` when absent; a usage error unless it is a number in `range`. */
export function numberOption(
  name: string,
  value: string | undefined,
  range: NumberRange,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const inRange = range.exclusive ? n > range.min : n >= range.min;
  if (value.trim() === "" || !inRange || !(range.infinite || Number.isFinite(n))) {
    const bound = `${range.exclusive ? ">" : ">="} ${range.min}`;
    throw new UsageError(`--${name} takes a number ${bound}, not "${value}"`);
  }
  return n;
}

/** Where a server listens: `--port N` (default 2323; 0 picks a free one) and `--hostname`. */
export function listenOptions(
  values: { port?: string; hostname?: string },
): { port: number; hostname: string; allowRemote: boolean } {
  const port = Number(values.port ?? 2323);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port takes 0-65535`);
  }
  // An explicit --hostname is the user's consent to listen beyond loopback.
  return {
    port,
    hostname: values.hostname ?? "127.0.0.1",
    allowRemote: values.hostname !== undefined,
  };
}

/** Runs a file operation, naming the file and its purpose when it fails. */
export async function withFile<T>(what: string, path: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(
      / \(os error \d+\).*$/,
      "",
    );
    throw new Error(`Cannot ${what} ${path}: ${reason.toLowerCase()}`, { cause: error });
  }
}

/** Reads a text file the user named; the error says what it was for (`what`). */
export function readTextFile(what: string, path: string): Promise<string> {
  return withFile(`read ${what}`, path, () => Deno.readTextFile(path));
}

/**
 * Opens a log or recording for writing, private to the user (0600): a session's output can
 * hold what the peer echoes of secrets. An existing regular file is truncated and made
 * private too; devices and pipes (`/dev/stderr`) are left as they are.
 */
async function openLog(path: string | undefined): Promise<Deno.FsFile | undefined> {
  if (path === undefined) return undefined;
  return await withFile("write", path, async () => {
    const file = await Deno.open(path, { write: true, create: true, truncate: true, mode: 0o600 });
    try {
      const { isFile, mode } = await file.stat();
      if (isFile && mode !== null && (mode & 0o077) !== 0) await Deno.chmod(path, 0o600);
    } catch (error) {
      file.close();
      throw error;
    }
    return file;
  });
}

/** Writes `last` to a file's stream and closes it (flushing it, and closing the file). */
async function closeStream(stream: WritableStream<Uint8Array>, last = ""): Promise<void> {
  const writer = stream.getWriter();
  if (last) await writer.write(encoder.encode(last));
  await writer.close();
}

/**
 * A session's `--log FILE` and `--record FILE` (both optional), opened private (0600). The
 * session writes to the files' streams and releases them when it closes; {@link close}
 * then flushes what Deno's `FsFile.writable` buffers and closes the files.
 */
export class SessionFiles {
  private constructor(
    /** The log (a typescript of what the peer sent), when asked for. */
    readonly log: Deno.FsFile | undefined,
    /** The asciicast recording, when asked for. */
    readonly record: Deno.FsFile | undefined,
  ) {}

  /** Opens the files; a file that cannot be opened closes those already open. */
  static async open(paths: { log?: string; record?: string }): Promise<SessionFiles> {
    const log = await openLog(paths.log);
    try {
      return new SessionFiles(log, await openLog(paths.record));
    } catch (error) {
      log?.close();
      throw error;
    }
  }

  /** Closes both streams, writing `last` to the log first. */
  async close(last = ""): Promise<void> {
    if (this.log) await closeStream(this.log.writable, last);
    if (this.record) await closeStream(this.record.writable);
  }

  /** Closes the files at once, when their streams may still be locked by a failed session. */
  abandon(): void {
    this.log?.close();
    this.record?.close();
  }
}

/** Waits until the server ends or Ctrl-C closes it. */
export async function servedUntilInterrupted(
  server: { close(): Promise<void>; finished: Promise<void> },
): Promise<number> {
  const stop = () => void server.close();
  Deno.addSignalListener("SIGINT", stop);
  try {
    await server.finished;
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
  }
  return ExitCode.ok;
}
