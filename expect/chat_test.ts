import assert from "node:assert/strict";
import { type ChatAlternative, parseChat } from "./chat.ts";
import { ChatError, playChat, runChat } from "./chat_play.ts";
import { stripComment } from "./_chat_lex.ts";
import { EOF, TIMEOUT } from "./patterns.ts";
import { Session } from "./session.ts";
import { TimeoutError } from "./errors.ts";

const one = (pattern: ChatAlternative["pattern"], line: number, capture?: string) =>
  capture === undefined ? { pattern, actions: [], line } : { pattern, capture, actions: [], line };

/** An in-memory echo peer: what is sent comes back. */
function echo(): Session {
  return new Session(
    new TransformStream<Uint8Array, Uint8Array>({}, undefined, { highWaterMark: 64 }),
  );
}

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
    "size 120x40",
    "secret ROUTER_PASSWORD",
    'fail "no way"',
  ].join("\n"));
  assert.deepEqual(steps, [
    { kind: "timeout", ms: 2000, line: 3 },
    { kind: "spawn", command: "sh -c 'echo hi'", line: 4 },
    { kind: "connect", host: "127.0.0.1", port: 2323, line: 5 },
    { kind: "connect", host: "example", port: 23, line: 6 },
    { kind: "expect", alternatives: [one("$ ", 7)], line: 7 },
    { kind: "expect", alternatives: [one(/\d+ files?/m, 8)], line: 8 },
    { kind: "expect", alternatives: [one("login:", 9)], line: 9 },
    { kind: "expect", alternatives: [one("a # b", 10)], line: 10 },
    { kind: "sendline", text: "ls -l", line: 11 },
    { kind: "send", text: "\x03", line: 12 },
    { kind: "send", text: "yes\r", line: 13 },
    { kind: "size", cols: 120, rows: 40, line: 14 },
    { kind: "secret", env: "ROUTER_PASSWORD", line: 15 },
    { kind: "fail", message: "no way", line: 16 },
  ]);
});

