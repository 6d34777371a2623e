// Copyright the dexpect authors. MIT license.
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { Session } from "./session.ts";
import { SessionStateError, TimeoutError } from "./errors.ts";
import { FakeChannel } from "./_fake_channel.ts";
import type { SessionEvent } from "./observers.ts";

Deno.test("send() writes text as UTF-8 and bytes as is; sendLine() appends lineEnding", async () => {
  const ch = new FakeChannel([]);
  await using s = new Session(ch, { lineEnding: "\r\n" });
  await s.send("é");
  await s.send(new Uint8Array([0xff]));
  await s.sendLine("ls");
  await s.sendLine(new Uint8Array([0x41]));
  s.lineEnding = "\n";
  await s.sendLine();
  deepStrictEqual(ch.written.map((c) => Array.from(c)), [
    [0xc3, 0xa9],
    [0xff],
    [0x6c, 0x73, 0x0d, 0x0a],
    [0x41, 0x0d, 0x0a],
    [0x0a],
  ]);
});

Deno.test("sendControl() maps letters and punctuation; rejects the rest", async () => {
  const ch = new FakeChannel([]);
  await using s = new Session(ch);
  for (const c of ["c", "C", "d", "[", "]", "@", "?", "\\", "^", "_"]) await s.sendControl(c);
  deepStrictEqual(ch.written.map((c) => c[0]), [3, 3, 4, 27, 29, 0, 127, 28, 30, 31]);
  await rejects(s.sendControl("1"), RangeError);
  await rejects(s.sendControl("ab"), RangeError);
});

Deno.test("charDelay sends one character at a time, code points intact", async () => {
  const ch = new FakeChannel([]);
  await using s = new Session(ch, { charDelay: 2 });
  const t = performance.now();
  await s.send("a😀b");
  ok(performance.now() - t >= 3);
  deepStrictEqual(ch.written.map((c) => new TextDecoder().decode(c)), ["a", "😀", "b"]);
  await s.send("xy", { charDelay: 0 });
  strictEqual(ch.written.length, 4);
  const c = new AbortController();
  const p = s.send("12345", { charDelay: 50, signal: c.signal });
  setTimeout(() => c.abort(new Error("enough")), 10);
  await rejects(p, { message: "enough" });
});

Deno.test("secrets are *** in send observers and logs, and in error tails", async () => {
  const ch = new FakeChannel([{ input: "\n" }, "Password: hunter2\r\nbad", { hold: true }]);
  const events: SessionEvent[] = [];
  const logged: string[] = [];
  await using s = new Session(ch, {
    timeout: 30,
    observers: [(e) => events.push(e)],
    logSend: (d) => logged.push(new TextDecoder().decode(d)),
  });
  await s.sendLine("hunter2", { secret: true });
  strictEqual(ch.input, "hunter2\n"); // the peer gets the real data
  deepStrictEqual(logged, ["***"]);
  const sent = events.find((e) => e.type === "send");
  ok(sent?.type === "send" && sent.secret);
  await rejects(s.expect("$ "), (e: unknown) => {
    ok(e instanceof TimeoutError);
    strictEqual(e.tail, "Password: ***\r\nbad");
    ok(!e.message.includes("hunter2"), e.message);
    return true;
  });
});

Deno.test("sendEof() closes the writable; later sends fail clearly", async () => {
  const ch = new FakeChannel(["x"]);
  await using s = new Session(ch);
  await s.sendEof();
  strictEqual(ch.inputEnd, "close");
  await rejects(
    s.send("y"),
    (e: unknown) => e instanceof SessionStateError && /sendEof/.test(e.message),
  );
  strictEqual((await s.expect("x")).after, "x"); // reading still works
});

Deno.test("sendIntr() has no default: a clear 'unsupported' error", async () => {
  await using s = new Session(new FakeChannel([]));
  await rejects(
    s.sendIntr(),
    (e: unknown) => e instanceof SessionStateError && e.reason === "unsupported",
  );
});

Deno.test("close() does not wait for a stuck send; it aborts the writable", async () => {
  let finish!: () => void;
  let aborted = false;
  const writable = new WritableStream<Uint8Array>({
    write: () => new Promise<void>((resolve) => finish = resolve),
    abort: () => void (aborted = true),
  });
  const s = new Session({ readable: new ReadableStream(), writable });
  const p = s.send("stuck");
  await s.close(); // returns although the write is still in flight
  finish(); // the transport completes the write; only then can the stream abort
  await p.catch(() => {});
  await new Promise((r) => setTimeout(r, 0));
  ok(aborted);
});

Deno.test("close() releases streams it never used", async () => {
  const ch = new FakeChannel(["unread"]);
  const s = new Session(ch);
  await s.close();
  ok(ch.cancelled);
  strictEqual(ch.inputEnd, "close");
  strictEqual(ch.pulls, 0);
});
