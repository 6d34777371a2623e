// Copyright the dexpect authors. MIT license.
import { deepStrictEqual, match, rejects, strictEqual } from "node:assert/strict";
import { Session } from "./session.ts";
import { EOF, TIMEOUT } from "./patterns.ts";
import { type CustomMatcher, CustomPattern, type MatchContext } from "./custom.ts";
import { TimeoutError } from "./errors.ts";
import { FakeChannel } from "./_fake_channel.ts";

/** Holds once the bytes seen by a read hook of the session add up to `n`. */
const seen = new WeakMap<object, number[]>();
class Bytes extends CustomPattern<number> {
  constructor(readonly n: number) {
    super();
  }
  get description(): string {
    return `bytes(${this.n})`;
  }
  start(context: MatchContext): CustomMatcher<number> {
    const log = seen.get(context.session)!;
    const total = () => log.reduce((a, b) => a + b, 0);
    return {
      check: () => (total() >= this.n ? { match: total() } : null),
      report: () => context.redact(`seen ${total()} bytes of hunter2`),
    };
  }
}

function track(session: Session): number[] {
  const log: number[] = [];
  seen.set(session, log);
  session.onRead((chunk) => void log.push(chunk.length));
  return log;
}

Deno.test("a custom pattern sees state fed by a read hook before it is checked", async () => {
  await using s = new Session(new FakeChannel(["ab", "cd", "ef"]));
  track(s);
  const r = await s.expect([new Bytes(4), EOF]);
  strictEqual(r.index, 0);
  strictEqual(r.match, 4);
  strictEqual(r.before, "abcd"); // consumed, as idle() does
  strictEqual(r.after, "");
  strictEqual(s.buffer, "");
});

Deno.test("a stream match in the same chunk wins; in list order the first listed wins", async () => {
  for (const order of ["stream", "list"] as const) {
    await using s = new Session(new FakeChannel(["abcd"]), { order });
    track(s);
    const r = await s.expect([new Bytes(2), "bc", EOF]);
    strictEqual(r.index, order === "stream" ? 1 : 0);
  }
});

Deno.test("a read hook awaits before patterns run, and its failure is that call's", async () => {
  await using s = new Session(new FakeChannel(["one", "two"]));
  const order: string[] = [];
  let fail = true;
  s.onRead(async (chunk) => {
    await new Promise((r) => setTimeout(r, 1));
    if (fail) {
      fail = false;
      throw new Error("hook failed");
    }
    order.push(new TextDecoder().decode(chunk));
  });
  await rejects(s.expect("one"), /hook failed/);
  await s.expect("two");
  deepStrictEqual(order, ["two"]);
});

Deno.test("a custom matcher asks to be checked again without output", async () => {
  class After extends CustomPattern<null> {
    readonly description = "after(30 ms)";
    start(context: MatchContext): CustomMatcher<null> {
      const due = context.started + 30;
      return {
        check: (now) => (now >= due ? { match: null } : null),
        recheckIn: (now) => (due > now ? due - now : undefined),
      };
    }
  }
  await using s = new Session(new FakeChannel([{ hold: true }]));
  const r = await s.expect([new After(), TIMEOUT], { timeout: 5_000 });
  strictEqual(r.index, 0);
});

Deno.test("a failed call shows what its custom patterns report, secrets redacted", async () => {
  await using s = new Session(new FakeChannel(["abc", { hold: true }]));
  track(s);
  await s.send("hunter2", { secret: true });
  const error = await s.expect(new Bytes(100), { timeout: 50 }).catch((e) => e);
  strictEqual(error instanceof TimeoutError, true);
  match(error.message, /waiting for bytes\(100\).*\nseen 3 bytes of \*\*\*$/s);
  strictEqual(error.report, "seen 3 bytes of ***");
});

Deno.test("a custom pattern whose check throws fails the call and is disposed", async () => {
  let disposed = 0;
  class Broken extends CustomPattern<never> {
    readonly description = "broken()";
    start(): CustomMatcher<never> {
      return {
        check: () => {
          throw new RangeError("broken check");
        },
        dispose: () => void disposed++,
      };
    }
  }
  await using s = new Session(new FakeChannel(["x"]));
  await rejects(s.expect(["y", new Broken()]), RangeError);
  strictEqual(disposed, 1);
  // The session is still usable: the failed call left no waiter behind.
  strictEqual((await s.expect("x")).after, "x");
});
