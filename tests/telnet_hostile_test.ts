// Hostile peers: the client ends with EOF or a clear error, in bounded time and memory.
import assert from "node:assert/strict";
import { BufferOverflowError } from "../expect/errors.ts";
import { EOF } from "../expect/patterns.ts";
import { TelnetCommand, TelnetOption } from "../telnet/constants.ts";
import { TelnetError } from "../telnet/errors.ts";
import type { TelnetErrorEvent, TelnetEvent } from "../telnet/events.ts";
import { Telnet } from "../telnet/client.ts";
import { bytes, readBytes, scriptedPeer, writeAll } from "./_telnet_helpers.ts";

const { IAC, SB, SE, DO, WONT } = TelnetCommand;
const { TTYPE } = TelnetOption;
const MiB = 1024 * 1024;

function errorsOf(events: readonly TelnetEvent[]): TelnetErrorEvent[] {
  return events.filter((e): e is TelnetErrorEvent => e.type === "error");
}

Deno.test("a peer that closes mid-IAC: the data, then EOF; the cut is reported", async () => {
  await using peer = scriptedPeer(async (conn) => {
    await writeAll(conn, bytes("hello", IAC));
  });
  await using tn = await Telnet.connect("127.0.0.1", peer.port, { timeout: 5_000 });
  const events: TelnetEvent[] = [];
  using _ = tn.observeTelnet((e) => void events.push(e));
  const end = await tn.expect(EOF);
  assert.equal(end.before, "hello");
  assert.deepEqual(errorsOf(events).map((e) => e.code), ["truncated"]);
});

Deno.test("a peer that closes mid-SB and mid-negotiation: EOF, no hang", async () => {
  for (const tail of [bytes(IAC, SB, TTYPE, 1, 2, 3), bytes(IAC, SB), bytes(IAC, DO)]) {
    await using peer = scriptedPeer(async (conn) => {
      await writeAll(conn, bytes("data", ...tail));
    });
    await using tn = await Telnet.connect("127.0.0.1", peer.port, { timeout: 5_000 });
    const events: TelnetEvent[] = [];
    using _ = tn.observeTelnet((e) => void events.push(e));
    assert.equal(await tn.readAll(), "data");
    assert.deepEqual(errorsOf(events).map((e) => e.code), ["truncated"]);
  }
});

Deno.test("an endless SB is discarded past the limit; memory stays bounded", async () => {
  const junk = new Uint8Array(MiB).fill(0x78);
  await using peer = scriptedPeer(async (conn) => {
    await writeAll(conn, bytes("before", IAC, SB, TTYPE));
    for (let i = 0; i < 16; i++) await writeAll(conn, junk); // 16 MiB inside one SB
    await writeAll(conn, bytes(IAC, SE, "after"));
    for (let i = 0; i < 16; i++) await writeAll(conn, junk.subarray(0, 1024)); // data again
    await writeAll(conn, bytes(IAC, SB, TTYPE));
    for (let i = 0; i < 8; i++) await writeAll(conn, junk); // and one that never ends
  });
  await using tn = await Telnet.connect("127.0.0.1", peer.port, {
    timeout: 10_000,
    maxSubnegotiationBytes: 4096,
  });
  const events: TelnetEvent[] = [];
  using _ = tn.observeTelnet((e) => void events.push(e));
  assert.equal((await tn.expect("after")).before, "before");
  const end = await tn.expect(EOF);
  assert.equal(end.before, "x".repeat(16 * 1024));
  assert.deepEqual(errorsOf(events).map((e) => e.code), ["overflow", "overflow", "truncated"]);
  assert.equal(events.some((e) => e.type === "subnegotiation"), false);
});

Deno.test("100 MiB without a newline: bounded memory, no hang, clear outcomes", async () => {
  const chunk = new Uint8Array(MiB).fill(0x61);
  const flood = async (conn: Deno.Conn) => {
    for (let i = 0; i < 100; i++) await writeAll(conn, chunk);
  };
  // Waiting for a newline with the default policy: a clear error once maxBuffer is exceeded.
  {
    await using peer = scriptedPeer((conn) => flood(conn).catch(() => {}));
    await using tn = await Telnet.connect("127.0.0.1", peer.port, {
      timeout: 10_000,
      maxBuffer: 8 * MiB,
    });
    await assert.rejects(tn.expect("\n"), BufferOverflowError);
  }
  // Dropping the oldest output: all 100 MiB are read to EOF within a small, fixed buffer.
  await using peer = scriptedPeer(flood);
  await using tn = await Telnet.connect("127.0.0.1", peer.port, {
    timeout: 20_000,
    maxBuffer: MiB,
    overflow: "drop-oldest",
  });
  let read = 0;
  using _ = tn.observe((e) => void (e.type === "read" && (read += e.data.length)));
  const rss = Deno.memoryUsage().rss;
  const end = await tn.expect(["\n", EOF]);
  assert.equal(end.index, 1);
  assert.equal(read, 100 * MiB);
  assert.ok(end.before.length <= MiB);
  const grown = Deno.memoryUsage().rss - rss;
  assert.ok(grown < 64 * MiB, `RSS grew by ${(grown / MiB).toFixed(1)} MiB`);
});

Deno.test("a connection reset: EOF, then sending fails with a TelnetError", async () => {
  await using peer = scriptedPeer(async (conn) => {
    await writeAll(conn, "bye");
    // Closing with unread input makes the kernel send RST instead of FIN.
    await readBytes(conn, 1);
  });
  await using tn = await Telnet.connect("127.0.0.1", peer.port, { timeout: 5_000 });
  await tn.peek("bye");
  await tn.send("ab"); // the peer reads one byte and closes with one unread: reset
  await peer.done;
  await tn.expect(EOF);
  assert.equal(tn.eof, true);
  let failure: unknown;
  for (let i = 0; i < 10 && failure === undefined; i++) {
    await tn.send("more").catch((error) => (failure = error)); // the first write may still pass
  }
  assert.ok(failure instanceof TelnetError && failure.reason === "io", String(failure));
});

Deno.test("a peer that repeats DO thousands of times gets one bounded answer each", async () => {
  const asks = 20_000;
  const flood = new Uint8Array(asks * 3);
  for (let i = 0; i < asks; i++) flood.set([IAC, DO, 200], i * 3);
  let replies: Uint8Array = new Uint8Array(0);
  await using peer = scriptedPeer(async (conn) => {
    await writeAll(conn, flood);
    await writeAll(conn, "END");
    replies = await readBytes(conn, asks * 3);
  });
  await using tn = await Telnet.connect("127.0.0.1", peer.port, { timeout: 10_000 });
  await tn.expect("END");
  await peer.done;
  assert.equal(replies.length, asks * 3);
  for (let i = 0; i < asks; i++) {
    assert.deepEqual([...replies.subarray(i * 3, i * 3 + 3)], [IAC, WONT, 200]);
  }
});
