// Copyright the dexpect authors. MIT license.
/**
 * The unconsumed input of a session, kept as a list of decoded pieces.
 *
 * Positions are absolute: counted in code units from the start of the stream, so a
 * searcher's bookmarks stay valid while the front of the buffer is consumed. Appending
 * never copies earlier data (one growing string would be re-flattened by V8 on every
 * search: quadratic). Reading a range joins only the pieces it covers; a range over many
 * pieces is coalesced into one piece so reading it again is cheap.
 *
 * In bytes mode a piece may also be the `Uint8Array` that was read (`appendBytes`): it becomes
 * a binary string (one code unit per byte, same positions) only when `slice` reads it, for a
 * search; `sliceBytes` hands bytes back without strings, so output read as bytes with no
 * pattern to search (`chunks()`, `readAll()`) is never converted.
 *
 * @module
 */

import { bytesToBinary } from "./_codec.ts";

/** Pieces shorter than this are merged on append, so byte-by-byte input stays compact. */
const SMALL = 64;
/** A slice over more pieces than this coalesces them. */
const COALESCE = 8;

export class StreamBuffer {
  #pieces: (string | Uint8Array)[] = [];
  /** Absolute start of each piece. */
  #starts: number[] = [];
  /** Index of the first live piece. */
  #first = 0;
  #start = 0;
  #end = 0;
  #lastNewline = -1;

  /** Absolute position of the first unconsumed code unit. */
  get start(): number {
    return this.#start;
  }

  /** Absolute position after the last code unit. */
  get end(): number {
    return this.#end;
  }

  /** Unconsumed length in code units. */
  get length(): number {
    return this.#end - this.#start;
  }

  /** Absolute position of the last `"\n"` ever appended, or -1. */
  get lastNewline(): number {
    return this.#lastNewline;
  }

  /** Appends decoded text. */
  append(text: string): void {
    if (text.length === 0) return;
    const nl = text.lastIndexOf("\n");
    if (nl >= 0) this.#lastNewline = this.#end + nl;
    const last = this.#pieces.length - 1;
    if (
      last >= this.#first && text.length < SMALL && this.#pieces[last].length < SMALL
    ) {
      this.#pieces[last] = this.#text(last) + text;
    } else {
      this.#pieces.push(text);
      this.#starts.push(this.#end);
    }
    this.#end += text.length;
  }

  /**
   * Appends bytes (bytes mode), kept as they are until read as text. The buffer owns them
   * from now on: the caller must not change them.
   */
  appendBytes(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const nl = bytes.lastIndexOf(10);
    if (nl >= 0) this.#lastNewline = this.#end + nl;
    const last = this.#pieces.length - 1;
    if (
      last >= this.#first && bytes.length < SMALL && this.#pieces[last].length < SMALL
    ) {
      this.#pieces[last] = this.#text(last) + bytesToBinary(bytes);
    } else {
      this.#pieces.push(bytes);
      this.#starts.push(this.#end);
    }
    this.#end += bytes.length;
  }

