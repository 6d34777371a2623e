// Copyright the dexpect authors. MIT license.
/**
 * Streaming redaction of secrets: every code unit inside an occurrence of a secret is
 * hidden, each run of hidden units shown as one `***`, whatever the chunking.
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
 * Strings are code units: text, or binary strings (one unit per byte) for bytes.
 *
 * @module
 */

const STARS = "***";

interface Matcher {
  readonly text: string;
  /** KMP failure function: `fail[i]` is the border length of `text.slice(0, i + 1)`. */
  readonly fail: Int32Array;
  state: number;
}

function matcher(text: string): Matcher {
  const fail = new Int32Array(text.length);
  for (let i = 1, k = 0; i < text.length; i++) {
    while (k > 0 && text.charCodeAt(i) !== text.charCodeAt(k)) k = fail[k - 1];
    if (text.charCodeAt(i) === text.charCodeAt(k)) k++;
    fail[i] = k;
  }
  return { text, fail, state: 0 };
}

interface Ranges {
  readonly n: number;
  diff: Int32Array | undefined;
}

/** Hides `[from, to)`. */
function mark(ranges: Ranges, from: number, to: number): void {
  ranges.diff ??= new Int32Array(ranges.n + 1);
  ranges.diff[from]++;
  ranges.diff[to]--;
}

export class Redactor {
  #matchers: Matcher[] = [];
  /** Scanned but not emitted, and which of its units are inside an occurrence. */
  #held = "";
  #heldHidden: Uint8Array = new Uint8Array(0);
  /** Whether the last unit emitted was hidden (a run across chunks gets one `***`). */
  #lastHidden = false;

  /** Whether there is anything to redact. */
  get active(): boolean {
    return this.#matchers.length > 0;
  }

  /** Adds a secret; occurrences that start from now on are redacted. */
  add(secret: string): void {
    if (secret.length === 0 || this.#matchers.some((m) => m.text === secret)) return;
    this.#matchers.push(matcher(secret));
  }

  /** Redacts `chunk`; returns what is final (possibly empty). */
  push(chunk: string): string {
    if (this.#matchers.length === 0 && this.#held.length === 0) return chunk;
    const text = this.#held + chunk;
    const n = text.length;
    const offset = this.#held.length;
    // Difference array of the hidden ranges (+1 where one starts, -1 after it ends),
    // made only when something is hidden.
    const ranges: Ranges = { n, diff: undefined };
    for (let i = 0; i < offset; i++) if (this.#heldHidden[i]) mark(ranges, i, i + 1);
    let safe = n;
    for (const m of this.#matchers) {
      this.#scan(m, text, offset, ranges);
      safe = Math.min(safe, n - m.state);
    }
    const hidden = new Uint8Array(n);
    if (ranges.diff !== undefined) {
      for (let i = 0, depth = 0; i < n; i++) {
        depth += ranges.diff[i];
        hidden[i] = depth > 0 ? 1 : 0;
      }
    }
    this.#held = text.slice(safe);
    this.#heldHidden = hidden.slice(safe);
    return this.#emit(text, hidden, safe);
  }

  /** Emits what is held (the stream ended) and restarts every matcher. */
  flush(): string {
    const text = this.#held;
    const out = this.#emit(text, this.#heldHidden, text.length);
    this.#held = "";
    this.#heldHidden = new Uint8Array(0);
    this.#lastHidden = false;
    for (const m of this.#matchers) m.state = 0;
    return out;
  }

  /** Runs `m` over `text` from `from`, marking each occurrence in `diff`. */
  #scan(m: Matcher, text: string, from: number, ranges: Ranges): void {
    const { text: secret, fail } = m;
    const len = secret.length;
    let k = m.state;
    // Cheap skip: no partial match and the first unit never occurs.
    if (k === 0 && text.indexOf(secret[0], from) < 0) return;
    const first = secret.charCodeAt(0);
    for (let i = from; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (k === 0 && c !== first) continue;
      while (k > 0 && c !== secret.charCodeAt(k)) k = fail[k - 1];
      if (c === secret.charCodeAt(k)) k++;
      if (k === len) {
        mark(ranges, i - len + 1, i + 1);
        k = fail[len - 1];
      }
    }
    m.state = k;
  }

  /** `text.slice(0, end)` with each run of hidden units as one `***`. */
  #emit(text: string, hidden: Uint8Array, end: number): string {
    let out = "";
    let i = 0;
    while (i < end) {
      let j = i;
      if (hidden[i]) {
        while (j < end && hidden[j]) j++;
        if (!(i === 0 && this.#lastHidden)) out += STARS;
      } else {
        while (j < end && !hidden[j]) j++;
        out += text.slice(i, j);
      }
      i = j;
    }
    if (end > 0) this.#lastHidden = hidden[end - 1] === 1;
    return out;
  }
}

/** Replaces each run of text inside occurrences of the secrets with `***`. */
export function redactAll(text: string, secrets: Iterable<string>): string {
  const redactor = new Redactor();
  for (const s of secrets) redactor.add(s);
  if (!redactor.active) return text;
  return redactor.push(text) + redactor.flush();
}
