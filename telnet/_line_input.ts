// What a telnetd does to a client's NVT input before a pty sees it (RFC 854): the end of line
// CR LF becomes CR (the Enter key of a terminal; the pty's ICRNL makes it a newline), so a
// client's "ls\r\n" runs one command, not one and then an empty one. CR NUL was already
// turned into CR by the parser. Private to telnet/.

const CR = 13;
const LF = 10;

/** Drops each LF that directly follows a CR, across chunk boundaries. */
export class CrLfToCr {
  #afterCr = false;

  /** Converts one chunk; returns `chunk` itself when nothing changes. */
  push(chunk: Uint8Array): Uint8Array {
    if (chunk.length === 0) return chunk;
    let start = 0;
    if (this.#afterCr && chunk[0] === LF) start = 1;
    this.#afterCr = chunk[chunk.length - 1] === CR;
    let i = chunk.indexOf(CR, start);
    if (i < 0 || i === chunk.length - 1 || !chunk.subarray(i).includes(LF)) {
      return start === 0 ? chunk : chunk.subarray(start);
    }
    const out = new Uint8Array(chunk.length - start);
    let o = 0;
    for (i = start; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === LF && i > start && chunk[i - 1] === CR) continue;
      out[o++] = b;
    }
    return out.subarray(0, o);
  }
}
