// Copyright the dexpect authors. MIT license.
/**
 * `dexpect batch` as a function: an inventory file, a dialogue file (or a task), a results
 * file written as devices end, `--resume`, `--shard`, per-device logs, and progress.
 *
 * @module
 */
import { type BatchOptions, type DeviceRecording, type DeviceTask, runBatch } from "./batch.ts";
import { Dialogue } from "./dialogue.ts";
import { type Device, readInventory } from "./inventory.ts";
import { BatchProgress, reportProgress, type ReportProgressOptions } from "./progress.ts";
import { type DeviceResult, readOkResults, redact } from "./results.ts";
import { inShard, keyHash, type Shard } from "./shard.ts";

const encoder = new TextEncoder();

/** Options of {@linkcode runBatchJob}: files, shard, resume and progress, plus the batch's. */
export interface BatchJobOptions extends BatchOptions {
  /** Path of the inventory: CSV with a header row, or JSON Lines. */
  inventory: string;
  /** Path of a dialogue file, or a TypeScript task. */
  task: string | DeviceTask;
  /** Environment the dialogue's secrets (`${env:NAME}`, `secret NAME`) come from. @default {{}} */
  env?: Readonly<Record<string, string | undefined>>;
  /** Path of the results file (JSON Lines), written as devices end. */
  out?: string;
  /** Skip devices whose latest result in `out` is `ok`, and keep those lines. @default {false} */
  resume?: boolean;
  /** Run only this shard of the inventory. */
  shard?: Shard;
  /** Directory for each device's `KEY.log` (what it printed) and `KEY.cast` (asciicast). */
  logDir?: string;
  /** Where progress goes; none when omitted. */
  progress?: ReportProgressOptions;
  /** Called with each result as it is written. */
  onResult?: (result: DeviceResult) => void;
}

/** What {@linkcode runBatchJob} returns. */
export interface BatchJobSummary {
  /** The final counts. */
  readonly progress: BatchProgress;
  /** Whether every device run (and every one skipped) is `ok`, and the run was not stopped. */
  readonly ok: boolean;
  /** Whether `signal` stopped the run before the inventory's end. */
  readonly stopped: boolean;
}

/**
 * Runs a batch from files: reads the inventory twice (once to count, once to run, both
 * streamed), keeps the devices of `shard` minus those already `ok` with `resume`, and appends
 * one JSON line per device to `out` as each ends.
 *
 * @param options Files, shard, resume, progress and the batch's options.
 * @returns The summary.
 * @throws {SyntaxError} When the inventory or the dialogue is malformed.
 * @throws {ReferenceError} When a secret's environment variable is not set.
 * @throws {Deno.errors.NotFound} When a file is missing (the message names it).
 *
 * @example Run a dialogue over an inventory file
 * ```ts ignore
 * import { runBatchJob } from "@dexpect/dexpect/fleet";
 * const { ok } = await runBatchJob({
 *   inventory: "devices.csv",
 *   task: "backup.chat",
 *   out: "results.jsonl",
 *   env: Deno.env.toObject(),
 *   concurrency: 200,
 * });
 * ```
 */
export async function runBatchJob(options: BatchJobOptions): Promise<BatchJobSummary> {
  const task = typeof options.task === "string"
    ? Dialogue.parse(await named("read the dialogue file", options.task, Deno.readTextFile), {
      env: options.env ?? {},
    })
    : options.task;
  const done = options.out && options.resume ? await keepOk(options.out) : new Set<string>();
  const wanted = (d: Device) => options.shard === undefined || inShard(d.key, options.shard);
  const progress = new BatchProgress();
  for await (const device of devices(options.inventory)) {
    if (!wanted(device)) continue;
    if (done.has(device.key)) progress.skipped++;
    else progress.total = (progress.total ?? 0) + 1;
  }
  await using out = options.out === undefined ? undefined : await Deno.open(options.out, {
    write: true,
    create: true,
    append: options.resume === true,
    truncate: options.resume !== true,
  });
  const stop = options.progress ? reportProgress(progress, options.progress) : () => {};
  const inventory = filter(devices(options.inventory), (d) => wanted(d) && !done.has(d.key));
  try {
    const secrets = [...(options.secrets ?? []), ...(task instanceof Dialogue ? task.secrets : [])];
    const record = options.logDir === undefined
      ? options.record
      : recorder(options.logDir, secrets);
    for await (const result of runBatch(inventory, task, { ...options, record })) {
      if (out) await writeAll(out, encoder.encode(`${JSON.stringify(result)}\n`));
      progress.add(result);
      options.onResult?.(result);
    }
  } finally {
    stop();
  }
  const stopped = options.signal?.aborted === true &&
    progress.done < (progress.total ?? 0);
  return { progress, ok: !stopped && progress.failed === 0, stopped };
}

