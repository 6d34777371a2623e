// The WebAssembly data path of feedInPlace: built from its source, lent to one chunk at a
// time, bounded in memory. (Its output is checked against the reference in fuzz_test.ts.)
import assert from "node:assert/strict";
import { compileUnescape, unescapeSource } from "../tools/build_wasm.ts";
import { KERNEL_MAX_BYTES, KERNEL_MIN_BYTES, loadChunk } from "./_unescape_kernel.ts";
import { TelnetParser } from "./parser.ts";

Deno.test("the embedded module is _unescape.wat compiled (deno task wasm rebuilds it)", async () => {
  const embedded = await Deno.readTextFile(new URL("./_unescape_wasm.ts", import.meta.url));
  assert.equal(embedded, unescapeSource(await compileUnescape()));
});

Deno.test("the kernel takes chunks of its size range, one at a time", () => {
  assert.equal(loadChunk(new Uint8Array(KERNEL_MIN_BYTES - 1)), null);
  assert.equal(loadChunk(new Uint8Array(KERNEL_MAX_BYTES + 1)), null);
  const first = loadChunk(new Uint8Array(KERNEL_MAX_BYTES));
  assert.ok(first !== null);
  assert.equal(loadChunk(new Uint8Array(KERNEL_MIN_BYTES)), null, "lent already");
  first.release();
  const again = loadChunk(new Uint8Array(KERNEL_MIN_BYTES));
  assert.ok(again !== null);
  again.release();
});

/** A chunk of `size` bytes: "ab" runs with IAC IAC every 7 bytes and IAC NOP every 1 000. */
function stream(size: number, seed: number): { wire: Uint8Array; data: number[] } {
  const wire: number[] = [];
  const data: number[] = [];
  for (let i = 0; wire.length < size; i++) {
    if (i % 1000 === 999) wire.push(255, 241);
    else if (i % 7 === 6) {
      wire.push(255, 255);
      data.push(255);
    } else {
      const b = 97 + (i + seed) % 2;
      wire.push(b);
      data.push(b);
    }
  }
  return { wire: Uint8Array.from(wire), data };
}

Deno.test("a parser fed from inside another parser's handler gets the JavaScript path", () => {
  const inner = stream(8192, 1);
  const outer = stream(8192, 0);
  const innerData: number[] = [];
  const outerData: number[] = [];
  const noop = () => {};
  const innerParser = new TelnetParser({
    data: (d) => innerData.push(...d),
    command: noop,
    negotiation: noop,
    subnegotiation: noop,
    error: noop,
  });
  let fed = false;
  const outerParser = new TelnetParser({
    data: (d) => outerData.push(...d),
    // At the first command the outer chunk is half done, with the kernel lent to it.
    command: () => {
      if (!fed) innerParser.feedInPlace(inner.wire.slice());
      fed = true;
    },
    negotiation: noop,
    subnegotiation: noop,
    error: noop,
  });
  outerParser.feedInPlace(outer.wire.slice());
  assert.ok(fed);
  assert.deepEqual(innerData, inner.data);
  assert.deepEqual(outerData, outer.data);
});
