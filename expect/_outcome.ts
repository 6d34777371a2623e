// Copyright the dexpect authors. MIT license.
/**
 * What an `expect()` hands back besides the match bytes: the error of a wait that failed
 * (with the redacted tail of the output) and a `RegExp` match re-based on the unconsumed
 * output. Private to the engine.
 *
 * @module
 */

import type { ExitStatus } from "./channel.ts";
import { BufferOverflowError, EOFError, type ExpectErrorDetails, TimeoutError } from "./errors.ts";
import { redact, TAIL_LENGTH, tailOf } from "./_format.ts";
import type { Matchers } from "./_matchers.ts";
import type { StreamBuffer } from "./_buffer.ts";
import type { PatternSet } from "./_search.ts";

/** The state of the session a failed wait reports on. */
export interface FailureContext {
  readonly buffer: StreamBuffer;
  /** Secrets in the buffer's internal form. */
  readonly secrets: ReadonlySet<string>;
  readonly bytesMode: boolean;
  readonly maxBuffer: number;
  exitStatus(): ExitStatus | undefined;
}

/**
 * The error of a wait for `set` that ended in `kind`, begun at `started` (a
 * `performance.now()` time) with `timeout` milliseconds: the patterns, how long it waited and
 * the tail of the output, secrets hidden.
 */
export function waitError(
  context: FailureContext,
  kind: "timeout" | "eof" | "overflow",
  set: PatternSet,
  timeout: number | null,
  started: number,
  matchers?: Matchers,
): Error {
  const { buffer, secrets, bytesMode } = context;
  let longest = 0;
  for (const s of secrets) longest = Math.max(longest, s.length);
  // The tail of the output, and before it enough to hide a secret it begins inside of.
  const from = buffer.end - TAIL_LENGTH - longest;
  const raw = buffer.slice(from);
  const before = buffer.slice(from - longest, from);
  const details: ExpectErrorDetails = {
    patterns: set.descriptions,
    timeout,
    waited: performance.now() - started,
    tail: tailOf(redact(raw, secrets, bytesMode, before)),
    binary: bytesMode,
    report: matchers?.report((text) => redact(text, secrets)),
  };
  if (kind === "timeout") return new TimeoutError(details);
  if (kind === "eof") return new EOFError(details, context.exitStatus());
  return new BufferOverflowError(details, context.maxBuffer);
}

/**
 * A `RegExp` match found at `offset` from the start of the unconsumed output, re-based on
 * it: `index` and `indices` count from there and `input` is `input` (changed in place).
 */
export function rebaseMatch(
  m: RegExpExecArray,
  offset: number,
  input: string,
): RegExpExecArray {
  const delta = offset - m.index;
  m.index += delta;
  m.input = input;
  if (m.indices !== undefined) {
    for (const pair of m.indices) {
      if (pair !== undefined) {
        pair[0] += delta;
        pair[1] += delta;
      }
    }
    for (const pair of Object.values(m.indices.groups ?? {})) {
      if (pair !== undefined && !m.indices.includes(pair)) {
        pair[0] += delta;
        pair[1] += delta;
      }
    }
  }
  return m;
}
