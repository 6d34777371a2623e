// Copyright the dexpect authors. MIT license.
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { Session } from "./session.ts";
import { EOF, idle, TIMEOUT } from "./patterns.ts";
import {
  BufferOverflowError,
  EOFError,
  ExpectError,
  SessionStateError,
  TimeoutError,
} from "./errors.ts";
import { FakeChannel } from "./_fake_channel.ts";
import type { ExitStatus } from "./channel.ts";

Deno.test("expect() consumes exactly to the end of the match", async () => {
  await using s = new Session(new FakeChannel(["hello world\n$ more"]));
  const r = await s.expect("world");
  strictEqual(r.before, "hello ");
  strictEqual(r.after, "world");
  strictEqual(r.match, "world");
  strictEqual(r.index, 0);
  strictEqual(r.key, undefined);
  strictEqual(s.buffer, "\n$ more");
  const r2 = await s.expect(/\$ (\w+)/);
  strictEqual(r2.before, "\n");
  strictEqual(r2.match[1], "more");
  strictEqual(r2.match.index, 1);
  strictEqual(r2.match.input, "\n$ more");
  strictEqual(s.before, "\n");
  strictEqual(s.after, "$ more");
});

Deno.test("expect() with a list reports the index; earliest start wins, ties to first", async () => {
  await using s = new Session(new FakeChannel(["abc def ghi"]));
  const r = await s.expect(["ghi", /d\w+/, "def"]);
  strictEqual(r.index, 1);
  strictEqual(r.after, "def");
  const r2 = await s.expect(["gh", "ghi"]);
  strictEqual(r2.index, 0);
});

Deno.test("order: 'list' picks the first listed pattern that matches", async () => {
  await using s = new Session(new FakeChannel(["abc def ghi"]), { order: "list" });
  const r = await s.expect(["ghi", "abc"]);
  strictEqual(r.index, 0);
  strictEqual(r.before, "abc def ");
  await using s2 = new Session(new FakeChannel(["abc def ghi"]));
  strictEqual((await s2.expect(["ghi", "abc"], { order: "list" })).index, 0);
});

Deno.test("expect() with a record narrows on key", async () => {
  await using s = new Session(new FakeChannel(["size: 42\n"]));
  const r = await s.expect({ size: /size: (\d+)/, prompt: "$ ", done: EOF });
  strictEqual(r.key, "size");
  if (r.key === "size") strictEqual(r.match[1], "42");
  strictEqual(r.index, 0);
  const r2 = await s.expect({ prompt: "$ ", done: EOF });
  strictEqual(r2.key, "done");
  strictEqual(r2.match, null);
  strictEqual(r2.before, "\n");
});

Deno.test("EOF listed is a result carrying the exit status; unlisted it is an EOFError", async () => {
  class Exited extends Session {
    protected override exitStatus(): ExitStatus | undefined {
      return { code: 3, signal: null };
    }
  }
  await using s = new Exited(new FakeChannel(["bye\n"]));
  const e = await rejects(s.expect("never"), (e: unknown) => {
    ok(e instanceof EOFError);
    ok(e instanceof ExpectError);
    strictEqual(e.exitStatus?.code, 3);
    strictEqual(e.tail, "bye\n");
    ok(e.message.includes('"never"'), e.message);
    ok(e.message.includes("bye\\n"), e.message);
    ok(e.message.includes("exit code 3"), e.message);
    return true;
  });
  void e;
  ok(s.eof);
  const r = await s.expect(EOF);
  strictEqual(r.before, "bye\n");
  deepStrictEqual(r.exitStatus, { code: 3, signal: null });
  // Once at EOF, EOF is immediate.
  strictEqual((await s.expect(["x", EOF])).index, 1);
});

Deno.test("timeout: TimeoutError says what, how long, and the escaped tail; keeps the pending read", async () => {
  const ch = new FakeChannel(["partial\x1b[0m\r", { delay: 80 }, "rest$ "]);
  await using s = new Session(ch, { timeout: 20 });
  await rejects(s.expect("$ "), (e: unknown) => {
    ok(e instanceof TimeoutError);
    strictEqual(e.timeout, 20);
    ok(e.waited >= 19, String(e.waited));
    strictEqual(e.tail, "partial\x1b[0m\r");
    ok(/^Timed out after \d+ ms waiting for "\$ ": /.test(e.message), e.message);
    ok(e.message.includes("partial\\x1b[0m\\r"), e.message);
    return true;
  });
  // The read that was pending is reused: no byte lost, no second pull while waiting.
  const r = await s.expect("$ ", { timeout: 1000 });
  strictEqual(r.before, "partial\x1b[0m\rrest");
  strictEqual(ch.pulls, 2); // one read per chunk, the pending one reused
});

