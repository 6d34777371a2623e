// The WebAssembly data path of `TelnetParser.feedInPlace` (_unescape.wat): one instance per
// process, lent to one chunk at a time. A chunk is copied into the module's memory once, and
// each run of data the kernel moves is copied back to the same place of the chunk. Private to
// telnet/.
import { UNESCAPE_WASM } from "./_unescape_wasm.ts";

/**
 * Chunks shorter than this stay on the JavaScript path. Measured on 16 MiB fed in chunks of one
 * size: at 1 KiB the kernel is as fast on escape-heavy data (an IAC IAC per 16 bytes) and 1.4–2x
 * faster on sparser data; at 256 bytes it is slower on escape-heavy data (27.5 ms against 25.0).
 */
export const KERNEL_MIN_BYTES = 1024;
/** The memory the kernel may keep: longer chunks stay on the JavaScript path. */
export const KERNEL_MAX_BYTES = 1024 * 1024;
const PAGE = 64 * 1024;

interface Exports {
  memory: WebAssembly.Memory;
  w: WebAssembly.Global;
  cr: WebAssembly.Global;
  data(i: number, n: number, w: number, cr: number, nvt: number): number;
}

/** A chunk loaded into the kernel; `release()` it (one chunk at a time per process). */
export class KernelChunk {
  #chunk: Uint8Array;
  #memory: Uint8Array;
  #exports: Exports;

  constructor(chunk: Uint8Array, memory: Uint8Array, exports: Exports) {
    this.#chunk = chunk;
    this.#memory = memory;
    this.#exports = exports;
  }

  /**
   * Moves the data of `[i, n)` to `w` as `InPlaceData.data` does (`afterCr`: the last data
   * byte was a CR) and writes it back into the chunk; returns where it stopped, the new `w`
   * and CR state.
   */
  data(i: number, n: number, w: number, afterCr: boolean, nvt: boolean): [number, number, boolean] {
    const e = this.#exports;
    const stop = e.data(i, n, w, afterCr ? 1 : 0, nvt ? 1 : 0);
    const end = e.w.value as number;
    if (end > w) this.#chunk.set(this.#memory.subarray(w, end), w);
    return [stop, end, nvt && e.cr.value === 1];
  }

  /** Lends the kernel to the next chunk. */
  release(): void {
    busy = false;
  }
}

let kernel: Exports | null | undefined;
let busy = false;

function instance(): Exports | null {
  if (kernel !== undefined) return kernel;
  try {
    const bytes = Uint8Array.from(atob(UNESCAPE_WASM), (c) => c.charCodeAt(0));
    kernel = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as Exports;
  } catch {
    kernel = null; // No WebAssembly here: the JavaScript path does the same work.
  }
  return kernel;
}

/**
 * Copies `chunk` into the kernel, or returns `null` when the JavaScript path should run: the
 * chunk is too small or too large, or the kernel is lent to another chunk (a handler that
 * feeds a second parser from inside the first one's call).
 */
export function loadChunk(chunk: Uint8Array): KernelChunk | null {
  if (busy || chunk.length < KERNEL_MIN_BYTES || chunk.length > KERNEL_MAX_BYTES) return null;
  const e = instance();
  if (e === null) return null;
  const have = e.memory.buffer.byteLength;
  if (have < chunk.length) e.memory.grow(Math.ceil((chunk.length - have) / PAGE));
  const memory = new Uint8Array(e.memory.buffer, 0, chunk.length);
  memory.set(chunk);
  busy = true;
  return new KernelChunk(chunk, memory, e);
}