async function* devices(path: string): AsyncGenerator<Device, void, undefined> {
  const file = await named("read the inventory", path, (p) => Deno.open(p));
  yield* readInventory(file.readable, {
    format: /\.(jsonl|ndjson)$/i.test(path) ? "jsonl" : /\.csv$/i.test(path) ? "csv" : "auto",
  });
}

/** Runs a file operation; a failure names the file and what it was for, keeping its class. */
async function named<T>(what: string, path: string, op: (path: string) => Promise<T>): Promise<T> {
  try {
    return await op(path);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const reason = error.message.replace(/ \(os error \d+\).*$/s, "").toLowerCase();
    const Class = error.constructor as new (message: string, options?: ErrorOptions) => Error;
    throw new Class(`Cannot ${what} ${path}: ${reason}`, { cause: error });
  }
}

async function* filter<T>(
  source: AsyncIterable<T>,
  keep: (item: T) => boolean,
): AsyncGenerator<T, void, undefined> {
  for await (const item of source) if (keep(item)) yield item;
}

/** Rewrites the results file with only its latest `ok` lines; returns their keys. */
async function keepOk(path: string): Promise<Set<string>> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return new Set();
    throw error;
  }
  const { keys, lines } = await readOkResults(file.readable);
  const temporary = `${path}.resume-${Date.now()}`;
  await Deno.writeTextFile(temporary, lines.map((l) => `${l}\n`).join(""));
  await Deno.rename(temporary, path);
  return keys;
}

async function writeAll(file: Deno.FsFile, data: Uint8Array): Promise<void> {
  for (let at = 0; at < data.length;) at += await file.write(data.subarray(at));
}

/** A file name for a device key: safe characters kept, a hash added when any were not. */
function fileName(key: string): string {
  const safe = key.replace(/[^\w.-]/g, "_").slice(0, 100);
  return safe === key ? key : `${safe}-${keyHash(key).toString(16)}`;
}

/**
 * Writes what a device printed to KEY.log and its recording to KEY.cast (both 0600). The
 * session already shows the echo of what it sent as a secret as `***`; other `secrets` are
 * redacted on the way to the log.
 */
function recorder(
  dir: string,
  secrets: readonly string[],
): (device: Device) => Promise<DeviceRecording> {
  let made: Promise<void> | undefined;
  return async (device) => {
    await (made ??= Deno.mkdir(dir, { recursive: true }));
    const base = `${dir}/${fileName(device.key)}`;
    const open = (path: string) =>
      Deno.open(path, { write: true, create: true, truncate: true, mode: 0o600 });
    const file = await open(`${base}.log`);
    const cast = await open(`${base}.cast`);
    let log = file.writable;
    let piped: Promise<void> = Promise.resolve();
    if (secrets.length > 0) {
      const decoder = new TextDecoder(); // per device: a character split across reads survives
      const clean = new TransformStream<Uint8Array, Uint8Array>({
        transform: (data, out) =>
          out.enqueue(encoder.encode(redact(decoder.decode(data, { stream: true }), secrets))),
      });
      piped = clean.readable.pipeTo(file.writable).catch(() => {});
      log = clean.writable;
    }
    return {
      log,
      record: cast.writable,
      async close() {
        await log.close().catch(() => {});
        await piped;
        await cast.writable.close().catch(() => {});
      },
    };
  };
}
