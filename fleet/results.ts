// Copyright the dexpect authors. MIT license.
/**
 * Results of a batch: one JSON line per device, and what `--resume` reads back.
 *
 * @module
 */
import type { ExitStatus } from "../expect/channel.ts";
import { lines } from "./inventory.ts";

/**
 * How a device ended:
 *
 * - `"ok"`: every step ran (and a spawned program exited with status 0).
 * - `"timeout"`: a pattern was not seen in time, the connection attempt timed out, or the
 *   device's overall deadline passed.
 * - `"eof"`: the device closed the connection (or the program ended) before a pattern matched.
 * - `"refused"`: nothing accepted the connection, after every retry.
 * - `"error"`: anything else (a bad variable, a program that exited non-zero, an interrupt).
 */
export type DeviceStatus = "ok" | "timeout" | "eof" | "refused" | "error";

/** Every status, in the order summaries list them. */
export const DEVICE_STATUSES: readonly DeviceStatus[] = [
  "ok",
  "timeout",
  "eof",
  "refused",
  "error",
];

/**
 * The result of one device: one line of the results file.
 *
 * @example A device whose login failed
 * ```ts
 * import type { DeviceResult } from "./results.ts";
 *
 * const result: DeviceResult = {
 *   key: "core-1",
 *   host: "192.0.2.1",
 *   status: "eof",
 *   step: 'line 5: expect "# "',
 *   captures: {},
 *   durationMs: 812,
 *   attempts: 1,
 *   error: 'End of output while waiting for "# "',
 * };
 * void result;
 * ```
 */
export interface DeviceResult {
  /** The device's key (see `Device.key`). */
  key: string;
  /** The device's host. */
  host: string;
  /** The device's port, when the inventory gives one. */
  port?: number;
  /** How it ended. */
  status: DeviceStatus;
  /** The step that failed (`"line N: ..."` for dialogues, `"connect"`), when one did. */
  step?: string;
  /** The variables the dialogue or task captured, secrets redacted. */
  captures: Record<string, string>;
  /** How a spawned program ended, when there was one and it ended. */
  exitStatus?: ExitStatus;
  /** Time from the device's start (its first connection attempt) to its end, in ms. */
  durationMs: number;
  /** Connection attempts made (1 unless connection failures were retried). */
  attempts: number;
  /** The error's message, secrets redacted, when the status is not `"ok"`. */
  error?: string;
}

/**
 * Reads a results file and returns the keys of the devices whose latest result is `ok`, and
 * those lines. Lines that are not results (a line cut by a crash) are skipped.
 *
 * @param source The results file's bytes.
 * @returns The keys and, in file order, the JSON lines of the `ok` results.
 *
 * @example Keys already done
 * ```ts
 * import { readOkResults } from "./results.ts";
 * import assert from "node:assert/strict";
 *
 * const text = '{"key":"a","status":"ok"}\n{"key":"b","status":"eof"}\n{"key":"c"';
 * const { keys } = await readOkResults(new Blob([text]).stream());
 * assert.deepEqual([...keys], ["a"]);
 * ```
 */
export async function readOkResults(
  source: ReadableStream<Uint8Array>,
): Promise<{ keys: Set<string>; lines: string[] }> {
  const latest = new Map<string, string>();
  for await (const line of lines(source, 16 * 1_048_576)) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const { key, status } = (value ?? {}) as { key?: unknown; status?: unknown };
    if (typeof key !== "string") continue;
    latest.delete(key); // keeps the map in order of each key's latest line
    if (status === "ok") latest.set(key, line);
  }
  return { keys: new Set(latest.keys()), lines: [...latest.values()] };
}

/**
 * Replaces every occurrence of each secret in `text` with `***`.
 *
 * @param text Any text that may hold a secret (an error message, a capture).
 * @param secrets The secret values; empty strings are ignored.
 * @returns The redacted text.
 *
 * @example Redact a password
 * ```ts
 * import { redact } from "./results.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(redact("sent hunter2", ["hunter2"]), "sent ***");
 * ```
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret !== "") out = out.split(secret).join("***");
  return out;
}
