// Copyright the dexpect authors. MIT license.
// The echo of secrets is redacted the same way in logs, observers, recordings and error
// tails, whatever the chunking.
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { Redactor } from "./_redact.ts";
import { redact } from "./_format.ts";
import { Session } from "./session.ts";
import { TimeoutError } from "./errors.ts";
import { chunkings, FakeChannel } from "./_fake_channel.ts";
import type { SessionEvent } from "./observers.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);
/** Bytes as a binary string (one unit per byte), to compare and print. */
const bin = (bytes: Uint8Array) => String.fromCharCode(...bytes);

/** The definition: every byte inside an occurrence is hidden; each hidden run is `***`. */
function reference(data: Uint8Array, secrets: readonly Uint8Array[]): string {
  const text = bin(data);
  const hidden = new Array<boolean>(text.length).fill(false);
  for (const secret of secrets.map(bin)) {
    if (secret.length === 0) continue;
    for (let i = text.indexOf(secret); i >= 0; i = text.indexOf(secret, i + 1)) {
      for (let j = i; j < i + secret.length; j++) hidden[j] = true;
    }
  }
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (!hidden[i]) out += text[i];
    else if (i === 0 || !hidden[i - 1]) out += "***";
  }
  return out;
}

function streamed(chunks: readonly Uint8Array[], secrets: readonly Uint8Array[]): string {
  const r = new Redactor();
  for (const s of secrets) r.add(s);
  return chunks.map((c) => bin(r.push(c))).join("") + bin(r.flush());
}

const CASES: [string, string[]][] = [
  ["login: admin\r\nPassword: hunter2\r\n$ ", ["hunter2"]],
  ["hunter2hunter2 hunte hunter2", ["hunter2"]],
  ["aaaaaaa", ["aaa"]],
  ["abababab", ["abab", "ba"]],
  ["xpw\r\npw\nyy", ["pw", "pw\n"]],
  ["ab bcd abcd", ["ab", "bcd"]],
  ["nothing to see", ["secret"]],
  ["é s€cret é", ["s€cret"]],
];

Deno.test("Redactor: every split in two and three gives the definition's result", () => {
  for (const [text, words] of CASES) {
    const data = utf8(text);
    const secrets = words.map(utf8);
    const want = reference(data, secrets);
    strictEqual(
      redact(text, words),
      new TextDecoder().decode(Uint8Array.from(want, (c) => c.charCodeAt(0))),
    );
    for (let i = 0; i <= data.length; i++) {
      for (let j = i; j <= data.length; j++) {
        const chunks = [data.slice(0, i), data.slice(i, j), data.slice(j)];
        strictEqual(streamed(chunks, secrets), want, `${text} split at ${i}, ${j}`);
      }
    }
    strictEqual(streamed(Array.from(data, (b) => new Uint8Array([b])), secrets), want);
  }
});

Deno.test("Redactor: random texts, secrets and chunkings match the definition", () => {
  let seed = 42;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const word = (max: number) => Uint8Array.from({ length: 1 + random(max) }, () => 97 + random(3));
  for (let round = 0; round < 3000; round++) {
    const secrets = Array.from({ length: 1 + random(3) }, () => word(5));
    const data = word(40);
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < data.length;) {
      const n = 1 + random(8);
      chunks.push(data.slice(at, at + n));
      at += n;
    }
    strictEqual(
      streamed(chunks, secrets),
      reference(data, secrets),
      `${bin(data)} ${secrets.map(bin)}`,
    );
  }
});

Deno.test("Redactor: holds back no more than the longest secret, and only a possible start", () => {
  const r = new Redactor();
  r.add(utf8("hunter2"));
  const push = (text: string) => bin(r.push(utf8(text)));
  strictEqual(push("abc hun"), "abc ");
  strictEqual(push("x"), "hunx");
  strictEqual(push("hunter"), "");
  strictEqual(push("2!"), "***!");
  strictEqual(push("h"), "");
  strictEqual(bin(r.flush()), "h");
  const plain = new Redactor();
  const chunk = utf8("as is");
  strictEqual(plain.push(chunk), chunk);
});