Deno.test("parseChat: # is a comment only outside quotes, as a word with a space after", () => {
  const [spawn, router, prompt, regex, apostrophe, hashWord] = parseChat([
    `spawn sh -c 'echo "a #b"' # the shell's quotes`,
    "expect router #",
    "expect router # the prompt",
    "expect /a # b/ # a regex keeps its #",
    "expect don't # an apostrophe is text",
    "expect #tag",
  ].join("\n"));
  assert.deepEqual(spawn, { kind: "spawn", command: `sh -c 'echo "a #b"'`, line: 1 });
  assert.deepEqual(router.kind === "expect" && router.alternatives[0].pattern, "router #");
  assert.deepEqual(prompt.kind === "expect" && prompt.alternatives[0].pattern, "router");
  assert.deepEqual(regex.kind === "expect" && regex.alternatives[0].pattern, /a # b/);
  assert.deepEqual(apostrophe.kind === "expect" && apostrophe.alternatives[0].pattern, "don't");
  assert.deepEqual(hashWord.kind === "expect" && hashWord.alternatives[0].pattern, "#tag");
  // Whatever the text, stripping twice changes nothing more, and never adds characters.
  for (const line of [`a "b # c" # d`, "x # y # z", `'# q' # r`, "/# /# s", '"\\"# t" # u']) {
    const once = stripComment(line);
    assert.equal(stripComment(once), once, line);
    assert.ok(line.startsWith(once), line);
  }
});

Deno.test("parseChat: eof, timeout, captures and blocks of alternatives", () => {
  const steps = parseChat(
    [
      "spawn sh",
      "expect eof",
      'expect "eof"',
      "expect timeout as waited",
      "expect /Version (\\S+)/ as version",
    ].concat([
      "expect {",
      '  "--More--"  send " "; continue   # page',
      "  /(?<host>\\w+)# $/ as prompt",
      '  timeout     fail "no prompt after ${version}"',
      "  eof         sendline bye; secret PW",
      "}",
      'expect "Log in as admin" as who',
      "expect Log in as admin",
    ]).join("\n"),
  );
  const patterns = steps.slice(1).map((s) => s.kind === "expect" ? s.alternatives : s);
  assert.deepEqual(patterns, [
    [one(EOF, 2)],
    [one("eof", 3)],
    [one(TIMEOUT, 4, "waited")],
    [one(/Version (\S+)/, 5, "version")],
    [
      {
        pattern: "--More--",
        actions: [{ kind: "send", text: " " }, { kind: "continue" }],
        line: 7,
      },
      { pattern: /(?<host>\w+)# $/, capture: "prompt", actions: [], line: 8 },
      {
        pattern: TIMEOUT,
        actions: [{ kind: "fail", message: "no prompt after ${version}" }],
        line: 9,
      },
      {
        pattern: EOF,
        actions: [{ kind: "sendline", text: "bye" }, { kind: "secret", env: "PW" }],
        line: 10,
      },
    ],
    [one("Log in as admin", 12, "who")],
    [one("Log in as admin", 13)],
  ]);
});

Deno.test("parseChat names the line of a mistake", () => {
  assert.throws(() => parseChat("spawn cat\nexpekt x"), /line 2 .*unknown step "expekt"/);
  assert.throws(() => parseChat("spawn cat\ntimeout soon"), /line 2 .*milliseconds/);
  assert.throws(() => parseChat('spawn cat\nexpect "open'), /line 2 .*double quote/);
  assert.throws(() => parseChat("connect host 99999"), /line 1 .*HOST \[PORT\]/);
  assert.throws(() => parseChat("sendline hi\nspawn cat"), /line 1 comes before any spawn/);
  assert.throws(() => parseChat("spawn cat\nsend \\q"), /escape/);
  assert.throws(() => parseChat("spawn cat\nexpect {\n x"), /line 2 .*not closed/);
  assert.throws(() => parseChat("spawn cat\nexpect {\n}"), /line 2 .*empty/);
  assert.throws(() => parseChat("spawn cat\nexpect {\n x continue; send y\n}"), /line 3 .*last/);
  assert.throws(() => parseChat("spawn cat\nexpect {\n x jump\n}"), /line 3 .*unknown action/);
  assert.throws(() => parseChat("spawn cat\nsecret $PW"), /line 2 .*environment variable/);
  assert.throws(() => parseChat("spawn cat\nsize 80"), /line 2 .*COLSxROWS/);
  assert.throws(() => parseChat('spawn cat\nexpect "x" y'), /line 2 .*follows/);
  // A dialogue with no spawn or connect is valid: it runs against a given session.
  assert.equal(parseChat("sendline hi\nexpect hi").length, 2);
});

Deno.test("playChat: variables in, captures out, on a session it is given", async () => {
  await using session = echo();
  const outcome = await playChat(
    parseChat([
      'sendline "Version ${v} on ${host}; price $${v}"',
      "expect /Version (\\S+) on (?<where>\\w+)/ as version",
      "expect /price (.*)\\r?\\n/ as price",
    ].join("\n")),
    { session, variables: { v: "1.2", host: "r1" } },
  );
  assert.equal(outcome.ok, true, String(outcome.failed?.error));
  assert.equal(outcome.session, session);
  assert.deepEqual(outcome.variables, {
    v: "1.2",
    host: "r1",
    version: "1.2",
    where: "r1",
    price: "${v}",
  });
});

Deno.test("playChat reports the failing step: timeout, fail, unset variable, secret", async () => {
  await using session = echo();
  const timedOut = await playChat(parseChat("timeout 30\nsendline a\nexpect b"), { session });
  assert.equal(timedOut.ok, false);
  assert.equal(timedOut.failed?.step.line, 3);
  assert.ok(timedOut.failed?.error instanceof TimeoutError);

  const failed = await playChat(
    parseChat('timeout 30\nexpect {\n  x  sendline y\n  timeout  fail "no ${what}"\n}'),
    { session, variables: { what: "prompt" } },
  );
  assert.equal(failed.failed?.step.line, 2);
  assert.ok(failed.failed?.error instanceof ChatError);
  assert.equal(failed.failed?.error.message, "Dialogue failed at line 4: no prompt");

  const unset = await playChat(parseChat("sendline ${nope}"), { session, variables: { a: "1" } });
  assert.match(String(unset.failed?.error), /line 1: \$\{nope\} is not set \(set: a\)/);

  // A missing secret stops the dialogue before its first step runs.
  const sent: string[] = [];
  const secret = await playChat(parseChat("sendline first\nsecret NOPE"), {
    session,
    env: () => undefined,
    onStep: (s) => sent.push(s.kind),
  });
  assert.equal(secret.failed?.step.line, 2);
  assert.match(String(secret.failed?.error), /NOPE of a secret is not set/);
  assert.deepEqual(sent, []);
});

Deno.test("playChat: a secret's value is sent but never observed", async () => {
  const observed: string[] = [];
  await using session = new Session(
    new TransformStream<Uint8Array, Uint8Array>({}, undefined, { highWaterMark: 64 }),
    {
      observers: [
        (e) => void (e.type === "send" && observed.push(new TextDecoder().decode(e.data))),
      ],
    },
  );
  const outcome = await playChat(parseChat("secret PW\nexpect hunter2"), {
    session,
    env: (name) => name === "PW" ? "hunter2" : undefined,
  });
  assert.equal(outcome.ok, true, String(outcome.failed?.error));
  assert.ok(!observed.join("").includes("hunter2"), JSON.stringify(observed));
});

Deno.test("playChat: continue loops, bounded by maxLoops against a peer that never stops", async () => {
  await using session = echo();
  await session.send("!");
  // Every "!" sent comes back: a hostile peer that pages forever.
  const bounded = await playChat(parseChat('timeout 1000\nexpect {\n "!" send "!"; continue\n}'), {
    session,
    maxLoops: 5,
  });
  assert.equal(bounded.failed?.step.line, 2);
  assert.match(String(bounded.failed?.error), /line 2: looped more than 5 times/);
});

Deno.test("runChat plays the steps over the sessions it opens and throws a failure", async () => {
  const opened: string[] = [];
  const seen: number[] = [];
  const session = await runChat(
    parseChat("timeout 500\nconnect a 1\nsendline hello\nexpect hello\nsend x\nexpect x"),
    {
      open: (step) => {
        opened.push(step.kind);
        return echo();
      },
      onStep: (step) => seen.push(step.line),
    },
  );
  assert.deepEqual(opened, ["connect"]);
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6]);
  await session?.close();
  await assert.rejects(
    runChat(parseChat("connect a 1\ntimeout 20\nexpect nothing"), { open: echo }),
    TimeoutError,
  );
});

Deno.test("parseChat: expect screen and settle steps; the player needs screen patterns for them", async () => {
  const steps = parseChat(
    'spawn x\nexpect screen /a+/m\nexpect screen "b c"\nsettle 25\nexpect screen',
  );
  const patterns = steps.slice(1).map((s) => s.kind === "expect" && s.alternatives[0].pattern);
  assert.deepEqual(patterns, [
    { kind: "screen", pattern: /a+/m },
    { kind: "screen", pattern: "b c" },
    { kind: "settle", ms: 25 },
    "screen", // a lone word is the text itself
  ]);
  assert.throws(() => parseChat("spawn x\nsettle soon"), /line 2.*settle takes milliseconds/);
  const peer = () =>
    new Session({ readable: new ReadableStream(), writable: new WritableStream() });
  await assert.rejects(
    runChat(parseChat("spawn x\nsettle 5"), { open: peer }),
    /line 2: screen steps need screen patterns/,
  );
});
