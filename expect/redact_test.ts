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

/** The definition: every unit inside an occurrence is hidden; each hidden run is `***`. */
function reference(text: string, secrets: readonly string[]): string {
  const hidden = new Array<boolean>(text.length).fill(false);
  for (const s of secrets) {
    if (s.length === 0) continue;
    for (let i = text.indexOf(s); i >= 0; i = text.indexOf(s, i + 1)) {
      for (let j = i; j < i + s.length; j++) hidden[j] = true;
    }
  }
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (!hidden[i]) out += text[i];
    else if (i === 0 || !hidden[i - 1]) out += "***";
  }
  return out;
}

function streamed(chunks: readonly string[], secrets: readonly string[]): string {
  const r = new Redactor();
  for (const s of secrets) r.add(s);
  return chunks.map((c) => r.push(c)).join("") + r.flush();
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
  for (const [text, secrets] of CASES) {
    const want = reference(text, secrets);
    strictEqual(redact(text, secrets), want);
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j++) {
        const chunks = [text.slice(0, i), text.slice(i, j), text.slice(j)];
        strictEqual(streamed(chunks, secrets), want, `${JSON.stringify(chunks)} ${secrets}`);
      }
    }
    strictEqual(streamed(Array.from(text), secrets), want);
  }
});

Deno.test("Redactor: random texts, secrets and chunkings match the definition", () => {
  let seed = 42;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const word = (max: number) =>
    Array.from({ length: 1 + random(max) }, () => "abc"[random(3)]).join("");
  for (let round = 0; round < 3000; round++) {
    const secrets = Array.from({ length: 1 + random(3) }, () => word(5));
    const text = word(40);
    const chunks: string[] = [];
    for (let at = 0; at < text.length;) {
      const n = 1 + random(8);
      chunks.push(text.slice(at, at + n));
      at += n;
    }
    strictEqual(streamed(chunks, secrets), reference(text, secrets), `${text} ${secrets}`);
  }
});

Deno.test("Redactor: holds back no more than the longest secret, and only a possible start", () => {
  const r = new Redactor();
  r.add("hunter2");
  strictEqual(r.push("abc hun"), "abc ");
  strictEqual(r.push("x"), "hunx");
  strictEqual(r.push("hunter"), "");
  strictEqual(r.push("2!"), "***!");
  strictEqual(r.push("h"), "");
  strictEqual(r.flush(), "h");
  const plain = new Redactor();
  strictEqual(plain.push("as is"), "as is");
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
