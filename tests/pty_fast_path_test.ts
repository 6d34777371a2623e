// PtyProcess.readNow/writeNow, the synchronous paths sessions use for short round trips.
import assert from "node:assert/strict";
import { spawnProcess } from "../pty/spawn.ts";
import type { PtyProcess } from "../pty/process.ts";
import "./_pty_helpers.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/**
 * Bounds a test in time: past `ms`, `child` is killed, which ends a pending read of its
 * readable with EOF (the test then fails with what it got). Dispose of it to disarm.
 */
function watchdog(child: PtyProcess, ms = 10_000): Disposable {
  const timer = setTimeout(() => void child.close({ force: true }), ms);
  return { [Symbol.dispose]: () => clearTimeout(timer) };
}

/** Reads, at once when possible and else through `reader`, until `text` ends with `want`. */
async function readUntil(
  child: PtyProcess,
  reader: ReadableStreamDefaultReader<Uint8Array>,
  want: string,
  text = "",
): Promise<{ text: string; now: number }> {
  const deadline = Date.now() + 5_000;
  let now = 0;
  while (!text.endsWith(want)) {
    if (Date.now() > deadline) throw new Error(`no ${JSON.stringify(want)} in ${text}`);
    const chunk = child.readNow();
    if (chunk !== undefined) {
      now++;
      text += dec(chunk);
      continue;
    }
    const r = await reader.read();
    if (r.done) throw new Error(`EOF before ${JSON.stringify(want)}: ${text}`);
    text += dec(r.value);
  }
  return { text, now };
}

Deno.test("writeNow types at once; readNow and readable share the output, in order", async () => {
  await using child = spawnProcess("cat");
  using _bound = watchdog(child);
  const reader = child.readable.getReader();
  let all = "";
  let now = 0;
  for (let i = 0; i < 20; i++) {
    const line = enc(`line ${i}\n`);
    assert.equal(child.writeNow(line), line.length);
    const r = await readUntil(child, reader, `line ${i}\r\nline ${i}\r\n`, all);
    all = r.text;
    now += r.now;
  }
  const want = Array.from({ length: 20 }, (_, i) => `line ${i}\r\nline ${i}\r\n`).join("");
  assert.equal(all, want);
  assert.ok(now > 0, "some output was read at once");
  reader.releaseLock();
});

Deno.test("readNow reads at once right after a read of readable has ended", async () => {
  await using child = spawnProcess("cat");
  const reader = child.readable.getReader();
  // Reads that went on for 5 ms without the event loop running are left to readable, which
  // lets the loop run first: the first readNow below declines, and readable reads a chunk that
  // is there at once. readNow must work again as soon as that read has resolved; it used to
  // decline while the pull was still unwinding, so every chunk went through readable. The loop
  // is readUntil's, inline: the decline showed only while one async call kept reading (a call
  // per round lets the pull unwind between rounds).
  using _bound = watchdog(child);
  const start = performance.now();
  while (performance.now() - start < 6) { /* past the 5 ms pacing */ }
  let now = 0;
  let streamed = 0;
  for (let i = 0; i < 100; i++) {
    assert.equal(child.writeNow(enc(`line ${i}\n`)), `line ${i}\n`.length);
    const want = `line ${i}\r\nline ${i}\r\n`;
    let text = "";
    while (!text.endsWith(want)) {
      const chunk = child.readNow();
      if (chunk !== undefined) {
        now++;
        text += dec(chunk);
        continue;
      }
      const r = await reader.read();
      if (r.done) throw new Error(`EOF before ${JSON.stringify(want)}: ${text}`);
      streamed++;
      text += dec(r.value);
    }
  }
  assert.ok(now > streamed, `${now} chunks read at once, ${streamed} through readable`);
  reader.releaseLock();
});

Deno.test("a read of readable that waits gets the output; nothing works at once after close", async () => {
  await using child = spawnProcess("cat");
  using _bound = watchdog(child);
  const reader = child.readable.getReader();
  assert.equal(child.writeNow(enc("a\n")), 2);
  await readUntil(child, reader, "a\r\na\r\n");
  const pending = reader.read(); // cat is silent: this read waits for the poller
  assert.equal(child.writeNow(enc("b\n")), 2);
  const first = await pending;
  assert.ok(!first.done);
  assert.ok(dec(first.value).startsWith("b"));
  await readUntil(child, reader, "b\r\nb\r\n", dec(first.value));
  reader.releaseLock();
  await child.close();
  assert.equal(child.readNow(), undefined);
  assert.equal(child.writeNow(enc("c")), 0);
});
