// Copyright the dexpect authors. MIT license.
/**
 * A scripted peer for tests: a {@linkcode Channel} whose output follows a script and
 * whose input is recorded. Its readable is pull-based (`highWaterMark: 0`) like a pty, so
 * tests can check that the engine reads only on demand.
 *
 * @module
 */

import type { Channel } from "./channel.ts";
import { concatBytes } from "./_codec.ts";

/**
 * One step of a script:
 * - a string (UTF-8) or bytes: one chunk of output;
 * - `{ delay }`: wait that many ms before the next step;
 * - `{ input }`: wait until the session has sent this text (after the previous match);
 * - `{ inputEnd: true }`: wait until the session closed its input (`sendEof()`);
 * - `{ error }`: make the readable fail;
 * - `{ hold: true }`: never end (until cancelled).
 * When the script runs out the readable ends (EOF).
 */
export type ScriptStep =
  | string
  | Uint8Array
  | { readonly delay: number }
  | { readonly input: string }
  | { readonly inputEnd: true }
  | { readonly error: unknown }
  | { readonly hold: true };

const encoder = new TextEncoder();

export class FakeChannel implements Channel {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  /** Every chunk written by the session. */
  readonly written: Uint8Array[] = [];
  /** How many times the engine pulled from the readable. */
  pulls = 0;
  /** Whether the readable was cancelled. */
  cancelled = false;
  /** Whether the writable was closed (`"close"`) or aborted (`"abort"`). */
  inputEnd: "close" | "abort" | undefined;
  #inputCursor = 0;
  #inputWaiters: (() => void)[] = [];
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #wakeHold: (() => void) | undefined;

  constructor(script: Iterable<ScriptStep>, options: { writeDelay?: number } = {}) {
    const steps = script[Symbol.iterator]();
    this.readable = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        this.pulls++;
        while (true) {
          const { value: step, done } = steps.next();
          if (done) return controller.close();
          if (typeof step === "string") return controller.enqueue(encoder.encode(step));
          if (step instanceof Uint8Array) return controller.enqueue(step);
          if ("delay" in step) await this.#sleep(step.delay);
          else if ("input" in step) await this.#waitInput(step.input);
          else if ("inputEnd" in step) await this.#waitInputEnd();
          else if ("error" in step) return controller.error(step.error);
          else await new Promise<void>((resolve) => this.#wakeHold = resolve);
          if (this.cancelled) return;
        }
      },
      cancel: () => {
        this.cancelled = true;
        for (const t of this.#timers) clearTimeout(t);
        this.#timers.clear();
        this.#wakeHold?.();
        for (const w of this.#inputWaiters) w();
      },
    }, { highWaterMark: 0 });
    this.writable = new WritableStream<Uint8Array>({
      write: async (chunk) => {
        if (options.writeDelay) await this.#sleep(options.writeDelay);
        this.written.push(chunk.slice());
        for (const w of this.#inputWaiters) w();
      },
      close: () => {
        this.inputEnd = "close";
        for (const w of this.#inputWaiters) w();
      },
      abort: () => {
        this.inputEnd = "abort";
      },
    });
  }

  /** Everything written, decoded as UTF-8. */
  get input(): string {
    return new TextDecoder().decode(concatBytes(...this.written));
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#timers.delete(t);
        resolve();
      }, ms);
      this.#timers.add(t);
    });
  }

  async #waitInputEnd(): Promise<void> {
    while (!this.cancelled && this.inputEnd === undefined) await this.#nextInput();
  }

  #nextInput(): Promise<void> {
    return new Promise<void>((resolve) => {
      const w = () => {
        this.#inputWaiters = this.#inputWaiters.filter((x) => x !== w);
        resolve();
      };
      this.#inputWaiters.push(w);
    });
  }

  async #waitInput(text: string): Promise<void> {
    while (!this.cancelled) {
      const at = this.input.indexOf(text, this.#inputCursor);
      if (at >= 0) {
        this.#inputCursor = at + text.length;
        return;
      }
      await this.#nextInput();
    }
  }
}

/** mulberry32: deterministic pseudo-random numbers in [0, 1), so failures reproduce. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The ways to split `data` that chunk-invariance tests feed: whole, byte by byte, and in
 * two at every offset.
 */
export function* chunkings(data: string | Uint8Array): Generator<Uint8Array[]> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  yield [bytes];
  yield Array.from(bytes, (b) => new Uint8Array([b]));
  for (let i = 1; i < bytes.length; i++) yield [bytes.slice(0, i), bytes.slice(i)];
}

/** `seq 1 n` as it comes out of a pty (CRLF line endings), cut into `size`-byte chunks. */
export function seqChunks(n: number, size = 4096): Uint8Array[] {
  const parts: string[] = [];
  for (let i = 1; i <= n; i++) parts.push(`${i}\r\n`);
  const all = new TextEncoder().encode(parts.join(""));
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < all.length; i += size) chunks.push(all.subarray(i, i + size));
  return chunks;
}

/**
 * A channel that hands out `chunks` on demand (pull-based, like a pty master), then ends;
 * what is sent to it is dropped. For benchmarks: no script, no timers.
 */
export function pullChannel(chunks: readonly Uint8Array[]): Channel {
  let i = 0;
  const readable = new ReadableStream<Uint8Array>({
    pull(c) {
      if (i < chunks.length) c.enqueue(chunks[i++]);
      else c.close();
    },
  }, { highWaterMark: 0 });
  return { readable, writable: new WritableStream() };
}
