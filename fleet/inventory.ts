// Copyright the dexpect authors. MIT license.
/**
 * Inventories: the devices of a fleet, one per row of a CSV file with a header row or one per
 * line of a JSON Lines file. Rows are streamed: a file of any size is read as the batch
 * consumes it, never all at once.
 *
 * @module
 */
import { Readable } from "node:stream";
import { parse as csvParse } from "npm:csv-parse@7.0.3";

/**
 * One device of an inventory.
 *
 * @example A device as a CSV row `name,host,port,user` gives it
 * ```ts
 * import type { Device } from "./inventory.ts";
 *
 * const device: Device = {
 *   key: "core-1",
 *   host: "192.0.2.1",
 *   port: 23,
 *   vars: { name: "core-1", host: "192.0.2.1", port: "23", user: "admin" },
 *   row: 2,
 * };
 * void device;
 * ```
 */
export interface Device {
  /**
   * The device's identity: the `key` column, else the `name` column, else `host` (plus
   * `:port` when a port is given). Shards and `--resume` go by it, so it must be unique.
   */
  readonly key: string;
  /** The `host` column: host name or address. */
  readonly host: string;
  /** The `port` column as a number, when the row has one. */
  readonly port?: number;
  /** Every column of the row as text (`host` and `port` included): the dialogue's variables. */
  readonly vars: Readonly<Record<string, string>>;
  /** Where the row is: its line number in the file (1-based; the CSV header is line 1). */
  readonly row: number;
}

/** Options of {@linkcode readInventory}. */
export interface ReadInventoryOptions {
  /**
   * The file's format. `"auto"` reads JSON Lines when the first character that is not a blank
   * is `{`, CSV otherwise.
   *
   * @default {"auto"}
   */
  format?: "csv" | "jsonl" | "auto";
  /**
   * The longest row accepted, in characters: a longer one is an error, not a memory spike.
   *
   * @default {1_048_576}
   */
  maxRowLength?: number;
}

/**
 * Builds a {@linkcode Device} from a row's columns.
 *
 * @param vars The row's columns as text; `host` is required, `port` optional (1–65535).
 * @param row The row's line number, for error messages.
 * @returns The device.
 * @throws {SyntaxError} When `host` is missing or `port` is not a TCP port.
 *
 * @example A device from columns
 * ```ts
 * import { deviceFromRow } from "./inventory.ts";
 * import assert from "node:assert/strict";
 *
 * const d = deviceFromRow({ host: "10.0.0.1", port: "2323" }, 2);
 * assert.equal(d.key, "10.0.0.1:2323");
 * assert.equal(d.port, 2323);
 * ```
 */
export function deviceFromRow(vars: Record<string, string>, row: number): Device {
  const host = vars.host?.trim();
  if (!host) throw new SyntaxError(`Cannot read the inventory: row at line ${row} has no host`);
  let port: number | undefined;
  if (vars.port !== undefined && vars.port.trim() !== "") {
    port = Number(vars.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new SyntaxError(
        `Cannot read the inventory: row at line ${row} has port ${
          JSON.stringify(vars.port)
        }; expected 1-65535`,
      );
    }
  }
  const key = vars.key || vars.name || (port === undefined ? host : `${host}:${port}`);
  return { key, host, ...(port === undefined ? {} : { port }), vars, row };
}

/**
 * Reads an inventory as it is consumed: CSV with a header row (parsed by `csv-parse`: quotes,
 * embedded commas and line breaks, a BOM) or JSON Lines (one object a line; numbers and
 * booleans become text). Blank lines are skipped.
 *
 * @param source The file's bytes, e.g. `(await Deno.open(path)).readable`.
 * @param options Format and the longest row accepted.
 * @returns The devices, in file order; the source is cancelled if iteration stops early.
 * @throws {SyntaxError} Naming the line, on malformed CSV or JSON, a row without `host`, a bad
 *   `port`, or a row longer than `maxRowLength`.
 *
 * @example Stream a CSV inventory
 * ```ts
 * import { readInventory } from "./inventory.ts";
 * import assert from "node:assert/strict";
 *
 * const text = "host,port,user\n10.0.0.1,23,admin\n10.0.0.2,,oper\n";
 * const source = new Blob([text]).stream();
 * const keys = [];
 * for await (const device of readInventory(source)) keys.push(device.key);
 * assert.deepEqual(keys, ["10.0.0.1:23", "10.0.0.2"]);
 * ```
 */