  /**
   * Bytes between absolute positions `from` and `to` (clamped), in bytes mode: a new array,
   * or with `owned` (the range is being discarded) a piece itself when the range is exactly
   * one piece that was appended as bytes.
   */
  sliceBytes(from: number, to: number = this.#end, owned = false): Uint8Array {
    if (from < this.#start) from = this.#start;
    if (to > this.#end) to = this.#end;
    if (from >= to) return new Uint8Array(0);
    const i = this.#indexOf(from);
    const first = this.#pieces[i];
    const s = this.#starts[i];
    if (to - s <= first.length && typeof first !== "string") {
      if (owned && from === s && to - s === first.length) return first;
      return first.slice(from - s, to - s);
    }
    const out = new Uint8Array(to - from);
    this.#copyBytes(i, from, to, out);
    return out;
  }

  /**
   * Copies the first `view.length` bytes (or fewer) into `view` and discards them (bytes
   * mode; a piece read as text holds one byte per code unit); returns how many.
   */
  copyBytesInto(view: Uint8Array): number {
    const from = this.#start;
    const to = Math.min(this.#end, from + view.length);
    if (from < to) this.#copyBytes(this.#indexOf(from), from, to, view);
    this.discard(to);
    return to - from;
  }

  /** Copies `[from, to)`, starting in piece `i`, into `out` from its index 0 (bytes mode). */
  #copyBytes(i: number, from: number, to: number, out: Uint8Array): void {
    for (let at = from; at < to; i++) {
      const piece = this.#pieces[i];
      const start = this.#starts[i];
      const a = at - start;
      const b = Math.min(to - start, piece.length);
      if (typeof piece === "string") {
        for (let k = a, o = at - from; k < b; k++) out[o++] = piece.charCodeAt(k);
      } else out.set(a === 0 && b === piece.length ? piece : piece.subarray(a, b), at - from);
      at = start + b;
    }
  }

  /**
   * End of the piece holding absolute position `pos` (a chunk as it was read, or a slice of
   * one decoded on its own), for handing output on a piece at a time.
   */
  pieceEnd(pos: number): number {
    if (pos >= this.#end) return this.#end;
    const i = this.#indexOf(Math.max(pos, this.#start));
    return this.#starts[i] + this.#pieces[i].length;
  }

  /** Text between absolute positions `from` and `to` (clamped to the live range). */
  slice(from: number, to: number = this.#end): string {
    if (from < this.#start) from = this.#start;
    if (to > this.#end) to = this.#end;
    if (from >= to) return "";
    let i = this.#indexOf(from);
    let j = i;
    while (j + 1 < this.#pieces.length && this.#starts[j + 1] < to) j++;
    if (j - i > COALESCE) {
      this.#coalesce(i, j);
      j = i;
    }
    const s = this.#starts[i];
    const piece = this.#text(i);
    if (i === j) {
      return from === s && to - s === piece.length ? piece : piece.slice(from - s, to - s);
    }
    const parts = [from === s ? piece : piece.slice(from - s)];
    for (i++; i < j; i++) parts.push(this.#text(i));
    const lastPiece = this.#text(j);
    const lastStart = this.#starts[j];
    parts.push(
      to - lastStart === lastPiece.length ? lastPiece : lastPiece.slice(0, to - lastStart),
    );
    return parts.length === 2 ? parts[0] + parts[1] : parts.join("");
  }

  /** Removes the data before absolute position `to`. */
  discard(to: number): void {
    if (to > this.#end) to = this.#end;
    while (this.#first < this.#pieces.length) {
      const i = this.#first;
      const pieceEnd = this.#starts[i] + this.#pieces[i].length;
      if (pieceEnd > to) break;
      this.#pieces[i] = "";
      this.#first++;
    }
    if (to > this.#start) this.#start = to;
    if (this.#first > 32 && this.#first * 2 > this.#pieces.length) {
      this.#pieces.splice(0, this.#first);
      this.#starts.splice(0, this.#first);
      this.#first = 0;
    }
  }

  /** Removes everything. */
  clear(): void {
    this.discard(this.#end);
  }

  /** Joins pieces `i..j` into piece `i`. */
  #coalesce(i: number, j: number): void {
    const parts: string[] = [];
    for (let k = i; k <= j; k++) parts.push(this.#text(k));
    const joined = parts.join("");
    this.#pieces.splice(i, j - i + 1, joined);
    this.#starts.splice(i + 1, j - i);
  }

  /** Piece `i` as text; a piece of bytes is converted (to a binary string) once. */
  #text(i: number): string {
    const piece = this.#pieces[i];
    if (typeof piece === "string") return piece;
    const text = bytesToBinary(piece);
    this.#pieces[i] = text;
    return text;
  }

  /** Index of the piece holding absolute position `pos` (binary search). */
  #indexOf(pos: number): number {
    let lo = this.#first;
    let hi = this.#pieces.length - 1;
    // Fast path: searches nearly always touch the newest piece.
    if (this.#starts[hi] <= pos) return hi;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.#starts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