Deno.test("TIMEOUT listed is a result and leaves the output buffered", async () => {
  await using s = new Session(new FakeChannel(["abc", { hold: true }]));
  const r = await s.expect(["x", TIMEOUT], { timeout: 10 });
  strictEqual(r.index, 1);
  strictEqual(r.before, "abc");
  strictEqual(r.match, null);
  strictEqual(s.buffer, "abc");
});

Deno.test("timeout null waits without a deadline; session timeout is settable", async () => {
  await using s = new Session(new FakeChannel([{ delay: 30 }, "late"]), { timeout: 1 });
  s.timeout = null;
  strictEqual((await s.expect("late")).after, "late");
  await using s2 = new Session(new FakeChannel([{ delay: 30 }, "late"]), { timeout: 1 });
  strictEqual((await s2.expect("late", { timeout: null })).after, "late");
});

Deno.test("idle() matches after a quiet period and consumes the output", async () => {
  await using s = new Session(
    new FakeChannel(["a", { delay: 5 }, "b", { delay: 5 }, "c", { hold: true }]),
  );
  const r = await s.expect([idle(60), "zzz"], { timeout: 2000 });
  strictEqual(r.index, 0);
  strictEqual(r.before, "abc");
  strictEqual(r.match, null);
  strictEqual(s.buffer, "");
});

Deno.test("signal aborts a waiting call with its reason", async () => {
  await using s = new Session(new FakeChannel([{ hold: true }]));
  const c = new AbortController();
  const p = s.expect("x", { signal: c.signal });
  c.abort(new Error("stop"));
  await rejects(p, { message: "stop" });
  await rejects(s.expect("x", { signal: AbortSignal.abort(new Error("already")) }), {
    message: "already",
  });
});

Deno.test("only one call reads at a time", async () => {
  await using s = new Session(new FakeChannel([{ delay: 20 }, "x"]));
  const p = s.expect("x");
  await rejects(
    s.expect("y"),
    (e: unknown) => e instanceof SessionStateError && e.reason === "busy",
  );
  await p;
});

Deno.test("close() wakes a waiting call and is idempotent", async () => {
  const ch = new FakeChannel([{ hold: true }]);
  const s = new Session(ch);
  const p = s.expect("x");
  await s.close();
  await rejects(p, (e: unknown) => e instanceof SessionStateError && e.reason === "closed");
  await s.close();
  ok(ch.cancelled);
  strictEqual(ch.inputEnd, "close");
  await rejects(s.expect("x"), SessionStateError);
  await rejects(s.send("x"), SessionStateError);
});

Deno.test("reads only on demand: constructing and sending never pulls", async () => {
  const ch = new FakeChannel(["a", "b", "c"]);
  await using s = new Session(ch);
  await s.send("hi");
  strictEqual(ch.pulls, 0);
  await s.expect("a");
  strictEqual(ch.pulls, 1);
  await new Promise((r) => setTimeout(r, 5));
  strictEqual(ch.pulls, 1);
});

Deno.test("peek() does not consume", async () => {
  await using s = new Session(new FakeChannel(["login: "]));
  const r = await s.peek(/login:/);
  strictEqual(r.after, "login:");
  strictEqual(s.buffer, "login: ");
  strictEqual(s.before, undefined);
  strictEqual((await s.expect("login: ")).before, "");
});

Deno.test("user RegExp flags and lastIndex do not leak", async () => {
  const re = /\d+/gy;
  re.lastIndex = 5;
  await using s = new Session(new FakeChannel(["ab 12 cd 34"]));
  strictEqual((await s.expect(re)).after, "12");
  strictEqual((await s.expect(re)).after, "34");
  strictEqual(re.lastIndex, 5);
});

