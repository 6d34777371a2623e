// Copyright the dexpect authors. MIT license.
// Slow log and recording targets: bounded memory (backpressure, or reported drops) and a
// close() that ends in bounded time.
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { concatBytes } from "./_codec.ts";
import { Session } from "./session.ts";
import { EOF } from "./patterns.ts";
import { TimeoutError } from "./errors.ts";
import { AsciicastRecorder } from "./asciicast.ts";
import { DRAIN_MS, HIGH_WATER, MAX_BACKLOG, StreamSink } from "./_sink.ts";

const CHUNK = 64 * 1024;

/** A source of `total` bytes in 64 KiB chunks, counting what was pulled. */
function source(total: number): { readable: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const readable = new ReadableStream<Uint8Array>({
    pull(c) {
      if (pulled >= total) return c.close();
      const chunk = new Uint8Array(CHUNK).fill(0x61 + (pulled / CHUNK) % 26);
      pulled += CHUNK;
      c.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
  return { readable, pulled: () => pulled };
}

/** A stream whose writes wait until `release()`; it counts writes and bytes. */
function gatedTarget() {
  let open: (() => void) | undefined;
  let gate = new Promise<void>((r) => open = r);
  const chunks: Uint8Array[] = [];
  const stream = new WritableStream<Uint8Array>({
    async write(c) {
      await gate;
      chunks.push(c);
    },
  });
  return {
    stream,
    chunks,
    release: () => open?.(),
    stick: () => gate = new Promise<void>((r) => open = r),
    bytes: () => chunks.reduce((n, c) => n + c.length, 0),
  };
}

Deno.test("a stalled log stream stops the reading: memory stays bounded, nothing is lost", async () => {
  const total = 32 * 1024 * 1024;
  const src = source(total);
  const log = gatedTarget();
  const s = new Session({ readable: src.readable, writable: new WritableStream() }, {
    maxBuffer: 1024 * 1024,
    overflow: "drop-oldest",
    logRead: log.stream,
  });
  // The log takes nothing: the session reads about HIGH_WATER and then waits.
  await rejects(s.expect(EOF, { timeout: 300 }), TimeoutError);
  ok(src.pulled() <= HIGH_WATER + 2 * CHUNK, `read ${src.pulled()} bytes with the log stalled`);
  log.release();
  await s.expect(EOF, { timeout: 20_000 });
  await s.close();
  strictEqual(log.bytes(), total);
  const all = concatBytes(...log.chunks);
  for (let i = 0; i < total; i += CHUNK) strictEqual(all[i], 0x61 + (i / CHUNK) % 26);
  ok(!log.stream.locked);
  await log.stream.close();
});

Deno.test("a stalled recording stops the reading too", async () => {
  const src = source(16 * 1024 * 1024);
  const cast = gatedTarget();
  const s = new Session({ readable: src.readable, writable: new WritableStream() }, {
    overflow: "drop-oldest",
    maxBuffer: 1024 * 1024,
    record: cast.stream,
  });
  await rejects(s.expect(EOF, { timeout: 300 }), TimeoutError);
  ok(
    src.pulled() <= HIGH_WATER + 2 * CHUNK,
    `read ${src.pulled()} bytes with the recording stalled`,
  );
  cast.release();
  await s.expect(EOF, { timeout: 20_000 });
  await s.close();
  await cast.stream.close();
});

Deno.test("close() gives up on a stream that takes nothing, in bounded time", async () => {
  const log = gatedTarget();
  const s = new Session({ readable: source(4 * CHUNK).readable, writable: new WritableStream() }, {
    logRead: log.stream,
  });
  await s.expect(EOF);
  const started = performance.now();
  let limit: ReturnType<typeof setTimeout> | undefined;
  const closed = await Promise.race([
    s.close().then(() => true),
    new Promise<boolean>((r) => limit = setTimeout(() => r(false), DRAIN_MS + 3_000)),
  ]);
  clearTimeout(limit);
  ok(closed, "close() still waiting for the log");
  ok(performance.now() - started >= DRAIN_MS - 50);
  ok(!log.stream.locked, "the stream is released");
  log.release();
  await log.stream.abort();
});

Deno.test("sends beyond the backlog limit are dropped and the loss is written in the log", async () => {
  const log = gatedTarget();
  const s = new Session({ readable: new ReadableStream(), writable: new WritableStream() }, {
    logSend: log.stream,
  });
  const mib = new Uint8Array(1024 * 1024).fill(0x78);
  for (let i = 0; i < 8; i++) await s.send(mib);
  log.release();
  await s.close();
  const logged = log.bytes();
  ok(logged <= MAX_BACKLOG + 1024 * 1024 + 200, `logged ${logged} bytes`);
  const last = new TextDecoder().decode(log.chunks.at(-1)!.slice(-120));
  const m = last.match(/\[dexpect: (\d+) bytes not logged: the log target was too slow\]\r\n$/);
  ok(m, last);
  const note = last.length - last.lastIndexOf("\r\n[dexpect");
  strictEqual(Number(m[1]) + logged - note, 8 * 1024 * 1024);
  await log.stream.close();
});

Deno.test("StreamSink coalesces writes made while one is in flight", async () => {
  const target = gatedTarget();
  const sink = new StreamSink(target.stream);
  for (let i = 0; i < 1000; i++) sink.write(new Uint8Array([i & 0xff]));
  strictEqual(sink.backlog, 1000);
  strictEqual(sink.ready(), undefined);
  target.release();
  await sink.close();
  strictEqual(target.chunks.length, 2);
  deepStrictEqual(
    target.chunks.flatMap((c) => [...c]),
    Array.from({ length: 1000 }, (_, i) => i & 0xff),
  );
  await target.stream.close();
});

Deno.test("AsciicastRecorder: ready() while its stream lags; a marker event reports drops", async () => {
  const cast = gatedTarget();
  const rec = new AsciicastRecorder(cast.stream, { input: true });
  const big = new Uint8Array(HIGH_WATER).fill(0x62);
  const time = performance.now();
  rec.observe({ type: "read", data: big, time });
  const ready = rec.ready();
  ok(ready instanceof Promise);
  for (let i = 0; i < 8; i++) rec.observe({ type: "send", data: big, time, secret: false });
  cast.release();
  await ready;
  await rec.close();
  const lines = cast.chunks.map((c) => new TextDecoder().decode(c)).join("").trimEnd()
    .split("\n").map((l) => JSON.parse(l));
  const marker = lines.find((e) => e[1] === "m");
  ok(marker, "a marker event");
  ok(/^dexpect: \d+ bytes of events not recorded$/.test(marker[2]));
  await cast.stream.close();
});
