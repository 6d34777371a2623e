import assert from "node:assert/strict";
import { autoNvtMode, NvtLineEditor, type NvtMode } from "./line_mode.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Feeds `parts` and returns what was sent and what was echoed, as text. */
function play(parts: Uint8Array[], mode: NvtMode = "line"): { sent: string; shown: string } {
  const shown: number[] = [];
  const editor = new NvtLineEditor((b) => void shown.push(...b));
  const sent: number[] = [];
  for (const p of parts) sent.push(...editor.feed(p, mode));
  return { sent: dec.decode(Uint8Array.from(sent)), shown: dec.decode(Uint8Array.from(shown)) };
}

Deno.test("NvtLineEditor: editing keys, whole and split at every byte", () => {
  // "héllo" with é erased (2 bytes), a word erased, a line killed, a cursor key ignored.
  const keys = enc.encode("hé\x7fello wor\x17ld\r\x1b[Ajunk\x15ok\ttab\r\x03x\x04");
  const expected = {
    sent: "hello ld\r\nok\ttab\r\n\x03\x04",
    shown: "hé\b \bello wor\b \b\b \b\b \bld\r\njunk\b \b\b \b\b \b\b \bok\ttab\r\nx",
  };
  assert.deepEqual(play([keys]), expected);
  for (let i = 1; i < keys.length; i++) {
    assert.deepEqual(play([keys.subarray(0, i), keys.subarray(i)]), expected, `split at ${i}`);
  }
  assert.deepEqual(play(Array.from(keys, (b) => Uint8Array.of(b))), expected);
});

Deno.test("NvtLineEditor: character mode passes keys through after a half-typed line", () => {
  let shown = "";
  const editor = new NvtLineEditor((b) => void (shown += dec.decode(b)));
  assert.deepEqual([...editor.feed(enc.encode("ab"), "line")], []);
  assert.equal(dec.decode(editor.pending), "ab");
  assert.equal(dec.decode(editor.feed(enc.encode("c"), "character")), "abc");
  assert.equal(dec.decode(editor.feed(enc.encode("\x7f"), "character")), "\x7f");
  assert.equal(shown, "ab");
  assert.deepEqual(play([enc.encode("x\r")], "character"), { sent: "x\r", shown: "" });
});

Deno.test("NvtLineEditor: a line is bounded; random keys give the same result however split", () => {
  const long = play([new Uint8Array(10_000).fill(0x61), enc.encode("\r")]);
  assert.equal(long.sent.length, 4096 + 2);
  for (let n = 0; n < 200; n++) {
    const keys = Uint8Array.from({ length: 64 }, () => Math.floor(Math.random() * 256));
    const whole = play([keys]);
    const cut = Math.floor(Math.random() * keys.length);
    assert.deepEqual(play([keys.subarray(0, cut), keys.subarray(cut)]), whole);
  }
  assert.equal(autoNvtMode(true), "character");
});
