import assert from "node:assert/strict";
import { parseChat, runChat } from "./chat.ts";
import { Session } from "./session.ts";

Deno.test("parseChat reads every step kind, quotes, escapes and comments", () => {
  const steps = parseChat([
    "# a dialogue",
    "",
    "timeout 2000",
    "spawn sh -c 'echo hi'   # start",
    "connect 127.0.0.1 2323",
    "connect example",
    'expect "$ "',
    "expect /\\d+ files?/m",
    "expect login:",
    'expect "a # b" # not part of it',
    "sendline ls -l",
    "send \\x03",
    'send "yes\\r"',
  ].join("\n"));
  assert.deepEqual(steps, [
    { kind: "timeout", ms: 2000, line: 3 },
    { kind: "spawn", command: "sh -c 'echo hi'", line: 4 },
    { kind: "connect", host: "127.0.0.1", port: 2323, line: 5 },
    { kind: "connect", host: "example", port: 23, line: 6 },
    { kind: "expect", pattern: "$ ", line: 7 },
    { kind: "expect", pattern: /\d+ files?/m, line: 8 },
    { kind: "expect", pattern: "login:", line: 9 },
    { kind: "expect", pattern: "a # b", line: 10 },
    { kind: "sendline", text: "ls -l", line: 11 },
    { kind: "send", text: "\x03", line: 12 },
    { kind: "send", text: "yes\r", line: 13 },
  ]);
});

Deno.test("parseChat names the line of a mistake", () => {
  assert.throws(() => parseChat("spawn cat\nexpekt x"), /line 2 .*unknown step "expekt"/);
  assert.throws(() => parseChat("spawn cat\ntimeout soon"), /line 2 .*milliseconds/);
  assert.throws(() => parseChat('spawn cat\nexpect "open'), /line 2 .*double quote/);
  assert.throws(() => parseChat("connect host 99999"), /line 1 .*HOST \[PORT\]/);
  assert.throws(() => parseChat("sendline hi\nspawn cat"), /line 1 comes before any spawn/);
  assert.throws(() => parseChat("spawn cat\nsend \\q"), /escape/);
});

Deno.test("runChat plays the steps over the sessions it opens", async () => {
  const opened: string[] = [];
  const seen: number[] = [];
  const session = await runChat(
    parseChat("timeout 500\nconnect a 1\nsendline hello\nexpect hello\nsend x\nexpect x"),
    {
      open: (step) => {
        opened.push(step.kind);
        // A queue on the readable side, so that writes do not wait for reads.
        return new Session(
          new TransformStream<Uint8Array, Uint8Array>({}, undefined, { highWaterMark: 64 }),
        );
      },
      onStep: (step) => seen.push(step.line),
    },
  );
  assert.deepEqual(opened, ["connect"]);
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6]);
  assert.equal(session?.timeout, 500);
  await session?.close();
});

Deno.test("parseChat: expect screen and settle steps; runChat needs screen patterns for them", async () => {
  const steps = parseChat(
    'spawn x\nexpect screen /a+/m\nexpect screen "b c"\nsettle 25\nexpect screen',
  );
  assert.deepEqual(steps.slice(1), [
    { kind: "expect", pattern: /a+/m, line: 2, screen: true },
    { kind: "expect", pattern: "b c", line: 3, screen: true },
    { kind: "settle", ms: 25, line: 4 },
    { kind: "expect", pattern: "screen", line: 5 }, // a lone word is the text itself
  ]);
  assert.throws(() => parseChat("spawn x\nsettle soon"), /line 2.*settle takes milliseconds/);
  const peer = () =>
    new Session({ readable: new ReadableStream(), writable: new WritableStream() });
  await assert.rejects(
    runChat(parseChat("spawn x\nsettle 5"), { open: peer }),
    /line 2: screen steps need a screen/,
  );
});
