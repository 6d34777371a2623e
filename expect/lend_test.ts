// Copyright the dexpect authors. MIT license.
// Lent buffers: a text session reads a byte stream (`type: "bytes"`) with a BYOB reader into
// memory of its own, and reuses that memory once a chunk is decoded, unless an observer or a
// read hook was handed the chunk (they may keep it).
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { Session } from "./session.ts";
import type { SessionEvent } from "./observers.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const MARK = 0xab;

/**
 * A byte stream that writes each of `parts` into the view it is lent (or enqueues it, for a
 * default reader), and notes for each read whether the view's last byte still held the mark
 * it left there on the read before: the same memory was lent again.
 */
function byteSource(parts: string[]) {
  const reused: boolean[] = [];
  const sizes: number[] = [];
  let byob = 0;
  const readable = new ReadableStream({
    type: "bytes",
    pull(controller) {
      const part = parts.shift();
      const request = controller.byobRequest;
      if (part === undefined) {
        controller.close();
        request?.respond(0);
        return;
      }
      const bytes = enc(part);
      if (!request?.view) return controller.enqueue(bytes);
      byob++;
      const view = new Uint8Array(request.view.buffer, request.view.byteOffset);
      reused.push(view[view.length - 1] === MARK);
      sizes.push(view.length);
      // What does not fit (keeping the mark's byte) comes with the next read.
      const n = Math.min(bytes.length, view.length - 1);
      if (n < bytes.length) parts.unshift(part.slice(n));
      view.set(bytes.subarray(0, n));
      view[view.length - 1] = MARK;
      request.respond(n);
    },
  });
  return { readable, reused, sizes, byobReads: () => byob };
}

const sink = () => new WritableStream<Uint8Array>();

Deno.test("a text session reads a byte stream into the same lent memory, read after read", async () => {
  const parts = ["one\n", "two\n", "three\n", "four\n"];
  const source = byteSource([...parts]);
  await using s = new Session({ readable: source.readable, writable: sink() });
  const lines: string[] = [];
  for await (const line of s.lines()) lines.push(line);
  deepStrictEqual(lines, ["one", "two", "three", "four"]);
  strictEqual(source.byobReads(), 4);
  deepStrictEqual(source.reused, [false, true, true, true]);
});

Deno.test("a lent buffer starts at 1 KiB and doubles while reads fill more than half of it", async () => {
  const big = "x".repeat(3000);
  const source = byteSource([big, big, "end"]);
  await using s = new Session({ readable: source.readable, writable: sink() });
  strictEqual((await s.expect("end")).before.length, 6000);
  // 1023 + 1977 of the first part, then 3000 (the second part) and "end": each filled more
  // than half of its buffer but the last.
  deepStrictEqual(source.sizes, [1024, 2048, 4096, 8192]);
  deepStrictEqual(source.reused, [false, false, false, false]);
});

Deno.test("a chunk handed to an observer is never overwritten by a later read", async () => {
  const parts = ["alpha ", "beta ", "gamma ", "delta"];
  const source = byteSource([...parts]);
  const seen: Uint8Array[] = [];
  const observer = (e: SessionEvent) => {
    if (e.type === "read") seen.push(e.data);
  };
  await using s = new Session({ readable: source.readable, writable: sink() }, {
    observers: [observer],
  });
  await s.expect("delta");
  deepStrictEqual(seen.map(dec), parts);
  ok(source.reused.every((r) => !r), "no lent memory was reused while observers saw it");
});

Deno.test("bytes mode reads a byte stream with a default reader (chunks are kept as read)", async () => {
  const source = byteSource(["ab", "cd"]);
  await using s = new Session<Uint8Array>({ readable: source.readable, writable: sink() }, {
    encoding: null,
  });
  const chunks: string[] = [];
  for await (const chunk of s.chunks()) chunks.push(dec(chunk));
  deepStrictEqual(chunks, ["ab", "cd"]);
  strictEqual(source.byobReads(), 0);
});

Deno.test("lent buffers grow while output streams even when the chunks are kept", async () => {
  const big = "y".repeat(3000);
  const source = byteSource([big, big, "end"]);
  const kept: Uint8Array[] = [];
  await using s = new Session({ readable: source.readable, writable: sink() }, {
    observers: [(e) => void (e.type === "read" && kept.push(e.data))],
  });
  strictEqual((await s.expect("end")).before.length, 6000);
  deepStrictEqual(source.sizes, [1024, 2048, 4096, 8192]);
  strictEqual(kept.map(dec).join(""), big + big + "end");
});

Deno.test("readInto() in bytes mode reads a byte stream into lent memory it reuses", async () => {
  const parts = ["one", "two", "three", "four"];
  const source = byteSource([...parts]);
  await using s = new Session<Uint8Array>({ readable: source.readable, writable: sink() }, {
    encoding: null,
  });
  const into = new Uint8Array(64);
  const got: string[] = [];
  for (let n = await s.readInto(into); n !== null; n = await s.readInto(into)) {
    got.push(dec(into.subarray(0, n)));
  }
  deepStrictEqual(got, parts);
  strictEqual(source.byobReads(), 4);
  deepStrictEqual(source.reused, [false, true, true, true]);
});

Deno.test("readInto() never reuses a chunk an observer was handed, and chunks() still keeps its own", async () => {
  const source = byteSource(["alpha ", "beta ", "gamma ", "delta"]);
  const seen: Uint8Array[] = [];
  await using s = new Session<Uint8Array>({ readable: source.readable, writable: sink() }, {
    encoding: null,
    observers: [(e) => void (e.type === "read" && seen.push(e.data))],
  });
  const into = new Uint8Array(64);
  const n = await s.readInto(into);
  strictEqual(dec(into.subarray(0, n!)), "alpha ");
  // A default read in between (chunks() keeps what it yields), then lent reads again.
  const kept: Uint8Array[] = [];
  for await (const chunk of s.chunks()) {
    kept.push(chunk);
    break;
  }
  strictEqual(dec(into.subarray(0, (await s.readInto(into))!)), "gamma ");
  strictEqual(dec(into.subarray(0, (await s.readInto(into))!)), "delta");
  strictEqual(await s.readInto(into), null);
  deepStrictEqual(kept.map(dec), ["beta "]);
  deepStrictEqual(seen.map(dec), ["alpha ", "beta ", "gamma ", "delta"]);
  ok(source.reused.every((r) => !r), "no memory an observer saw was lent again");
});
