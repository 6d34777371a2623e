// Copyright the dexpect authors. MIT license.
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { Session } from "./session.ts";
import { AsciicastRecorder } from "./asciicast.ts";
import { EOF } from "./patterns.ts";
import { FakeChannel } from "./_fake_channel.ts";
import type { SessionEvent } from "./observers.ts";

function collector(): { stream: WritableStream<Uint8Array>; text: () => string } {
  const chunks: Uint8Array[] = [];
  const stream = new WritableStream<Uint8Array>({ write: (c) => void chunks.push(c) });
  return { stream, text: () => chunks.map((c) => new TextDecoder().decode(c)).join("") };
}

Deno.test("logRead/logSend accept callbacks and streams; streams are released, not closed", async () => {
  const read: string[] = [];
  const sent = collector();
  const ch = new FakeChannel(["hello ", "world"]);
  const s = new Session(ch, {
    logRead: (d) => read.push(new TextDecoder().decode(d)),
    logSend: sent.stream,
  });
  await s.send("cmd\n");
  await s.expect(EOF);
  await s.close();
  deepStrictEqual(read, ["hello ", "world"]);
  strictEqual(sent.text(), "cmd\n");
  ok(!sent.stream.locked);
  await sent.stream.close(); // still open: the owner closes it
});

Deno.test("observe() adds and removes an observer; a throwing observer is ignored", async () => {
  await using s = new Session(new FakeChannel(["abc"]), {
    observers: [() => {
      throw new Error("observer bug");
    }],
  });
  const events: SessionEvent["type"][] = [];
  {
    using _ = s.observe((e) => events.push(e.type));
    await s.send("x");
    await s.expect("abc");
  }
  await s.send("y");
  deepStrictEqual(events, ["send", "read"]);
});

Deno.test("record writes asciicast v2: header, o and i events with increasing times", async () => {
  const cast = collector();
  const ch = new FakeChannel(
    ["$ ", { input: "\n" }, "caf\xc3", "\xa9\r\n$ "].map((x) =>
      typeof x === "string" ? Uint8Array.from(x, (c) => c.charCodeAt(0)) : x
    ),
  );
  const s = new Session(ch, { record: cast.stream, recordInput: true, cols: 100, rows: 30 });
  await s.expect("$ ");
  await s.sendLine("pw", { secret: true });
  await s.expect("$ ");
  await s.close();
  const lines = cast.text().trimEnd().split("\n").map((l) => JSON.parse(l));
  const [header, ...events] = lines;
  strictEqual(header.version, 2);
  strictEqual(header.width, 100);
  strictEqual(header.height, 30);
  ok(Number.isInteger(header.timestamp));
  deepStrictEqual(events.map((e) => [e[1], e[2]]), [
    ["o", "$ "],
    ["i", "***"],
    ["o", "caf"],
    ["o", "é\r\n$ "],
  ]);
  for (let i = 1; i < events.length; i++) ok(events[i][0] >= events[i - 1][0]);
  await cast.stream.close();
});

Deno.test("AsciicastRecorder records resizes and can leave input out", async () => {
  const cast = collector();
  const rec = new AsciicastRecorder(cast.stream, {
    input: false,
    title: "t",
    env: { TERM: "xterm" },
  });
  const time = performance.now();
  rec.observe({ type: "send", data: new Uint8Array([0x61]), time, secret: false });
  rec.observe({ type: "resize", cols: 120, rows: 40, time });
  await rec.close();
  await rec.close();
  const lines = cast.text().trimEnd().split("\n").map((l) => JSON.parse(l));
  strictEqual(lines[0].title, "t");
  deepStrictEqual(lines[0].env, { TERM: "xterm" });
  deepStrictEqual(lines.slice(1).map((e) => [e[1], e[2]]), [["r", "120x40"]]);
  await cast.stream.close();
});

Deno.test("AsciicastRecorder leaves input out by default, and always while the echo is off", async () => {
  const time = performance.now();
  const send = (text: string, echo?: boolean) => ({
    type: "send" as const,
    data: new TextEncoder().encode(text),
    time,
    secret: false,
    echo,
  });
  const plain = collector();
  const byDefault = new AsciicastRecorder(plain.stream);
  byDefault.observe(send("typed"));
  await byDefault.close();
  strictEqual(plain.text().trimEnd().split("\n").length, 1); // the header only
  const cast = collector();
  const rec = new AsciicastRecorder(cast.stream, { input: true });
  rec.observe(send("user\r", true));
  rec.observe(send("hunter2\r", false));
  rec.observe(send("ls\r"));
  await rec.close();
  const events = cast.text().trimEnd().split("\n").slice(1).map((l) => JSON.parse(l));
  deepStrictEqual(events.map((e) => [e[1], e[2]]), [["i", "user\r"], ["i", "ls\r"]]);
  await plain.stream.close();
  await cast.stream.close();
});
