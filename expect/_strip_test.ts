// Copyright the dexpect authors. MIT license.
import { strictEqual } from "node:assert/strict";
import { AnsiStripper } from "./_strip.ts";
import { Session } from "./session.ts";
import { EOF } from "./patterns.ts";
import { chunkings, FakeChannel } from "./_fake_channel.ts";

const strip = (...chunks: string[]) => {
  const s = new AnsiStripper();
  return chunks.map((c) => s.push(c)).join("");
};

// Input and what is left of it: colours, cursor moves, bracketed paste, titles (BEL and ST),
// DCS, charset designations, SO/SI, keypad modes, C0 kept inside a CSI.
const CASES: [string, string][] = [
  ["\x1b[01;32muser@host\x1b[00m:\x1b[01;34m~\x1b[00m$ ", "user@host:~$ "],
  ["\x1b[?2004hls\r\n\x1b[?2004l\r", "ls\r\n\r"],
  ["\x1b]0;title\x07a\x1b]2;t2\x1b\\b", "ab"],
  ["\x1bP1$r0m\x1b\\x", "x"],
  ["\x1b(B\x1b)0\x0eq\x0fend", "qend"],
  ["\x1b=\x1b>\x1b7\x1b8\x1bMz", "z"],
  ["\x1b[1\n2mA", "\nA"],
  ["Tasks: \x1b[1m 39 \x1b[m\x1b[39;49mtotal", "Tasks:  39 total"],
  ["\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"],
  ["no escapes at all", "no escapes at all"],
  ["\x1b\x1b[31mr", "r"],
  ["\x1b]0;abort\x1b[32mg", "g"],
  ["é\x1b[1mü", "éü"],
];

Deno.test("stripAnsi removes CSI, OSC, DCS, charset and other escape sequences", () => {
  for (const [input, expected] of CASES) strictEqual(strip(input), expected, JSON.stringify(input));
});

Deno.test("stripAnsi gives the same text at every split, byte by byte and in three", () => {
  for (const [input, expected] of CASES) {
    for (let i = 0; i <= input.length; i++) {
      strictEqual(
        strip(input.slice(0, i), input.slice(i)),
        expected,
        `${JSON.stringify(input)} @${i}`,
      );
      for (let j = i; j <= input.length; j++) {
        strictEqual(strip(input.slice(0, i), input.slice(i, j), input.slice(j)), expected);
      }
    }
    strictEqual(strip(...input), expected);
  }
});

Deno.test("stripAnsi is chunk-invariant on random input (property)", () => {
  const alphabet = [
    "\x1b",
    "[",
    "]",
    "P",
    "\\",
    "\x07",
    "(",
    "B",
    "0",
    ";",
    "m",
    "a",
    "\n",
    "\x0e",
    "?",
    "1",
  ];
  let seed = 42;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
  for (let t = 0; t < 500; t++) {
    let input = "";
    for (let i = random(40); i > 0; i--) input += alphabet[random(alphabet.length)];
    const whole = strip(input);
    for (let i = 0; i <= input.length; i++) {
      strictEqual(strip(input.slice(0, i), input.slice(i)), whole, JSON.stringify(input));
    }
    strictEqual(strip(...input), whole);
  }
});

Deno.test("stripAnsi stops swallowing an unterminated string after 64 KiB", () => {
  const s = new AnsiStripper();
  strictEqual(s.push("\x1b]0;" + "x".repeat(70_000) + "visible").endsWith("visible"), true);
  strictEqual(s.pending, false);
});

Deno.test("the stripAnsi option: patterns, before/after and lines() see plain text at every split", async () => {
  const output =
    "\x1b[?2004h\x1b[1mTasks:\x1b[m \x1b[1m39\x1b[m total\r\n\x1b]0;t\x07$ \x1b[?2004l";
  for (const chunks of chunkings(output)) {
    await using s = new Session(new FakeChannel(chunks), { stripAnsi: true });
    const r = await s.expect(/Tasks: (\d+) /);
    strictEqual(r.match[1], "39");
    strictEqual(r.before, "");
    const lines = await Array.fromAsync(s.lines());
    strictEqual(JSON.stringify(lines), JSON.stringify(["total", "$ "]));
  }
  // Without the option the colour code's "39" is what a stream regex finds first.
  await using raw = new Session(new FakeChannel(["Tasks: \x1b[39m 12 total"]));
  strictEqual((await raw.expect(/(\d+)/)).match[1], "39");
  await raw.expect(EOF);
});
