// Copyright the dexpect authors. MIT license.
/**
 * Argument checks and small helpers for `Session`.
 *
 * @module
 */

import type { SessionOptions } from "./options.ts";
import type { Data } from "./results.ts";
import { internalSet, type PatternSet } from "./_search.ts";

/** The set `lines()` waits for. */
export const LINE: PatternSet = internalSet("line");
/** The set `chunks()` waits for. */
export const ANY: PatternSet = internalSet("any");

/**
 * Checks a duration in milliseconds: `null` or a finite number ≥ 0.
 *
 * @throws {RangeError} Otherwise.
 */
export function checkDuration(name: string, value: number | null): number | null {
  if (value === null) return null;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `Invalid ${name}: expected milliseconds >= 0 or null, got ${String(value)}`,
    );
  }
  return value;
}

function checkPositive(name: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`Invalid ${name}: expected an integer >= 1, got ${String(value)}`);
  }
}

function checkOneOf(name: string, value: unknown, allowed: readonly unknown[]): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw new TypeError(
      `Invalid ${name}: expected ${allowed.map((a) => JSON.stringify(a)).join(" or ")}, got ${
        JSON.stringify(value)
      }`,
    );
  }
}

/**
 * Validates session options.
 *
 * @throws {RangeError} On out-of-range numbers.
 * @throws {TypeError} On wrong types.
 */
export function checkOptions<D extends Data>(options: SessionOptions<D>): void {
  if (options.timeout !== undefined) checkDuration("timeout", options.timeout);
  if (options.charDelay !== undefined) checkDuration("charDelay", options.charDelay);
  checkOneOf("encoding", options.encoding, ["utf-8", null]);
  checkOneOf("overflow", options.overflow, ["error", "drop-oldest"]);
  checkOneOf("order", options.order, ["stream", "list"]);
  checkPositive("maxBuffer", options.maxBuffer);
  checkPositive("searchWindowSize", options.searchWindowSize);
  checkPositive("cols", options.cols);
  checkPositive("rows", options.rows);
  if (options.lineEnding !== undefined && typeof options.lineEnding !== "string") {
    throw new TypeError(`Invalid lineEnding: expected a string, got ${typeof options.lineEnding}`);
  }
}

const CONTROL_PUNCTUATION: Record<string, number> = {
  "@": 0,
  "[": 27,
  "\\": 28,
  "]": 29,
  "^": 30,
  "_": 31,
  "?": 127,
};

/**
 * The byte Ctrl+`char` produces.
 *
 * @throws {RangeError} When there is none.
 */
export function controlCode(char: string): number {
  if (typeof char === "string" && char.length === 1) {
    const c = char.toLowerCase().charCodeAt(0);
    if (c >= 0x61 && c <= 0x7a) return c - 0x60;
    const p = CONTROL_PUNCTUATION[char];
    if (p !== undefined) return p;
  }
  throw new RangeError(
    `Cannot send control character for ${
      JSON.stringify(char)
    }: expected a letter or one of @[\\]^_?`,
  );
}

/** Waits `ms` milliseconds; rejects with the signal's reason when it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
