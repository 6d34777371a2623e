// Copyright the dexpect authors. MIT license.
/**
 * Every matching rule gives identical results whether the output arrives whole, byte by
 * byte, or split in two at every offset.
 *
 * Excluded on purpose, as pexpect documents: a match that could still grow with more data
 * (a greedy quantifier or `$` at the end of the buffer), and a later-starting match that
 * completes before an earlier-starting one. The cases below end patterns with delimiters.
 */
import { deepStrictEqual } from "node:assert/strict";
import { Session } from "./session.ts";
import { EOF, type Pattern, type Patterns } from "./patterns.ts";
import { chunkings, FakeChannel } from "./_fake_channel.ts";
import { concatBytes } from "./_codec.ts";

type Step = {
  index: number;
  key: string | undefined;
  before: unknown;
  after: unknown;
  match: unknown;
};

/** Runs `expect(patterns)` until EOF and returns what each call reported. */
async function transcript(
  chunks: Uint8Array[],
  patterns: Patterns,
  options: { bytes?: boolean; order?: "stream" | "list" } = {},
): Promise<Step[]> {
  const channel = new FakeChannel(chunks);
  const steps: Step[] = [];
  if (options.bytes) {
    await using s = new Session<Uint8Array>(channel, { encoding: null, order: options.order });
    while (true) {
      const r = await s.expect([patterns as Pattern, EOF].flat() as Pattern[]);
      steps.push(simplify(r));
      if (r.pattern === EOF) break;
    }
  } else {
    await using s = new Session(channel, { order: options.order });
    while (true) {
      const list = Array.isArray(patterns) ? [...patterns, EOF] : patterns;
      const r = await s.expect(list as Patterns);
      steps.push(simplify(r));
      if (r.pattern === EOF) break;
    }
  }
  return steps;
}

function simplify(
  r: { index: number; key: string | undefined; before: unknown; after: unknown; match: unknown },
): Step {
  const match = Array.isArray(r.match) ? [...r.match, (r.match as RegExpExecArray).index] : r.match;
  const bytes = (v: unknown) => v instanceof Uint8Array ? Array.from(v) : v;
  return {
    index: r.index,
    key: r.key,
    before: bytes(r.before),
    after: bytes(r.after),
    match: bytes(match),
  };
}

async function assertInvariant(
  input: string | Uint8Array,
  patterns: Patterns,
  options = {},
): Promise<void> {
  const all = [...chunkings(input)];
  const expected = await transcript(all[0], patterns, options);
  for (const chunks of all.slice(1)) {
    deepStrictEqual(
      await transcript(chunks, patterns, options),
      expected,
      `chunks: ${JSON.stringify(chunks.map((c) => Array.from(c)))}`,
    );
  }
}

const SHELL =
  "Last login: today\r\nuser@host:~$ ls\r\na.txt  b.txt\r\nuser@host:~$ exit\r\nlogout\r\n";

Deno.test("exact strings", async () => {
  await assertInvariant(SHELL, ["$ ", "\r\n"]);
  await assertInvariant(SHELL, ["host:~$ ", "logout"]);
});

Deno.test("regexes: line-bounded, multi-line, anchored, with lookarounds", async () => {
  await assertInvariant(SHELL, [/\w+@\w+:~\$ /, /\r\n/]);
  await assertInvariant(SHELL, [/^\w+\.txt/m, /logout\r\n/]);
  await assertInvariant(SHELL, [/(?<=\$ )\w+\r\n/, /\r\n\r?\n?/]);
  await assertInvariant(SHELL, [/txt\r\n[\s\S]*?\$ /]);
  await assertInvariant("a1 b22 c333 d4444 e\n", [/\b[a-z](\d+) /]);
});

Deno.test("earliest start wins, ties to the first listed", async () => {
  await assertInvariant("one two three two one\n", ["two", "one", /t\w+e /]);
  await assertInvariant("abcabc\n", ["ab", "abc"]); // same start: the first listed
});

Deno.test("list order (matches that complete together: the first listed wins)", async () => {
  await assertInvariant("one two three two one\n", ["wo", "two", "\n"], { order: "list" });
});

Deno.test("records report keys", async () => {
  await assertInvariant("x=1;y=2;", { assign: /(\w)=(\d);/, done: EOF });
});

Deno.test("multi-byte characters split anywhere decode the same", async () => {
  await assertInvariant("naïve café ☕ 𝄞 done\n", ["☕", /𝄞 (\w+)\n/u, "é"]);
  // An invalid sequence is replaced the same way however it is split.
  await assertInvariant(
    concatBytes(
      new TextEncoder().encode("a"),
      new Uint8Array([0xe2, 0x82, 0x41, 0xff]),
      new TextEncoder().encode("€z"),
    ),
    ["z"],
  );
});

Deno.test("bytes mode", async () => {
  const input = new Uint8Array([0x00, 0xff, 0x1b, 0x5b, 0x41, 0x0d, 0x0a, 0xc3, 0xa9, 0x24, 0x20]);
  await assertInvariant(input, [new Uint8Array([0x1b, 0x5b]), /\r\n/, "é$ "], { bytes: true });
});
