// Copyright the dexpect authors. MIT license.
/**
 * Engine cost over a synthetic `seq 1 1000000` stream (CRLF line endings as on a pty),
 * generated in memory and delivered on demand in 4 KiB chunks, and round trips through an
 * in-memory echo peer. Ratios are against the baseline of each group (run `deno bench
 * expect/`).
 */

import { type Channel, EOF, Session } from "./mod.ts";
import { pullChannel, seqChunks } from "./_fake_channel.ts";

const CHUNKS = seqChunks(1_000_000);
const seqChannel = () => pullChannel(CHUNKS);

Deno.bench("drain with expect(EOF)", { group: "seq", baseline: true }, async () => {
  await using s = new Session(seqChannel());
  await s.expect(EOF);
});

Deno.bench('expect("1000000\\r\\n")', { group: "seq" }, async () => {
  await using s = new Session(seqChannel());
  await s.expect("1000000\r\n");
});

Deno.bench("expect(/^1000000\\r?$/m)", { group: "seq" }, async () => {
  await using s = new Session(seqChannel());
  await s.expect(/^1000000\r?$/m);
});

Deno.bench("chunks() (reference)", { group: "seq" }, async () => {
  await using s = new Session(seqChannel());
  for await (const _ of s.chunks()) { /* drain */ }
});

Deno.bench("raw reader, no session (reference)", { group: "seq" }, async () => {
  const reader = seqChannel().readable.getReader();
  while (!(await reader.read()).done) { /* drain */ }
});

/** An in-memory `cat`: every write comes back on the readable. */
function echoChannel(): {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array>;
} {
  return new TransformStream<Uint8Array, Uint8Array>({}, undefined, { highWaterMark: 64 });
}

const ROUND_TRIPS = 1000;

Deno.bench(
  "raw streams: write + read",
  { group: "round trip", baseline: true, n: 20 },
  async () => {
    const { readable, writable } = echoChannel();
    const writer = writable.getWriter();
    const reader = readable.getReader();
    const line = new TextEncoder().encode("hello\n");
    for (let i = 0; i < ROUND_TRIPS; i++) {
      await writer.write(line);
      await reader.read();
    }
    await writer.close();
    reader.releaseLock();
  },
);

Deno.bench(`sendLine + 2 expects x ${ROUND_TRIPS}`, { group: "round trip", n: 20 }, async () => {
  await using s = new Session(echoChannel());
  for (let i = 0; i < ROUND_TRIPS; i++) {
    await s.sendLine(`hello ${i}`);
    await s.expect("hello");
    await s.expect("\n");
  }
});

/** The same in-memory `cat`, offering the synchronous fast paths as a pty does. */
function fastEchoChannel(): Channel {
  const queue: Uint8Array[] = [];
  const { readable, writable } = echoChannel();
  return {
    readable,
    writable,
    readNow: () => queue.shift(),
    writeNow: (bytes) => {
      queue.push(bytes.slice());
      return bytes.length;
    },
  };
}

Deno.bench(
  `sendLine + 2 expects x ${ROUND_TRIPS}, channel with readNow/writeNow`,
  { group: "round trip", n: 20 },
  async () => {
    await using s = new Session(fastEchoChannel());
    for (let i = 0; i < ROUND_TRIPS; i++) {
      await s.sendLine(`hello ${i}`);
      await s.expect("hello");
      await s.expect("\n");
    }
  },
);