Deno.test("RegExp indices (d flag) and named groups count from the start of before", async () => {
  await using s = new Session(new FakeChannel(["xxxx\nkey=val\n"]));
  await s.expect("xx");
  const r = await s.expect(/(?<k>\w+)=(\w+)/d);
  strictEqual(r.before, "xx\n");
  strictEqual(r.match.index, 3);
  deepStrictEqual(r.match.indices?.[0], [3, 10]);
  deepStrictEqual(r.match.indices?.groups?.k, [3, 6]);
  strictEqual(r.match.groups?.k, "key");
});

Deno.test("expectExact() treats strings literally and rejects RegExps", async () => {
  await using s = new Session(new FakeChannel(["a.b*c"]));
  strictEqual((await s.expectExact("b*")).before, "a.");
  await rejects(
    // @ts-expect-error RegExp is not an exact pattern
    s.expectExact(/c/),
    TypeError,
  );
});

Deno.test("invalid patterns and options are TypeError/RangeError", async () => {
  await using s = new Session(new FakeChannel([]));
  await rejects(s.expect([]), TypeError);
  await rejects(s.expect(""), TypeError);
  // @ts-expect-error not a pattern
  await rejects(s.expect(42), TypeError);
  await rejects(s.expect("x", { timeout: -1 }), RangeError);
  const ch = new FakeChannel([]);
  let threw = false;
  try {
    new Session(ch, { maxBuffer: 0 });
  } catch (e) {
    threw = e instanceof RangeError;
  }
  ok(threw);
  await ch.readable.cancel();
  await ch.writable.close();
});

Deno.test("maxBuffer 'error' rejects with BufferOverflowError and the session stays usable", async () => {
  await using s = new Session(new FakeChannel(["0123456789", "abcdefghij", "ok"]), {
    maxBuffer: 15,
  });
  await rejects(s.expect("nope"), (e: unknown) => {
    ok(e instanceof BufferOverflowError);
    strictEqual(e.maxBuffer, 15);
    strictEqual(e.tail, "0123456789abcdefghij");
    return true;
  });
  strictEqual(s.buffer, "");
  strictEqual((await s.expect("ok")).before, "");
});

Deno.test("a match in the chunk that overflows still wins", async () => {
  await using s = new Session(new FakeChannel(["0123456789", "abcdef$ ghij"]), { maxBuffer: 15 });
  strictEqual((await s.expect("$ ")).before, "0123456789abcdef");
});

Deno.test("maxBuffer 'drop-oldest' keeps the newest output", async () => {
  await using s = new Session(new FakeChannel(["0123456789", "abcdefghij"]), {
    maxBuffer: 8,
    overflow: "drop-oldest",
  });
  const r = await s.expect(EOF);
  strictEqual(r.before, "cdefghij");
});

Deno.test("lines() yields lines without endings, including a last partial line", async () => {
  await using s = new Session(new FakeChannel(["one\r\ntw", "o\n\nthr", "ee"]));
  deepStrictEqual(await Array.fromAsync(s.lines()), ["one", "two", "", "three"]);
});

Deno.test("chunks() yields buffered output first, then chunks as they arrive", async () => {
  await using s = new Session(new FakeChannel(["ab", "cd", "ef"]));
  await s.expect("a");
  deepStrictEqual(await Array.fromAsync(s.chunks()), ["b", "cd", "ef"]);
});

Deno.test("chunks() hands on buffered reads one at a time, and long text in 32 KiB slices", async () => {
  const c = "c".repeat(100);
  const d = "d".repeat(100) + "e";
  const long = "x".repeat(70_000);
  await using s = new Session(new FakeChannel(["a".repeat(100) + "b", c, d, long]));
  // The lookahead matches only once "e" has arrived: three reads are buffered by then.
  await s.expect(/b(?=[^]*e)/);
  const chunks = await Array.fromAsync(s.chunks());
  deepStrictEqual(chunks.map((x) => x.length), [100, 101, 32_768, 32_768, 70_000 - 65_536]);
  strictEqual(chunks.join(""), c + d + long);
});

Deno.test("expectEach() loops until an outcome, which it yields last", async () => {
  const ch = new FakeChannel([
    "p1 --More--",
    { input: " " },
    "p2 --More--",
    { input: " " },
    "end\n",
  ]);
  await using s = new Session(ch, { timeout: 1000 });
  const seen: string[] = [];
  for await (const m of s.expectEach({ more: "--More--", done: EOF })) {
    seen.push(m.key);
    if (m.key === "more") await s.send(" ");
  }
  deepStrictEqual(seen, ["more", "more", "done"]);
  strictEqual(s.before, "end\n");
});

