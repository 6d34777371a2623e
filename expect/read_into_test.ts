// Copyright the dexpect authors. MIT license.
// readInto(): output copied into the caller's buffer (bytes mode), as Deno.Conn.read does.
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { Session } from "./session.ts";
import { SessionStateError, TimeoutError } from "./errors.ts";
import { FakeChannel } from "./_fake_channel.ts";

const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** Every readInto() result until the end, as text, with a buffer of `size` bytes. */
async function drain(s: Session<Uint8Array>, size: number): Promise<string[]> {
  const into = new Uint8Array(size);
  const out: string[] = [];
  for (let n = await s.readInto(into); n !== null; n = await s.readInto(into)) {
    out.push(dec(into.subarray(0, n)));
  }
  return out;
}

Deno.test("readInto: a read larger than the buffer comes in pieces; null at the end, again and again", async () => {
  await using s = new Session<Uint8Array>(new FakeChannel(["abcdefg", "hi"]), { encoding: null });
  deepStrictEqual(await drain(s, 3), ["abc", "def", "g", "hi"]);
  strictEqual(await s.readInto(new Uint8Array(3)), null);
});

Deno.test("readInto: output an expect() left buffered comes first, then what is read", async () => {
  await using s = new Session<Uint8Array>(new FakeChannel(["login: ann\r\n", "$ "]), {
    encoding: null,
  });
  await s.expect("login: ");
  deepStrictEqual(await drain(s, 64), ["ann\r\n", "$ "]);
});

Deno.test("readInto: an empty buffer gets 0 at once; bytes 0x80-0xFF pass unchanged", async () => {
  const bytes = Uint8Array.of(0x80, 0xff, 0x00, 0xc3);
  await using s = new Session<Uint8Array>(new FakeChannel([bytes]), { encoding: null });
  strictEqual(await s.readInto(new Uint8Array(0)), 0);
  const into = new Uint8Array(8);
  strictEqual(await s.readInto(into), 4);
  deepStrictEqual(into.subarray(0, 4), bytes);
});

Deno.test("readInto: with stripAnsi, the stripped output", async () => {
  await using s = new Session<Uint8Array>(new FakeChannel(["\x1b[1mbold\x1b[0m", " end"]), {
    encoding: null,
    stripAnsi: true,
  });
  strictEqual((await drain(s, 64)).join(""), "bold end");
});

Deno.test("readInto: a text session gets a TypeError that says what to do", async () => {
  await using s = new Session(new FakeChannel(["x"]));
  await rejects(s.readInto(new Uint8Array(4)), (e) => {
    ok(e instanceof TypeError);
    ok(e.message.includes("encoding: null"), e.message);
    return true;
  });
});

Deno.test("readInto: TimeoutError at the deadline, the abort reason, and one reader at a time", async () => {
  const ch = new FakeChannel(["a", { hold: true }]);
  await using s = new Session<Uint8Array>(ch, { encoding: null, timeout: 30 });
  const into = new Uint8Array(4);
  strictEqual(await s.readInto(into), 1);
  await rejects(s.readInto(into), (e) => e instanceof TimeoutError && e.timeout === 30);
  const controller = new AbortController();
  const stop = new Error("stop");
  const reading = s.readInto(into, { timeout: null, signal: controller.signal });
  await rejects(s.readInto(into), (e) => e instanceof SessionStateError && e.reason === "busy");
  controller.abort(stop);
  await rejects(reading, (e) => e === stop);
  await rejects(s.readInto(into, { signal: controller.signal }), (e) => e === stop);
});
