// Copyright the dexpect authors. MIT license.
import assert from "node:assert/strict";
import { EOF, TIMEOUT } from "../expect/patterns.ts";
import { EOFError, SessionStateError, TimeoutError } from "../expect/errors.ts";
import type { SessionEvent } from "../expect/observers.ts";
import { type Cassette, type CassetteEvent, parseCassette } from "./format.ts";
import { ReplayMismatchError } from "./errors.ts";
import { replay } from "./replay.ts";

const enc = new TextEncoder();

function cassette(
  events: [number, "o" | "i" | "r", string | Uint8Array | null][],
  extra: Partial<Cassette> = {},
): Cassette {
  return {
    cols: 80,
    rows: 24,
    timestamp: 0,
    transport: { type: "pty", command: ["sh"], cols: 80, rows: 24 },
    exitStatus: { code: 0, signal: null },
    source: "test.cast",
    events: events.map(([time, code, d]): CassetteEvent => ({
      time,
      code,
      data: code === "r" ? null : typeof d === "string" ? enc.encode(d) : d,
      text: typeof d === "string" ? d : "",
    })),
    ...extra,
  };
}

const LOGIN = cassette([
  [0.01, "o", "login: "],
  [0.2, "i", "admin\n"],
  [0.21, "o", "admin\r\nPassword: "],
  [0.4, "i", null],
  [0.41, "o", "\r\nrouter# "],
  [0.6, "i", "show version\n"],
  [0.7, "o", "show version\r\nVersion 1.2\r\nrouter# "],
  [0.8, "i", "exit\n"],
  [0.81, "o", "exit\r\n"],
], { exitStatus: { code: 0, signal: null } });