Deno.test("a transport error rejects the waiting call", async () => {
  await using s = new Session(new FakeChannel(["a", { error: new Error("reset") }]));
  await rejects(s.expect("zzz"), { message: "reset" });
});

Deno.test("bytes mode: Uint8Array results, byte patterns, regexes over bytes, \\xNN in messages", async () => {
  const ch = new FakeChannel([
    new Uint8Array([0x00, 0xff, 0x1b, 0x5b, 0x41, 0xc3, 0xa9, 0x0a, 0x7a]),
  ]);
  await using s = new Session<Uint8Array>(ch, { encoding: null });
  const r = await s.expect(new Uint8Array([0x1b, 0x5b]));
  deepStrictEqual(Array.from(r.before), [0x00, 0xff]);
  deepStrictEqual(Array.from(r.after), [0x1b, 0x5b]);
  const r2 = await s.expect("é"); // text patterns are UTF-8 encoded
  deepStrictEqual(Array.from(r2.before), [0x41]);
  deepStrictEqual(Array.from(r2.after), [0xc3, 0xa9]);
  const r3 = await s.peek(/\n([^\n])/);
  strictEqual(r3.match[1], "z"); // one character per byte
  deepStrictEqual((await Array.fromAsync(s.lines())).map((l) => Array.from(l)), [[], [0x7a]]);

  await using s2 = new Session<Uint8Array>(new FakeChannel([new Uint8Array([0xc3, 0xa9, 0x1b])]), {
    encoding: null,
  });
  await rejects(s2.expect("nope"), (e: unknown) => {
    ok(e instanceof EOFError);
    ok(e.message.includes('"\\xc3\\xa9\\x1b"'), e.message);
    return true;
  });
});

Deno.test("output that never stops and never waits: timers run and the deadline fires", async () => {
  // Every read of this peer is answered at once, from memory.
  const chunk = new TextEncoder().encode("y\n".repeat(32 * 1024));
  const peer = {
    readable: new ReadableStream<Uint8Array>({ pull: (c) => c.enqueue(chunk) }),
    writable: new WritableStream<Uint8Array>(),
  };
  await using session = new Session(peer, { overflow: "drop-oldest", maxBuffer: 64 * 1024 });
  let ticks = 0;
  const ticking = setInterval(() => ticks++, 10);
  const start = performance.now();
  await rejects(session.expect("never printed", { timeout: 100 }), TimeoutError);
  const fired = performance.now() - start;
  clearInterval(ticking);
  // Without the engine's yields this call never returns (nothing lets the timer run).
  ok(fired < 1_000, `the 100 ms deadline fired after ${fired.toFixed(0)} ms`);
  ok(ticks >= 3, `a 10 ms interval ticked ${ticks} times`);
});

Deno.test("bad calls reject, never throw: expect, expectExact, peek, send and sendLine", async () => {
  const s = new Session(new FakeChannel(["x"]));
  // Each call must return a promise even when it fails at once (no async function left
  // to turn a throw into a rejection).
  const calls: [string, () => Promise<unknown>, (e: unknown) => boolean][] = [
    ["expect([])", () => s.expect([]), (e) => e instanceof TypeError],
    ["expect('')", () => s.expect(""), (e) => e instanceof TypeError],
    [
      "expectExact(/x/)",
      () => s.expectExact(/x/ as unknown as string),
      (e) => e instanceof TypeError,
    ],
    ["peek with a bad timeout", () => s.peek("x", { timeout: -1 }), (e) => e instanceof RangeError],
    ["send with a bad timeout", () => s.send("x", { timeout: -1 }), (e) => e instanceof RangeError],
  ];
  for (const [name, call, check] of calls) {
    let pending: Promise<unknown> | undefined;
    try {
      pending = call();
    } catch (error) {
      throw new Error(`${name} threw instead of rejecting: ${error}`);
    }
    await rejects(pending, check, name);
  }
  await s.close();
  const closed = (e: unknown) => e instanceof SessionStateError && e.reason === "closed";
  for (const call of [() => s.expect("x"), () => s.sendLine("x"), () => s.send("x")]) {
    let pending: Promise<unknown> | undefined;
    try {
      pending = call();
    } catch (error) {
      throw new Error(`a call on a closed session threw instead of rejecting: ${error}`);
    }
    await rejects(pending, closed);
  }
});
