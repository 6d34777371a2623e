import assert from "node:assert/strict";
import { TelnetCommand as C, TelnetOption as O } from "./constants.ts";
import {
  encodeNegotiation,
  encodeSubnegotiation,
  encodeTelnetCommand,
  encodeTelnetData,
  escapeIac,
} from "./encoder.ts";
import { bytes, parserSource } from "./_test_helpers.ts";
import { random } from "../expect/_fake_channel.ts";

const text = (b: Uint8Array) => String.fromCharCode(...b);

Deno.test("escapeIac doubles IAC and returns the input when there is none", () => {
  const plain = bytes("no iac here");
  assert.equal(escapeIac(plain), plain);
  assert.equal(text(escapeIac(bytes("\xff"))), "\xff\xff");
  assert.equal(text(escapeIac(bytes("a\xff\xffb\xff"))), "a\xff\xff\xff\xffb\xff\xff");
  assert.equal(escapeIac(new Uint8Array(0)).length, 0);
});

Deno.test("encodeTelnetData applies the RFC 854 NVT end-of-line rules", () => {
  const cases: [string, string][] = [
    ["plain", "plain"],
    ["a\r\nb", "a\r\nb"],
    ["a\nb", "a\r\nb"],
    ["a\rb", "a\r\0b"],
    ["\r", "\r\0"],
    ["\n", "\r\n"],
    ["\r\r\n", "\r\0\r\n"],
    ["\n\r", "\r\n\r\0"],
    ["x\xffy", "x\xff\xffy"],
    ["\r\xff", "\r\0\xff\xff"],
  ];
  for (const [input, wire] of cases) {
    assert.equal(text(encodeTelnetData(bytes(input))), wire, JSON.stringify(input));
  }
  const plain = bytes("ls -l");
  assert.equal(encodeTelnetData(plain), plain, "nothing to change: same array");
});

Deno.test("encodeTelnetData in BINARY mode only doubles IAC", () => {
  assert.equal(
    text(encodeTelnetData(bytes("a\r\n\r\n\xff"), { binary: true })),
    "a\r\n\r\n\xff\xff",
  );
});

Deno.test("encodeTelnetData round-trips through the parser", () => {
  const next = random(854);
  for (let round = 0; round < 200; round++) {
    const input = Uint8Array.from({ length: Math.floor(next() * 64) }, () => {
      const r = next();
      return r < 0.2 ? 13 : r < 0.4 ? 10 : r < 0.5 ? 255 : r < 0.6 ? 0 : Math.floor(next() * 256);
    });
    for (const binary of [false, true]) {
      const source = parserSource({ binary });
      const out: number[] = [];
      for (const e of [...source.feed(encodeTelnetData(input, { binary })), ...source.end()]) {
        assert.equal(e.type, "data");
        if (e.type === "data") out.push(...e.data);
      }
      // NVT mode turns a bare LF into CR LF; everything else comes back exactly.
      const expected = binary ? [...input] : [...text(input).replace(/(?<!\r)\n/g, "\r\n")]
        .map((c) => c.charCodeAt(0));
      assert.deepEqual(out, expected);
    }
  }
});

Deno.test("command, negotiation and subnegotiation builders", () => {
  assert.deepEqual([...encodeTelnetCommand(C.AYT)], [255, 246]);
  assert.deepEqual([...encodeNegotiation(C.DONT, O.LINEMODE)], [255, 254, 34]);
  assert.deepEqual(
    [...encodeSubnegotiation(O.NAWS, Uint8Array.of(0, 255, 255, 0))],
    [255, 250, 31, 0, 255, 255, 255, 255, 0, 255, 240],
  );
  assert.throws(() => encodeTelnetCommand(256), RangeError);
  assert.throws(() => encodeNegotiation(C.SB, 1), RangeError);
  assert.throws(() => encodeNegotiation(C.DO, -1), RangeError);
  assert.throws(() => encodeSubnegotiation(1.5, new Uint8Array(0)), RangeError);
});