Deno.test("replay: the DSL runs against the cassette; EOF carries the exit status", async () => {
  await using s = replay(LOGIN, { timeout: 1_000 });
  await s.expect("login: ");
  await s.sendLine("admin");
  await s.expect("Password: ");
  await s.sendLine("anything at all", { secret: true });
  await s.expect(/# $/);
  assert.equal(s.exitStatus(), undefined, "not known before the end");
  await s.sendLine("show version");
  const r = await s.expect({ prompt: /\r\n(\S+)# $/, gone: EOF });
  assert.equal(r.key, "prompt");
  assert.equal(r.before, "show version\r\nVersion 1.2");
  await s.sendLine("exit");
  const end = await s.expect(EOF);
  assert.equal(end.before, "exit\r\n");
  assert.deepEqual(end.exitStatus, { code: 0, signal: null });
  await assert.rejects(s.expect("more"), EOFError);
});

Deno.test("replay: output stops at the next recorded input until it is sent", async () => {
  await using s = replay(LOGIN, { timeout: 1_000 });
  const r = await s.expect([TIMEOUT, "Password"], { timeout: 50 });
  assert.equal(r.index, 0);
  assert.equal(s.buffer, "login: ");
});

Deno.test("replay: a changed script fails with expected, received and position", async () => {
  await using s = replay(LOGIN, { timeout: 1_000 });
  await s.expect("login: ");
  const error = await s.sendLine("root").catch((e) => e);
  assert.ok(error instanceof ReplayMismatchError);
  assert.equal(error.expected, "admin\n");
  assert.equal(error.received, "root\n");
  assert.deepEqual(error.position, { event: 1, line: 3, time: 0.2, offset: 0 });
  assert.match(
    error.message,
    /^Replay mismatch at event 1 \(line 3, 0\.200 s\) of test\.cast: expected "admin\\n", received "root\\n"$/,
  );
  // The mismatch is an error of that call: the replay stays where it was.
  await s.sendLine("admin");
  await s.expect("Password: ");
});

Deno.test("replay: sends may be split or joined; the offset is reported", async () => {
  await using s = replay(LOGIN, { timeout: 1_000 });
  await s.send("ad");
  await s.send("min\n");
  await s.expect("Password: ");
  await s.send("pw\n", { secret: true });
  const e = await s.send("show versoin\n").catch((e) => e);
  assert.ok(e instanceof ReplayMismatchError);
  assert.equal(e.position.offset, 9);
  assert.equal(e.expected, "ion\n");
  assert.equal(e.received, "oin\n");
});

Deno.test("replay: a secret is never shown in a mismatch", async () => {
  await using s = replay(LOGIN, { timeout: 1_000 });
  const e = await s.sendLine("hunter2", { secret: true }).catch((e) => e);
  assert.ok(e instanceof ReplayMismatchError);
  assert.doesNotMatch(e.message, /hunter2/);
  assert.equal(e.received, "(secret)");
});

Deno.test("replay: sending past the end says so", async () => {
  const c = cassette([[0, "o", "bye\r\n"]]);
  await using s = replay(c);
  await s.expect(EOF);
  const e = await s.send("x").catch((e) => e);
  assert.ok(e instanceof ReplayMismatchError);
  assert.match(e.message, /expected the end of the cassette, received "x"/);
});

Deno.test("replay: non-UTF-8 output arrives byte-exact in bytes mode", async () => {
  const bytes = Uint8Array.of(0x61, 0xff, 0x00, 0xfe, 0x1b, 0x62);
  const c = parseCassette(
    `{"version":2,"width":80,"height":24,"dexpect":{"version":1}}\n` +
      JSON.stringify([0, "o", `\x1b_dexpect:base64:${btoa("a\xff\x00\xfe\x1bb")}\x1b\\a??b`]),
  );
  await using s = replay(c, { encoding: null });
  const end = await s.expect(EOF);
  assert.deepEqual(end.before, bytes);
});

Deno.test("replay: speed keeps the recorded pace from the last input", async () => {
  const c = cassette([[0, "o", "a"], [0.1, "i", "x"], [0.15, "o", "b"]]);
  await using s = replay(c, { speed: 1, timeout: 2_000 });
  await s.expect("a");
  const sent = performance.now();
  await s.send("x");
  await s.expect("b");
  assert.ok(performance.now() - sent >= 45, "50 ms recorded after the input");
  assert.throws(() => replay(c, { speed: 0 }), RangeError);
});

Deno.test("replay: observers see reads, sends and recorded resizes", async () => {
  const c = cassette([[0, "o", "a"], [0.1, "r", "100x40"], [0.2, "o", "b"]]);
  const seen: string[] = [];
  const observer = (e: SessionEvent) =>
    void seen.push(e.type === "resize" ? `r${e.cols}x${e.rows}` : e.type);
  await using s = replay(c, { observers: [observer] });
  await s.expect(EOF);
  assert.ok(seen.includes("r100x40"), seen.join());
});

Deno.test("replay: interact plays the cassette to a terminal", async () => {
  const c = cassette([[0, "o", "name? "], [0.1, "i", "bob\n"], [0.2, "o", "hi bob\r\n"]]);
  await using s = replay(c);
  const shown: string[] = [];
  const r = await s.interact({
    terminal: {
      readable: ReadableStream.from([enc.encode("bob\n")]),
      writable: new WritableStream({ write: (b) => void shown.push(new TextDecoder().decode(b)) }),
      isTerminal: false,
    },
  });
  assert.equal(r.reason, "eof");
  assert.equal(shown.join(""), "name? hi bob\r\n");
});

Deno.test("replay: pty cassettes replay sendEof and sendIntr as the pty's bytes", async () => {
  const c = cassette([[0, "o", "$ "], [0.1, "i", "\x03"], [0.2, "i", "\x04"], [0.3, "o", "x"]]);
  await using s = replay(c);
  await s.sendIntr();
  await s.sendEof();
  await s.expect("x");
  const telnet = cassette([[0, "o", "$ "]], {
    transport: { type: "telnet", host: "h", port: 23, options: { us: [], him: [] } },
  });
  await using t = replay(telnet);
  assert.equal(t.lineEnding, "\r\n");
  await t.sendIntr();
  const plain = cassette([], { transport: { type: "session" } });
  await using p = replay(plain);
  await assert.rejects(p.sendIntr(), SessionStateError);
});

Deno.test("replay: closing while output waits for input ends cleanly", async () => {
  const s = replay(LOGIN);
  const pending = s.expect("Password: ", { timeout: null });
  await s.close();
  await assert.rejects(pending, SessionStateError);
});

Deno.test("replay: a long cassette at full speed still lets a deadline fire", async () => {
  // 800 MiB of output, one 8 KiB chunk shared by 100 000 events: ~0.5 s to replay here. It
  // comes from memory, so without a turn of the event loop now and then no timer runs
  // before the end, and expect() fails with EOFError instead.
  const chunk = enc.encode("y\r\n".repeat(2730));
  const flood = cassette(Array.from({ length: 100_000 }, (_, i) => [i / 1000, "o", chunk]));
  await using session = replay(flood, { timeout: 10_000, overflow: "drop-oldest" });
  await assert.rejects(session.expect("never printed", { timeout: 100 }), TimeoutError);
});