Deno.test("error tails: bytes mode redacts binary strings", () => {
  strictEqual(redact("a\xffpw\x00b", ["\xffpw"], true), "a***\x00b");
});

const OUTPUT = "Password: hunter2\r\n$ ";

/** Runs a session whose peer echoes the password split as `chunks`; returns what each saw. */
async function echoSplit(chunks: Uint8Array[]) {
  const logged: Uint8Array[] = [];
  const events: Uint8Array[] = [];
  const cast: Uint8Array[] = [];
  const ch = new FakeChannel([chunks[0], { input: "hunter2\n" }, ...chunks.slice(1), {
    hold: true,
  }]);
  const s = new Session(ch, {
    logRead: (d) => void logged.push(d),
    observers: [(e: SessionEvent) => void (e.type === "read" && events.push(e.data))],
    record: new WritableStream({ write: (c) => void cast.push(c) }),
  });
  await s.expect("Password: ");
  await s.sendLine("hunter2", { secret: true });
  let tail = "";
  await rejects(s.expect("never", { timeout: 50 }), (e) => {
    tail = (e as TimeoutError).tail;
    return e instanceof TimeoutError;
  });
  await s.close();
  const text = (parts: Uint8Array[]) => parts.map((p) => new TextDecoder().decode(p)).join("");
  const output = text(cast).trimEnd().split("\n").slice(1).map((l) => JSON.parse(l))
    .filter((e) => e[1] === "o").map((e) => e[2]).join("");
  return { log: text(logged), events: text(events), output, tail };
}

Deno.test("the echo of a secret is *** in logRead, observers, recordings and error tails, at every split", async () => {
  const bytes = new TextEncoder().encode(OUTPUT);
  const at = OUTPUT.indexOf("Password: ") + "Password: ".length;
  // The prompt first (the password is sent after it), then the echo split at every offset.
  const echo = bytes.slice(at);
  for (const parts of chunkings(echo)) {
    const seen = await echoSplit([bytes.slice(0, at), ...parts]);
    const want = "Password: ***\r\n$ ";
    deepStrictEqual(seen, { log: want, events: want, output: want, tail: want.slice(-7) });
    ok(!JSON.stringify(seen).includes("hunter"));
  }
});

Deno.test("bytes mode: a secret given as bytes is redacted from read events split in every way", async () => {
  const secret = new Uint8Array([0xff, 0x00, 0x41, 0xfe]);
  const output = new Uint8Array([0x3e, 0x20, ...secret, 0x0a, 0x3e]);
  for (const parts of chunkings(output.subarray(2))) {
    const seen: number[] = [];
    const ch = new FakeChannel([output.subarray(0, 2), { input: "A" }, ...parts]);
    await using s = new Session<Uint8Array>(ch, {
      encoding: null,
      timeout: 5_000,
      logRead: (d) => void seen.push(...d),
    });
    await s.expect(new Uint8Array([0x3e, 0x20]));
    await s.send(secret, { secret: true });
    await s.expect(new Uint8Array([0x0a, 0x3e]));
    deepStrictEqual(seen, [0x3e, 0x20, 0x2a, 0x2a, 0x2a, 0x0a, 0x3e]);
  }
});

Deno.test("an error tail that begins inside the echo of a secret shows none of it", async () => {
  const filler = "y".repeat(508);
  const ch = new FakeChannel(["> ", { input: "hunter2" }, `hunter2${filler}hunter2`, {
    hold: true,
  }]);
  await using s = new Session(ch);
  await s.expect("> ");
  await s.send("hunter2", { secret: true });
  await rejects(s.expect("never", { timeout: 100 }), (e) => {
    strictEqual((e as TimeoutError).tail, `*${filler}***`);
    return e instanceof TimeoutError;
  });
});
