// Copyright the dexpect authors. MIT license.
/** Compile-time checks: results narrow by index and key. */
import { strictEqual } from "node:assert/strict";
import { Session } from "./session.ts";
import { EOF, idle, TIMEOUT } from "./patterns.ts";
import { FakeChannel } from "./_fake_channel.ts";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;
function assertType<_T extends true>(): void {}

Deno.test("result types narrow by key, index and pattern", async () => {
  await using s = new Session(new FakeChannel(["a1b"]));
  const r = await s.expect({ num: /\d/, word: "b", done: EOF, slow: TIMEOUT, quiet: idle(5) });
  switch (r.key) {
    case "num":
      assertType<Equal<typeof r.match, RegExpExecArray>>();
      strictEqual(r.match[0], "1");
      break;
    case "word":
      assertType<Equal<typeof r.match, string>>();
      break;
    case "done":
    case "slow":
    case "quiet":
      assertType<Equal<typeof r.match, null>>();
      break;
    default:
      assertType<Equal<typeof r, never>>();
  }
  const l = await s.expect(["b", /x/, EOF]);
  assertType<Equal<typeof l.index, 0 | 1 | 2>>();
  if (l.index === 1) assertType<Equal<typeof l.match, RegExpExecArray>>();
  if (l.index === 0) strictEqual(l.match, "b");
  const one = await s.expect(EOF);
  assertType<Equal<typeof one.match, null>>();
  assertType<Equal<typeof one.before, string>>();

  await using b = new Session<Uint8Array>(new FakeChannel(["xy"]), { encoding: null });
  const rb = await b.expect("y");
  assertType<Equal<typeof rb.before, Uint8Array>>();
  assertType<Equal<typeof rb.match, Uint8Array>>();
  strictEqual(rb.before[0], 0x78);
  // @ts-expect-error encoding null needs Session<Uint8Array>
  const wrong = () => new Session(new FakeChannel([]), { encoding: null });
  void wrong;
});
