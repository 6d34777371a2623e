// Copyright the dexpect authors. MIT license.
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { binaryToBytes, bytesToBinary, completeUtf8Length, createDecoder } from "./_codec.ts";
import { escapeControl, redact } from "./_format.ts";
import { StreamBuffer } from "./_buffer.ts";

Deno.test("completeUtf8Length holds back only an incomplete trailing character", () => {
  const b = (...x: number[]) => new Uint8Array(x);
  strictEqual(completeUtf8Length(b(0x61, 0xe2, 0x82)), 1);
  strictEqual(completeUtf8Length(b(0x61, 0xe2, 0x82, 0xac)), 4);
  strictEqual(completeUtf8Length(b(0xf0, 0x9f, 0x98)), 0);
  strictEqual(completeUtf8Length(b(0xc3)), 0);
  strictEqual(completeUtf8Length(b(0x80, 0x80, 0x80, 0x80)), 4);
  strictEqual(completeUtf8Length(b()), 0);
});

Deno.test("the streaming decoder matches whole decoding for every split, and hands back held bytes", () => {
  const data = new TextEncoder().encode("a€😀é");
  const whole = new TextDecoder().decode(data);
  for (let i = 0; i <= data.length; i++) {
    const d = createDecoder("utf-8");
    strictEqual(d.decode(data.subarray(0, i)) + d.decode(data.subarray(i)) + d.flush(), whole);
  }
  const d = createDecoder("utf-8");
  strictEqual(d.decode(data.subarray(0, 2)), "a");
  deepStrictEqual(Array.from(d.takePending()), [0xe2]);
  strictEqual(d.flush(), "");
  const bad = createDecoder("utf-8");
  strictEqual(bad.decode(new Uint8Array([0x41, 0xe2])) + bad.flush(), "A\ufffd");
  strictEqual(createDecoder("utf-8").decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])), "\ufeffA");
});

Deno.test("binary strings round-trip bytes", () => {
  const bytes = Uint8Array.from({ length: 20000 }, (_, i) => i % 256);
  deepStrictEqual(binaryToBytes(bytesToBinary(bytes)), bytes);
});

Deno.test("escapeControl and redact", () => {
  strictEqual(escapeControl("a\r\n\t\x1b[0m\\\x7f\x85é"), "a\\r\\n\\t\\x1b[0m\\\\\\x7f\\x85é");
  strictEqual(escapeControl("é\xff", true), "\\xe9\\xff");
  strictEqual(redact("user pw pw!", ["pw"]), "user *** ***!");
});

Deno.test("StreamBuffer: slices across pieces, coalesces, discards", () => {
  const b = new StreamBuffer();
  for (let i = 0; i < 30; i++) b.append(String(i % 10).repeat(100));
  strictEqual(b.length, 3000);
  strictEqual(b.slice(95, 105), "0000011111");
  strictEqual(b.slice(0, 3000).length, 3000); // coalesces
  strictEqual(b.slice(2995), "99999");
  b.discard(150);
  strictEqual(b.start, 150);
  strictEqual(b.slice(0, 155), "11111");
  b.append("x\ny");
  strictEqual(b.lastNewline, 3001);
  b.clear();
  strictEqual(b.length, 0);
  strictEqual(b.slice(0), "");
  for (let i = 0; i < 100; i++) b.append("z"); // small pieces merge
  strictEqual(b.slice(b.start), "z".repeat(100));
});
