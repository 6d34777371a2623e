// Copyright the dexpect authors. MIT license.
/**
 * Streaming removal of terminal control sequences (the session option `stripAnsi`): CSI
 * (`ESC [`), OSC (`ESC ]`, ended by BEL or ST), DCS/SOS/PM/APC (`ESC P`, `ESC X`, `ESC ^`,
 * `ESC _`, ended by ST), other escape sequences (`ESC` + intermediates + final, which
 * covers the charset designations `ESC ( B` etc.) and the shifts SO/SI. The 7-bit forms
 * only: the 8-bit C1 forms are not UTF-8 text. State is kept between chunks, so the
 * output does not depend on how the input was split; nothing is buffered.
 *
 * Follows ECMA-48 §5.4 and the DEC parser state diagram (vt100.net/emu/dec_ansi_parser):
 * C0 controls inside a CSI are kept (a terminal executes them), ESC aborts any sequence.
 *
 * @module
 */

const GROUND = 0;
const ESC = 1;
const ESC_INTER = 2;
const CSI = 3;
const STRING = 4;
const STRING_ESC = 5;

/** A string or sequence longer than this is not swallowed further (a hostile peer). */
const MAX_SEQUENCE = 65_536;

// deno-lint-ignore no-control-regex -- the control characters are what it looks for
const NEEDS_WORK = /[\x1b\x0e\x0f]/;

/** Removes control sequences from text read in chunks. */
export class AnsiStripper {
  #state = GROUND;
  #length = 0;

  /** Whether a sequence is open (its end has not arrived yet). */
  get pending(): boolean {
    return this.#state !== GROUND;
  }

  /** Returns `text` without the control sequences (continuing those a chunk left open). */
  push(text: string): string {
    if (this.#state === GROUND && !NEEDS_WORK.test(text)) return text;
    let out = "";
    let run = 0; // start of the current run of plain text (valid in GROUND)
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      switch (this.#state) {
        case GROUND:
          if (c === 0x1b || c === 0x0e || c === 0x0f) {
            out += text.slice(run, i);
            run = i + 1;
            if (c === 0x1b) this.#enter(ESC);
          }
          continue;
        case ESC:
          if (c === 0x5b) this.#enter(CSI);
          else if (c === 0x5d || c === 0x50 || c === 0x58 || c === 0x5e || c === 0x5f) {
            this.#enter(STRING);
          } else if (c >= 0x20 && c <= 0x2f) this.#enter(ESC_INTER);
          else if (c === 0x1b) continue;
          else run = this.#end(i, c >= 0x30 && c <= 0x7e);
          continue;
        case ESC_INTER:
          if (c >= 0x20 && c <= 0x2f && this.#grow()) continue;
          run = this.#end(i, c >= 0x30 && c <= 0x7e);
          continue;
        case CSI:
          if (c >= 0x20 && c <= 0x3f && this.#grow()) continue;
          if (c === 0x1b) this.#enter(ESC);
          else if (c < 0x20) out += text[i]; // executed inside the sequence
          else run = this.#end(i, c >= 0x40 && c <= 0x7e);
          continue;
        case STRING:
          if (c === 0x07) run = this.#end(i, true);
          else if (c === 0x1b) this.#state = STRING_ESC;
          else if (!this.#grow()) run = this.#end(i, false);
          continue;
        case STRING_ESC:
          if (c === 0x5c) run = this.#end(i, true);
          else {
            // ESC inside a string aborts it and starts a new sequence.
            this.#enter(ESC);
            i--;
          }
          continue;
      }
    }
    if (this.#state === GROUND) out += text.slice(run);
    return out;
  }

  #enter(state: number): void {
    this.#state = state;
    this.#length = 0;
  }

  #grow(): boolean {
    return ++this.#length <= MAX_SEQUENCE;
  }

  /** Back to GROUND at `i`; returns where plain text restarts (after `i` if it is dropped). */
  #end(i: number, drop: boolean): number {
    this.#state = GROUND;
    return drop ? i + 1 : i;
  }
}
