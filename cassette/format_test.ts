// Copyright the dexpect authors. MIT license.
import assert from "node:assert/strict";
import {
  BYTES_MARKER,
  type Cassette,
  CassetteFormatError,
  formatCassette,
  parseCassette,
  SECRET_MARKER,
} from "./format.ts";
import { CassetteRecorder } from "./recorder.ts";
import { concatBytes } from "../expect/_codec.ts";

const enc = new TextEncoder();

function outputOf(c: Cassette): Uint8Array {
  return concatBytes(...c.events.filter((e) => e.code === "o").map((e) => e.data!));
}

/** Records `chunks` as output through a real recorder and file; returns the parsed cassette. */
async function recordChunks(chunks: readonly Uint8Array[]): Promise<Cassette> {
  const dir = await Deno.makeTempDir();
  try {
    const recorder = new CassetteRecorder(`${dir}/t.cast`);
    for (const data of chunks) recorder.observe({ type: "read", data, time: performance.now() });
    await recorder.finish(null);
    return parseCassette(await Deno.readTextFile(`${dir}/t.cast`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("format: plain UTF-8 events stay text; other bytes are marked and byte-exact", () => {
  const bad = Uint8Array.of(0x61, 0xff, 0xfe, 0x62);
  const text = formatCassette({
    cols: 80,
    rows: 24,
    timestamp: 1,
    transport: { type: "session" },
    exitStatus: { code: 0, signal: null },
    events: [
      { time: 0, code: "o", data: enc.encode("héllo\r\n"), text: "" },
      { time: 0.5, code: "o", data: bad, text: "" },
      { time: 1, code: "i", data: null, text: "" },
    ],
  });
  const lines = text.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines[0].dexpect.bytes, BYTES_MARKER);
  assert.deepEqual(lines[1], [0, "o", "héllo\r\n"]);
  assert.ok(lines[2][2].startsWith(BYTES_MARKER));
  assert.ok(lines[2][2].endsWith("a\ufffd\ufffdb"), "players see the lossy text after the APC");
  assert.equal(lines[3][2], SECRET_MARKER);
  const back = parseCassette(text);
  assert.deepEqual(back.events[1].data, bad);
  assert.equal(back.events[2].data, null);
  assert.deepEqual(back.exitStatus, { code: 0, signal: null });
});

Deno.test("format: text that looks like a marker is encoded, so it round-trips", () => {
  const tricky = enc.encode(`${BYTES_MARKER}AAAA\x1b\\x`);
  const text = formatCassette({
    cols: 80,
    rows: 24,
    timestamp: 1,
    transport: { type: "session" },
    exitStatus: null,
    events: [{ time: 0, code: "o", data: tricky, text: "" }],
  });
  assert.deepEqual(parseCassette(text).events[0].data, tricky);
});

Deno.test("format: an asciinema file without the dexpect field reads as plain text", () => {
  const c = parseCassette(
    `{"version":2,"width":100,"height":30}\n[0.1,"o","${
      BYTES_MARKER.replace("\x1b", "\\u001b")
    }x"]\n[0.2,"x","?"]\n`,
  );
  assert.equal(c.cols, 100);
  assert.equal(c.transport.type, "session");
  assert.equal(c.events.length, 1, "unknown codes are skipped");
  assert.equal(new TextDecoder().decode(c.events[0].data!), `${BYTES_MARKER}x`);
});

Deno.test("format: errors name the line", () => {
  assert.throws(() => parseCassette('{"version":1}'), /line 1: expected an asciicast v2 header/);
  assert.throws(
    () => parseCassette('{"version":2}\n[0,"o"]\n', "x.cast"),
    (e: unknown) => e instanceof CassetteFormatError && e.line === 2 && /x\.cast/.test(e.message),
  );
  assert.throws(() => parseCassette('{"version":2}\n{oops\n'), /line 2: not JSON/);
});

Deno.test("recorder: a stream split at every offset replays byte-exact", async () => {
  // UTF-8 text with multi-byte characters, then invalid bytes, then text again.
  const stream = concatBytes(
    enc.encode("€uro ✓ 𝄞 "),
    Uint8Array.of(0xff, 0xc3),
    enc.encode("é ok"),
  );
  for (let a = 0; a <= stream.length; a++) {
    const c = await recordChunks([stream.subarray(0, a), stream.subarray(a)]);
    assert.deepEqual(outputOf(c), stream, `split at ${a}`);
  }
  const single = await recordChunks([...stream].map((b) => Uint8Array.of(b)));
  assert.deepEqual(outputOf(single), stream, "byte by byte");
  const text = await recordChunks([enc.encode("€uro "), enc.encode("✓")]);
  assert.ok(text.events.every((e) => !e.text.startsWith(BYTES_MARKER)), "valid text is plain");
});

Deno.test("recorder: random byte streams in random chunks replay byte-exact", async () => {
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let round = 0; round < 50; round++) {
    const stream = Uint8Array.from({ length: rand(200) }, () =>
      // Mostly text with multi-byte sequences, sometimes any byte.
      rand(4) === 0 ? rand(256) : [0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0x0a][rand(7)]);
    const chunks: Uint8Array[] = [];
    for (let o = 0; o < stream.length;) {
      const n = 1 + rand(9);
      chunks.push(stream.subarray(o, o + n));
      o += n;
    }
    assert.deepEqual(outputOf(await recordChunks(chunks)), stream, `round ${round}`);
  }
});

Deno.test("recorder: secrets are stored as the placeholder, never the data", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const recorder = new CassetteRecorder(`${dir}/s.cast`, { cols: 90, rows: 20 });
    const t = performance.now();
    recorder.observe({ type: "send", data: enc.encode("user\n"), time: t, secret: false });
    recorder.observe({ type: "send", data: enc.encode("***"), time: t, secret: true });
    recorder.observe({ type: "resize", cols: 100, rows: 40, time: t });
    await recorder.finish({ code: null, signal: 1 });
    const text = await Deno.readTextFile(`${dir}/s.cast`);
    assert.doesNotMatch(text, /\*\*\*/);
    const c = parseCassette(text);
    assert.deepEqual(c.events.map((e) => [e.code, e.text]), [
      ["i", "user\n"],
      ["i", SECRET_MARKER],
      ["r", "100x40"],
    ]);
    assert.equal(c.cols, 90);
    assert.deepEqual(c.exitStatus, { code: null, signal: 1 });
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["s.cast"], "no leftovers");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("recorder: abort leaves no file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const recorder = new CassetteRecorder(`${dir}/a.cast`);
    recorder.observe({ type: "read", data: new Uint8Array(300_000), time: performance.now() });
    await recorder.abort();
    await recorder.finish(null);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("recorder: a secret the peer echoes is recorded as ***, at every split", async () => {
  // Adjacent occurrences are one run of hidden bytes: one ***, as in the session's logs.
  const stream = enc.encode("Password: hunter2\r\nhunter hunter2hunter2 ok");
  const expected = "Password: ***\r\nhunter *** ok";
  for (let a = 0; a <= stream.length; a++) {
    const dir = await Deno.makeTempDir();
    try {
      const recorder = new CassetteRecorder(`${dir}/e.cast`);
      recorder.addSecret("hunter2\n");
      const t = performance.now();
      recorder.observe({ type: "read", data: stream.subarray(0, a), time: t });
      recorder.observe({ type: "read", data: stream.subarray(a), time: t });
      await recorder.finish(null);
      const text = await Deno.readTextFile(`${dir}/e.cast`);
      assert.doesNotMatch(text, /hunter2/, `split at ${a}`);
      assert.equal(new TextDecoder().decode(outputOf(parseCassette(text))), expected);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

Deno.test("parse: mangled files are a CassetteFormatError or parse, never anything else", () => {
  const good = formatCassette({
    cols: 80,
    rows: 24,
    timestamp: 1,
    transport: { type: "pty", command: ["sh"], cols: 80, rows: 24 },
    exitStatus: { code: 0, signal: null },
    events: [
      { time: 0, code: "o", data: Uint8Array.of(0x24, 0xff, 0x20), text: "" },
      { time: 0.1, code: "i", data: null, text: "" },
      { time: 0.2, code: "r", data: null, text: "100x40" },
    ],
  });
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const alphabet = '[]{}",:0.1-oir\\ue\n\x1b_';
  for (let round = 0; round < 2_000; round++) {
    const chars = [...good];
    for (let k = 1 + rand(4); k > 0; k--) {
      const at = rand(chars.length);
      const op = rand(3);
      if (op === 0) chars.splice(at, 1);
      else if (op === 1) chars.splice(at, 0, alphabet[rand(alphabet.length)]);
      else chars[at] = alphabet[rand(alphabet.length)];
    }
    try {
      const c = parseCassette(chars.join(""));
      for (const e of c.events) assert.ok(["o", "i", "r", "m"].includes(e.code));
    } catch (error) {
      assert.ok(error instanceof CassetteFormatError, `round ${round}: ${error}`);
    }
  }
});
