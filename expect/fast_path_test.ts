// Copyright the dexpect authors. MIT license.
// The optional Channel.readNow/writeNow fast paths: same results, events and errors as the
// streams, which stay in charge of what the fast paths leave to them.
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { Session } from "./session.ts";
import { TimeoutError } from "./errors.ts";
import type { Channel } from "./channel.ts";
import type { SessionEvent } from "./observers.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/**
 * A peer that answers each write with `reply(line)`, readable either at once (`readNow`)
 * or through the stream. `take` caps how many bytes `writeNow` accepts.
 */
class FastPeer implements Channel {
  readonly queue: Uint8Array[] = [];
  readonly streamWrites: string[] = [];
  readNowCalls = 0;
  writeNowCalls = 0;
  #wake: (() => void) | undefined;
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;

  constructor(readonly reply: (input: string) => string, readonly take = Infinity) {
    this.readable = new ReadableStream<Uint8Array>({
      pull: async (c) => {
        while (this.queue.length === 0) await new Promise<void>((r) => this.#wake = r);
        c.enqueue(this.queue.shift()!);
      },
    }, { highWaterMark: 0 });
    this.writable = new WritableStream<Uint8Array>({
      write: (chunk) => {
        this.streamWrites.push(dec(chunk));
        this.#answer(chunk);
      },
    });
  }

  readNow(): Uint8Array | undefined {
    this.readNowCalls++;
    return this.queue.shift();
  }

  writeNow(bytes: Uint8Array): number {
    this.writeNowCalls++;
    const n = Math.min(this.take, bytes.length);
    if (n > 0) this.#answer(bytes.subarray(0, n));
    return n;
  }

  push(text: string): void {
    this.queue.push(enc(text));
    this.#wake?.();
    this.#wake = undefined;
  }

  #answer(bytes: Uint8Array): void {
    const out = this.reply(dec(bytes));
    if (out !== "") this.push(out);
  }
}

Deno.test("round trips through readNow/writeNow give the same results and events", async () => {
  const peer = new FastPeer((line) => `${line.trimEnd()}\r\nok\r\n`);
  const events: string[] = [];
  await using s = new Session(peer, {
    observers: [(e: SessionEvent) => {
      if (e.type === "read" || e.type === "send") events.push(`${e.type}:${dec(e.data)}`);
    }],
  });
  for (let i = 0; i < 3; i++) {
    await s.sendLine(`ping ${i}`);
    strictEqual((await s.expect(`ping ${i}\r\n`)).before, "");
    strictEqual((await s.expect("ok\r\n")).before, "");
  }
  ok(peer.readNowCalls > 0 && peer.writeNowCalls === 3);
  deepStrictEqual(peer.streamWrites, []);
  deepStrictEqual(events.slice(0, 2), ["send:ping 0\n", "read:ping 0\r\nok\r\n"]);
  strictEqual(events.length, 6);
});

Deno.test("what writeNow does not take goes through writable, told to observers once", async () => {
  let received = "";
  const peer = new FastPeer((part) => {
    received += part;
    return "";
  }, 3);
  const sends: string[] = [];
  await using s = new Session(peer, {
    observers: [(e: SessionEvent) => e.type === "send" && sends.push(dec(e.data))],
  });
  await s.send("hello world");
  strictEqual(received, "hello world");
  deepStrictEqual(peer.streamWrites, ["lo world"]);
  deepStrictEqual(sends, ["hello world"]);
});

Deno.test("a secret's echo read at once is redacted from read events", async () => {
  const peer = new FastPeer((line) => line);
  const reads: string[] = [];
  await using s = new Session(peer, {
    observers: [(e: SessionEvent) => e.type === "read" && reads.push(dec(e.data))],
  });
  await s.send("hunter2\n", { secret: true });
  await s.expect("\n");
  strictEqual(peer.streamWrites.length, 0);
  strictEqual(reads.join(""), "***");
});

Deno.test("with an aborted signal nothing is written at once and the call rejects", async () => {
  const peer = new FastPeer(() => "x");
  await using s = new Session(peer);
  const reason = new Error("stop");
  await rejects(s.send("a", { signal: AbortSignal.abort(reason) }), (e) => e === reason);
  strictEqual(peer.writeNowCalls, 0);
  await rejects(s.expect("x", { signal: AbortSignal.abort(reason) }), (e) => e === reason);
  strictEqual(peer.readNowCalls, 0);
});

Deno.test("nothing there at once: the stream read and the deadline take over", async () => {
  const peer = new FastPeer(() => "");
  await using s = new Session(peer, { timeout: 20 });
  await rejects(s.expect("late"), TimeoutError);
  // The stream's read stays outstanding: what comes next arrives through it, in order.
  peer.push("la");
  peer.push("te");
  const calls = peer.readNowCalls;
  strictEqual((await s.expect("late", { timeout: 5_000 })).after, "late");
  strictEqual(peer.readNowCalls, calls, "no read at once while a stream read is outstanding");
});
