// The data path of `TelnetParser.feedInPlace` (RFC 854 data: IAC IAC is one 255, and outside
// BINARY mode CR NUL is CR): data is unescaped in place, moved to the front of the chunk, so
// the parser can hand it on as one view per run between commands. Chunks the WebAssembly
// kernel takes (_unescape_kernel.ts) are done there by the same rules. Private to telnet/.

import { type KernelChunk, loadChunk } from "./_unescape_kernel.ts";

const IAC = 255;
const CR = 13;
const NUL = 0;

/**
 * After an escape, data is moved by hand (four bytes at a time where it can) for up to this
 * many bytes; a longer stretch without IAC is found with `indexOf` and moved with `copyWithin`.
 * Those two calls cost about what moving a few hundred bytes by hand does, so escapes 200 bytes
 * apart (1 % IAC) stay on the hand path (measured with telnet/parser_bench.ts).
 */
const SHORT_RUN = 256;

/** The in-place data state of one parser, one chunk at a time. */
export class InPlaceData {
  /** Where the next data byte goes, and where the run not yet handed on begins. */
  #w = 0;
  #run = 0;
  /** Whether the last data byte was a CR, so that a NUL now is CR NUL's NUL. */
  #afterCr = false;
  /** Index of the next NUL at or after the data being moved (chunk length: none). */
  #nulAt = -1;
  /** A view of the chunk's memory to move words, for chunks long enough to be worth it. */
  #view: DataView | null = null;
  /** The chunk as loaded into the WebAssembly kernel, which then does the data state. */
  #kernel: KernelChunk | null = null;

  /** Starts a chunk, with the CR state the stream was in. */
  begin(chunk: Uint8Array, afterCr: boolean): void {
    this.#w = this.#run = 0;
    this.#nulAt = -1;
    this.#afterCr = afterCr;
    this.#kernel = loadChunk(chunk);
    if (this.#kernel === null && chunk.length >= 64) this.#view = new DataView(chunk.buffer);
  }

  /** Ends the chunk: drops its views and returns the CR state to carry on. */
  end(): boolean {
    this.#view = null;
    this.#kernel?.release();
    this.#kernel = null;
    return this.#afterCr;
  }

  /** The second IAC of an IAC IAC whose first one ended the previous chunk: one 255. */
  escape(chunk: Uint8Array): void {
    chunk[this.#w++] = IAC;
    this.#afterCr = false;
  }

  /** Start of the run of data not yet handed on (a position in the chunk). */
  get run(): number {
    return this.#run;
  }

  /** End of the data moved so far: the run is `[run, w)`. */
  get w(): number {
    return this.#w;
  }

  /** Marks the run as handed on. */
  take(): void {
    this.#run = this.#w;
  }

  /**
   * The data state: moves the data from `i` on to the write position,
   * unescaping IAC IAC and dropping the NUL of CR NUL (outside BINARY), up to the IAC that
   * starts a command (its index is returned) or the end of the chunk (`n`). Stretches between
   * escapes are short in escape-heavy data, so they are moved a word at a time; a long stretch
   * is found with `indexOf` and moved at once.
   */
  data(chunk: Uint8Array, i: number, n: number, nvt: boolean): number {
    if (this.#kernel !== null) {
      const [stop, w, afterCr] = this.#kernel.data(i, n, this.#w, this.#afterCr, nvt);
      this.#w = w;
      this.#afterCr = afterCr;
      return stop;
    }
    let w = this.#w;
    // Whether the last data byte was a CR: chunk[w - 1] once this call wrote data, else the
    // state carried in; `dropped` is the `w` at which a CR NUL's NUL was dropped (after it,
    // the CR no longer counts).
    const base = w;
    const carried = this.#afterCr;
    let dropped = -1;
    const view = this.#view;
    const off = chunk.byteOffset;
    // Words are read and written unaligned (little-endian, so the first byte is the lowest);
    // `w <= i` always, so a word written at `w` overwrites only bytes of the word just read.
    const lastWord = view === null ? -1 : n - 4;
    while (i < n) {
      let stop = Math.min(n, i + SHORT_RUN);
      while (i < stop) {
        if (i <= lastWord) {
          const v = view!.getInt32(off + i, true);
          const x = ~v;
          // A high bit per byte that is NUL or IAC; the lowest one marks the first exactly.
          const special = ((((v - 0x01010101) | 0) & x) | (((x - 0x01010101) | 0) & v)) &
            0x80808080;
          if (special === 0) {
            view!.setInt32(off + w, v, true);
            w += 4;
            i += 4;
            continue;
          }
          // The bytes before the first NUL or IAC go as a word too, when that cannot
          // overwrite the ones after it (still to be read).
          const k = (31 - Math.clz32(special & -special)) >> 3;
          if (k > 0 && (w === i || w + 4 <= i)) {
            view!.setInt32(off + w, v, true);
            w += k;
            i += k;
          }
        }
        const b = chunk[i];
        if (((b + 1) & 0xff) > 1) { // neither NUL nor IAC
          chunk[w++] = b;
          i++;
        } else if (b === IAC) {
          if (i + 1 === n || chunk[i + 1] !== IAC) {
            this.#w = w;
            this.#afterCr = nvt && dropped !== w && (w > base ? chunk[w - 1] === CR : carried);
            return i;
          }
          chunk[w++] = IAC;
          i += 2;
          stop = Math.min(n, i + SHORT_RUN);
        } else {
          if (nvt && dropped !== w && (w > base ? chunk[w - 1] === CR : carried)) {
            dropped = w; // CR NUL: the NUL goes
          } else chunk[w++] = NUL;
          i++;
        }
      }
      if (i >= n) break;
      const j = chunk.indexOf(IAC, i);
      const end = j < 0 ? n : j;
      this.#afterCr = nvt && dropped !== w && (w > base ? chunk[w - 1] === CR : carried);
      w = this.#moveRun(chunk, i, end, w, nvt);
      // #moveRun knows whether the last CR still counts; say so in the local terms.
      if (!this.#afterCr) dropped = w;
      i = end;
      if (j >= 0 && (j + 1 === n || chunk[j + 1] !== IAC)) break;
    }
    this.#w = w;
    this.#afterCr = nvt && dropped !== w && (w > base ? chunk[w - 1] === CR : carried);
    return i;
  }

  /** Moves `chunk[from, to)` (no IAC in it) to `w`, dropping CR NUL's NUL; returns the new `w`. */
  #moveRun(chunk: Uint8Array, from: number, to: number, w: number, nvt: boolean): number {
    if (from >= to) return w;
    if (nvt) {
      if (this.#afterCr && chunk[from] === NUL) from++;
      this.#afterCr = chunk[to - 1] === CR;
      if (this.#nulAt < from) {
        const z = chunk.indexOf(NUL, from);
        this.#nulAt = z < 0 ? chunk.length : z;
      }
      for (let z = this.#nulAt; z < to;) {
        if (z > from && chunk[z - 1] === CR) {
          if (w !== from) chunk.copyWithin(w, from, z);
          w += z - from;
          from = z + 1;
        }
        const next = chunk.indexOf(NUL, z + 1);
        this.#nulAt = z = next < 0 ? chunk.length : next;
      }
    } else this.#afterCr = false;
    if (w !== from) chunk.copyWithin(w, from, to);
    return w + to - from;
  }
}