export async function* readInventory(
  source: ReadableStream<Uint8Array>,
  options: ReadInventoryOptions = {},
): AsyncGenerator<Device, void, undefined> {
  const max = options.maxRowLength ?? 1_048_576;
  const [format, stream] = options.format === "csv" || options.format === "jsonl"
    ? [options.format, source]
    : await sniff(source);
  if (format === "jsonl") yield* readJsonLines(stream, max);
  else yield* readCsv(stream, max);
}

/** Peeks at the first non-blank byte; returns the format and a stream with nothing lost. */
async function sniff(
  source: ReadableStream<Uint8Array>,
): Promise<["csv" | "jsonl", ReadableStream<Uint8Array>]> {
  const reader = source.getReader();
  const seen: Uint8Array[] = [];
  let format: "csv" | "jsonl" = "csv";
  for (let decided = false; !decided;) {
    const { value, done } = await reader.read();
    if (done) break;
    seen.push(value);
    for (const byte of value) {
      if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue;
      if (byte === 0x7b) format = "jsonl";
      decided = true;
      break;
    }
  }
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const head = seen.shift();
      if (head) return controller.enqueue(head);
      const { value, done } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
  return [format, stream];
}

async function* readCsv(
  source: ReadableStream<Uint8Array>,
  max: number,
): AsyncGenerator<Device, void, undefined> {
  const parser = csvParse({
    columns: true,
    bom: true,
    skip_empty_lines: true,
    trim: true,
    info: true,
    max_record_size: max,
    cast: false,
  });
  // The Node stream API, piped: it holds back the file when records are not consumed (the
  // WHATWG wrapper of csv-parse queues 1024 chunks and 1024 records).
  const input = Readable.fromWeb(source as import("node:stream/web").ReadableStream);
  input.on("error", (error) => parser.destroy(error));
  input.pipe(parser);
  try {
    for await (const item of parser) {
      const { record, info } = item as { record: Record<string, string>; info: { lines: number } };
      yield deviceFromRow(record, info.lines);
    }
  } catch (error) {
    if (error instanceof SyntaxError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new SyntaxError(`Cannot read the CSV inventory: ${message}`, { cause: error });
  } finally {
    input.unpipe(parser);
    input.destroy();
    parser.destroy();
  }
}

async function* readJsonLines(
  source: ReadableStream<Uint8Array>,
  max: number,
): AsyncGenerator<Device, void, undefined> {
  let line = 0;
  for await (const text of lines(source, max)) {
    line++;
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new SyntaxError(
        `Cannot read the inventory: line ${line} is not JSON (${(error as Error).message})`,
        { cause: error },
      );
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new SyntaxError(`Cannot read the inventory: line ${line} is not a JSON object`);
    }
    const vars: Record<string, string> = {};
    for (const [name, v] of Object.entries(value)) {
      if (v === null || typeof v === "object") {
        throw new SyntaxError(
          `Cannot read the inventory: line ${line} has a non-scalar value for "${name}"`,
        );
      }
      vars[name] = String(v);
    }
    yield deviceFromRow(vars, line);
  }
}

/** Splits UTF-8 bytes into lines (LF or CR LF), each at most `max` characters. */
export async function* lines(
  source: ReadableStream<Uint8Array>,
  max: number,
): AsyncGenerator<string, void, undefined> {
  let pending = "";
  let count = 0;
  const tooLong = (): never => {
    throw new SyntaxError(`Cannot read line ${count + 1}: it is longer than ${max} characters`);
  };
  for await (const chunk of source.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    let at: number;
    while ((at = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, at);
      pending = pending.slice(at + 1);
      if (line.length > max + 1) tooLong();
      count++;
      yield line.endsWith("\r") ? line.slice(0, -1) : line;
    }
    if (pending.length > max) tooLong();
  }
  if (pending !== "") yield pending.endsWith("\r") ? pending.slice(0, -1) : pending;
}
