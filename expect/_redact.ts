// Copyright the dexpect authors. MIT license.
/**
 * Streaming redaction of secrets: every byte inside an occurrence of a secret is hidden,
 * each run of hidden bytes shown as one `***`, whatever the chunking.
 *
 * Each secret has a Knuth–Morris–Pratt matcher whose state survives across chunks. Its
 * state is the length of the longest suffix of the stream that is a prefix of the secret,
 * so no future occurrence can start before `end - state`: everything before the smallest
 * such bound is final and is emitted; the rest (shorter than the longest secret) is held
 * until more data comes or the stream ends. Nothing is released on a timer: a secret echoed
 * slowly (one character per packet, as with `charDelay` or a Telnet server in character
 * mode) would leak. A held tail that the stream ends with is emitted by `flush()` as it is:
 * it is not an occurrence, the same rule as error tails. Work is linear in the input times
 * the number of secrets.
 *
 * It works on bytes (what the peer sent), so the read path needs no conversion; text is
 * redacted as its UTF-8 bytes (a secret's bytes are whole characters, so runs of hidden
 * bytes never split one).
 *
 * @module
 */

import { binaryToBytes, bytesToBinary, concatBytes } from "./_codec.ts";

const STARS = new Uint8Array([0x2a, 0x2a, 0x2a]);
const EMPTY = new Uint8Array(0);

interface Matcher {
  readonly secret: Uint8Array;
  /** KMP failure function: `fail[i]` is the border length of `secret[0..i]`. */
  readonly fail: Int32Array;
  state: number;
}

function matcher(secret: Uint8Array): Matcher {
  const fail = new Int32Array(secret.length);
  for (let i = 1, k = 0; i < secret.length; i++) {
    while (k > 0 && secret[i] !== secret[k]) k = fail[k - 1];
    if (secret[i] === secret[k]) k++;
    fail[i] = k;
  }
  return { secret, fail, state: 0 };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface Ranges {
  readonly n: number;
  diff: Int32Array | undefined;
}

/** Hides `[from, to)`: a difference array, made only when something is hidden. */
function mark(ranges: Ranges, from: number, to: number): void {
  ranges.diff ??= new Int32Array(ranges.n + 1);
  ranges.diff[from]++;
  ranges.diff[to]--;
}

export class Redactor {
  #matchers: Matcher[] = [];
  /** Scanned but not emitted, and which of its bytes are inside an occurrence. */
  #held: Uint8Array = EMPTY;
  #heldHidden: Uint8Array = EMPTY;
  /** Whether the last byte emitted was hidden (a run across chunks gets one `***`). */
  #lastHidden = false;

  /** Whether there is anything to redact. */
  get active(): boolean {
    return this.#matchers.length > 0;
  }

  /** Adds a secret; occurrences that start from now on are redacted. */
  add(secret: Uint8Array): void {
    if (secret.length === 0 || this.#matchers.some((m) => sameBytes(m.secret, secret))) return;
    this.#matchers.push(matcher(secret.slice()));
  }

  /** Redacts `chunk`; returns what is final (possibly empty). */
  push(chunk: Uint8Array): Uint8Array {
    if (this.#matchers.length === 0 && this.#held.length === 0) return chunk;
    const offset = this.#held.length;
    const data = offset === 0 ? chunk : concatBytes(this.#held, chunk);
    const n = data.length;
    const ranges: Ranges = { n, diff: undefined };
    for (let i = 0; i < offset; i++) if (this.#heldHidden[i]) mark(ranges, i, i + 1);
    let safe = n;
    for (const m of this.#matchers) {
      scan(m, data, offset, ranges);
      safe = Math.min(safe, n - m.state);
    }
    if (ranges.diff === undefined) {
      // Nothing hidden: the common case, without copies.
      this.#held = safe === n ? EMPTY : data.slice(safe);
      this.#heldHidden = safe === n ? EMPTY : new Uint8Array(n - safe);
      if (safe > 0) this.#lastHidden = false;
      return data.subarray(0, safe);
    }
    const hidden = new Uint8Array(n);
    for (let i = 0, depth = 0; i < n; i++) {
      depth += ranges.diff[i];
      hidden[i] = depth > 0 ? 1 : 0;
    }
    this.#held = data.slice(safe);
    this.#heldHidden = hidden.slice(safe);
    return this.#emit(data, hidden, safe);
  }

  /** Emits what is held (the stream ended) and restarts every matcher. */
  flush(): Uint8Array {
    const out = this.#emit(this.#held, this.#heldHidden, this.#held.length);
    this.#held = this.#heldHidden = EMPTY;
    this.#lastHidden = false;
    for (const m of this.#matchers) m.state = 0;
    return out;
  }

  /** `data[0..end)` with each run of hidden bytes as one `***`. */
  #emit(data: Uint8Array, hidden: Uint8Array, end: number): Uint8Array {
    const parts: Uint8Array[] = [];
    let i = 0;
    while (i < end) {
      let j = i;
      if (hidden[i]) {
        while (j < end && hidden[j]) j++;
        if (!(i === 0 && this.#lastHidden)) parts.push(STARS);
      } else {
        while (j < end && !hidden[j]) j++;
        parts.push(data.subarray(i, j));
      }
      i = j;
    }
    if (end > 0) this.#lastHidden = hidden[end - 1] === 1;
    return parts.length === 0 ? EMPTY : concatBytes(...parts);
  }
}

/** Runs `m` over `data` from `from`, marking each occurrence. */
function scan(m: Matcher, data: Uint8Array, from: number, ranges: Ranges): void {
  const { secret, fail } = m;
  const len = secret.length;
  const first = secret[0];
  let k = m.state;
  let i = from;
  while (i < data.length) {
    if (k === 0 && data[i] !== first) {
      // No partial match: skip to the next possible start (natively when it is not near).
      const near = Math.min(data.length, i + 32);
      while (++i < near && data[i] !== first);
      if (i === near) i = data.indexOf(first, i);
      if (i < 0 || i >= data.length) break;
    }
    const c = data[i];
    while (k > 0 && c !== secret[k]) k = fail[k - 1];
    if (c === secret[k]) k++;
    if (k === len) {
      mark(ranges, i - len + 1, i + 1);
      k = fail[len - 1];
    }
    i++;
  }
  m.state = k;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Replaces each run of text inside occurrences of the secrets with `***` (text is redacted
 * as UTF-8; in `binary` mode text and secrets are binary strings, one unit per byte).
 * `before` is the text that preceded `text`: an occurrence that begins in it is hidden
 * in `text` too (what it emits itself is dropped).
 */
export function redactText(
  text: string,
  secrets: Iterable<string>,
  binary = false,
  before = "",
): string {
  const r = new Redactor();
  const bytes = (s: string) => binary ? binaryToBytes(s) : encoder.encode(s);
  for (const s of secrets) r.add(bytes(s));
  if (!r.active) return text;
  r.push(bytes(before));
  const out = concatBytes(r.push(bytes(text)), r.flush());
  return binary ? bytesToBinary(out) : decoder.decode(out);
}
