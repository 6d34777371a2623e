// Copyright the dexpect authors. MIT license.
/**
 * The peer side of a replay: hands out recorded output up to the next recorded input, and
 * matches what is sent against the recorded input. Shared by `ReplaySession` and the replay
 * handler of `serve()`.
 *
 * @module
 */

import type { Cassette, CassetteEvent } from "./format.ts";
import { ReplayMismatchError } from "./errors.ts";
import { concatBytes } from "../expect/_codec.ts";

export interface PlayerOptions {
  /** Pace multiplier; `Infinity` (default) delivers output at once. */
  speed?: number;
  /** Treat CR LF, CR NUL, LF and CR in inputs as the same line end (for Telnet clients). */
  lineEnds?: boolean;
  /** Told about each resize event the output passes. */
  onResize?: (cols: number, rows: number) => void;
}

/** At-once mode hands out consecutive output events merged up to this many bytes. */
const MERGE_BYTES = 64 * 1024;
const lossy = new TextDecoder();

/** CR LF, CR NUL and LF become CR (stateful across chunks). */
export class LineEnds {
  #afterCr = false;

  push(bytes: Uint8Array): Uint8Array {
    const out = new Uint8Array(bytes.length);
    let o = 0;
    for (const b of bytes) {
      if (this.#afterCr && (b === 10 || b === 0)) {
        this.#afterCr = false;
        continue;
      }
      this.#afterCr = b === 13;
      out[o++] = b === 10 ? 13 : b;
    }
    return out.subarray(0, o);
  }
}

export class Player {
  readonly #cassette: Cassette;
  readonly #events: readonly CassetteEvent[];
  readonly #inputs: number[] = [];
  readonly #expected: (Uint8Array | null)[] = [];
  readonly #speed: number;
  readonly #onResize: ((cols: number, rows: number) => void) | undefined;
  #out = 0;
  #k = 0;
  #off = 0;
  #anchorReal = performance.now();
  #anchorCast = 0;
  #wake: (() => void) | undefined;
  #timer: { id: ReturnType<typeof setTimeout>; resolve: () => void } | undefined;
  #cancelled = false;
  ended = false;

  constructor(cassette: Cassette, options: PlayerOptions = {}) {
    const speed = options.speed ?? Infinity;
    if (typeof speed !== "number" || !(speed > 0)) {
      throw new RangeError(`Invalid speed: expected a number > 0, got ${String(speed)}`);
    }
    this.#cassette = cassette;
    this.#events = cassette.events;
    this.#speed = speed;
    this.#onResize = options.onResize;
    this.#events.forEach((e, i) => {
      if (e.code !== "i") return;
      this.#inputs.push(i);
      this.#expected.push(
        e.data === null || !options.lineEnds ? e.data : new LineEnds().push(e.data),
      );
    });
  }

  /** The next output chunk, waiting for input or pace; `null` at the end. */
  async next(): Promise<Uint8Array | null> {
    while (!this.#cancelled) {
      if (this.#out >= this.#events.length) {
        this.ended = true;
        return null;
      }
      const e = this.#events[this.#out];
      if (e.code === "i") {
        if (this.#consumed(this.#out)) this.#out++;
        else await new Promise<void>((resolve) => this.#wake = resolve);
        continue;
      }
      if (e.code !== "o" || e.data === null || e.data.length === 0) {
        this.#out++;
        if (e.code === "r") this.#resize(e.text);
        continue;
      }
      if (Number.isFinite(this.#speed)) {
        const due = this.#anchorReal + (e.time - this.#anchorCast) * 1000 / this.#speed;
        const wait = due - performance.now();
        if (wait > 0) {
          await this.#sleep(wait);
          continue;
        }
        this.#out++;
        return e.data;
      }
      return this.#merged();
    }
    return null;
  }

  /**
   * Matches `bytes` against the recorded input; all or nothing.
   *
   * @throws {ReplayMismatchError} When they differ.
   */
  input(bytes: Uint8Array, secret = false): void {
    if (bytes.length === 0) return;
    let k = this.#k;
    let off = this.#off;
    let i = 0;
    while (i < bytes.length) {
      if (k >= this.#inputs.length) throw this.#mismatch(k, off, null, bytes.subarray(i), secret);
      const expected = this.#expected[k];
      if (expected === null) {
        if (i !== 0 || off !== 0) {
          throw this.#mismatch(k, off, "(a secret input)", bytes.subarray(i), secret);
        }
        k++;
        break;
      }
      const n = Math.min(expected.length - off, bytes.length - i);
      for (let j = 0; j < n; j++) {
        if (expected[off + j] !== bytes[i + j]) {
          throw this.#mismatch(
            k,
            off + j,
            expected.subarray(off + j),
            bytes.subarray(i + j),
            secret,
          );
        }
      }
      off += n;
      i += n;
      if (off === expected.length) {
        k++;
        off = 0;
      }
    }
    if (k !== this.#k) {
      this.#anchorReal = performance.now();
      this.#anchorCast = this.#events[this.#inputs[k - 1]].time;
    }
    this.#k = k;
    this.#off = off;
    this.#wake?.();
    this.#wake = undefined;
  }

  /** Ends any wait; `next()` returns `null` from now on. */
  cancel(): void {
    this.#cancelled = true;
    this.#wake?.();
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer.id);
      this.#timer.resolve();
    }
  }

  /** Whether the input event at `index` has been fully matched. */
  #consumed(index: number): boolean {
    return this.#k > 0 && this.#inputs[this.#k - 1] >= index;
  }

  #merged(): Uint8Array {
    const parts: Uint8Array[] = [];
    let size = 0;
    while (this.#out < this.#events.length && size < MERGE_BYTES) {
      const e = this.#events[this.#out];
      if (e.code === "i") break;
      this.#out++;
      if (e.code === "r") this.#resize(e.text);
      if (e.code !== "o" || e.data === null || e.data.length === 0) continue;
      parts.push(e.data);
      size += e.data.length;
    }
    return concatBytes(...parts);
  }

  #resize(text: string): void {
    const m = /^(\d+)x(\d+)$/.exec(text);
    if (m !== null) this.#onResize?.(Number(m[1]), Number(m[2]));
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const id = setTimeout(() => {
        this.#timer = undefined;
        resolve();
      }, ms);
      this.#timer = { id, resolve };
    });
  }

  #mismatch(
    k: number,
    offset: number,
    expected: Uint8Array | string | null,
    received: Uint8Array,
    secret: boolean,
  ): ReplayMismatchError {
    const index = k < this.#inputs.length ? this.#inputs[k] : this.#events.length;
    const event = this.#events[index] as CassetteEvent | undefined;
    return new ReplayMismatchError(
      expected instanceof Uint8Array ? lossy.decode(expected) : expected,
      secret ? "(secret)" : lossy.decode(received),
      {
        event: index,
        line: event?.line ?? index + 2,
        time: event?.time ?? this.#lastTime(),
        offset,
      },
      this.#cassette.source,
    );
  }

  #lastTime(): number {
    return this.#events.length === 0 ? 0 : this.#events[this.#events.length - 1].time;
  }
}
