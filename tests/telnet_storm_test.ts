// Negotiation storms: a peer sending only commands and negotiations at full speed neither holds
// back deadlines nor makes us hold unbounded replies (issue 8, item 2). The figures (timeout
// lag, other sessions' round trips, RSS) are in bench/telnet_hostile.ts; these tests check
// the mechanisms.
import assert from "node:assert/strict";
import { TimeoutError } from "../expect/errors.ts";
import { Session } from "../expect/session.ts";
import { Telnet } from "../telnet/client.ts";
import { serve } from "../telnet/server.ts";
import { TelnetProtocol } from "../telnet/protocol.ts";
import { type ByteConnection, TelnetLink } from "../telnet/_link.ts";
import { stormBlock } from "../bench/_hostile_peers.ts";

const MiB = 1024 * 1024;
const everything = {
  terminalTypes: ["xterm-256color", "vt100"],
  windowSize: { cols: 80, rows: 24 },
  terminalSpeed: { transmit: 38400, receive: 38400 },
  environment: { variables: { USER: "ann" } },
};

/**
 * A connection to a peer at infinite speed: every read is answered at once (a resolved
 * promise, no I/O) with storm bytes, `total` in all, then EOF. `write` is given by the test.
 */
class StormConnection implements ByteConnection {
  readonly block = stormBlock();
  served = 0;
  reads = 0;
  constructor(readonly total: number, readonly write: (p: Uint8Array) => Promise<number>) {}
  read(p: Uint8Array): Promise<number | null> {
    this.reads++;
    if (this.served >= this.total) return Promise.resolve(null);
    const n = Math.min(p.length, this.total - this.served);
    for (let o = 0; o < n;) {
      const from = (this.served + o) % this.block.length;
      const k = Math.min(n - o, this.block.length - from);
      p.set(this.block.subarray(from, from + k), o);
      o += k;
    }
    this.served += n;
    return Promise.resolve(n);
  }
  closeWrite(): Promise<void> {
    return Promise.resolve();
  }
  /** Fails the writes left pending, as closing a socket does. */
  onClose: () => void = () => {};
  close(): void {
    this.onClose();
  }
}

/** A session over `conn`; disposing it closes the connection, then the session. */
function sessionOver(conn: StormConnection): Session & AsyncDisposable {
  const link = new TelnetLink<StormConnection>(new TelnetProtocol(everything), () => false);
  link.attach(conn, "storm", 0);
  const session = new Session(link);
  return Object.assign(session, {
    async [Symbol.asyncDispose]() {
      await link.shutdown();
      await session.close();
    },
  });
}

/** A peer of bench/_hostile_peers.ts in a process of its own. */
function hostilePeer(args: string[], stdout: "piped" | "null"): Deno.ChildProcess {
  const script = new URL("../bench/_hostile_peers.ts", import.meta.url).pathname;
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    stdout,
    stderr: "inherit",
  }).spawn();
}

Deno.test("a storm from a peer at infinite speed: the deadline fires while it goes on", async () => {
  const conn = new StormConnection(8 * MiB, (p) => Promise.resolve(p.length));
  await using session = sessionOver(conn);
  await assert.rejects(session.expect("never sent", { timeout: 100 }), TimeoutError);
  // Without yields the storm is read to its end (then EOF) before any timer can run.
  assert.ok(conn.served < conn.total, `read ${conn.served} bytes`);
});

Deno.test("a storm at infinite speed: another session's round trips go on meanwhile", async () => {
  await using echo = serve({
    timeout: 10_000,
    handler: async (s) => {
      for (let line = await s.readLine();; line = await s.readLine()) await s.sendLine(line);
    },
    onError: () => {}, // the client leaving ends the handler with EOFError
  });
  await using other = await Telnet.connect("127.0.0.1", echo.addr.port, { timeout: 5_000 });
  const conn = new StormConnection(1024 * MiB, (p) => Promise.resolve(p.length));
  await using session = sessionOver(conn);
  let storming = true;
  const storm = assert.rejects(session.expect("never sent", { timeout: 300 }), TimeoutError)
    .finally(() => (storming = false));
  let rounds = 0;
  for (; storming; rounds++) {
    await other.sendLine(`ping ${rounds}`);
    await other.expect(`ping ${rounds}\r\n`);
  }
  await storm;
  assert.ok(conn.served < conn.total, "the storm ended before the timeout");
  // About 1 000 in the 300 ms here when the storm's yields let the runtime wait for I/O; 3
  // when they do not (setImmediate alone: other sockets' reads are delivered late).
  assert.ok(rounds >= 40, `${rounds} round trips during 300 ms of storm`);
});

Deno.test("replies to a peer that stops reading: bounded, and reading stops soon after", async () => {
  let accepted = 0;
  let largest = 0;
  let held = 0;
  let readsWhenBlocked = -1;
  const conn: StormConnection = new StormConnection(64 * MiB, (p) => {
    largest = Math.max(largest, p.length);
    if (accepted < 512 * 1024) {
      accepted += p.length;
      return Promise.resolve(p.length);
    }
    // The peer's receive window is full: this write never completes.
    held = p.length;
    readsWhenBlocked = conn.reads;
    return new Promise((_, reject) => (conn.onClose = () => reject(new Error("closed"))));
  });
  await using session = sessionOver(conn);
  await assert.rejects(session.expect("never sent", { timeout: 3_000 }), TimeoutError);
  assert.ok(readsWhenBlocked > 0, "the peer's window never filled");
  // Replies are written while the next slices are parsed, and reading goes on only until
  // REPLY_WINDOW (4 KiB) of them wait: here 5 reads, 1.3 MiB of storm. Without the window it
  // would read all 64 MiB within the 3 s; waiting for each reply, not once.
  const readsAfter = conn.reads - readsWhenBlocked;
  assert.ok(
    readsAfter >= 1 && readsAfter <= 16,
    `read ${readsAfter} times while our replies could not be written`,
  );
  assert.ok(largest <= 16 * 1024, `one write of ${largest} bytes of replies`);
  assert.ok(held <= 16 * 1024, `${held} bytes of replies held`);
});

Deno.test("a real storm peer (its own process): a 500 ms expect() timeout fires in time", async () => {
  const peer = hostilePeer(["storm-listen"], "piped");
  const lines = peer.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    const port = Number((await lines.read()).value?.trim());
    await using tn = await Telnet.connect("127.0.0.1", port, { ...everything, timeout: 10_000 });
    const start = performance.now();
    await assert.rejects(tn.expect("never sent", { timeout: 500 }), TimeoutError);
    const fired = performance.now() - start;
    // Generous: without yields it fires only once the socket buffers are full (seconds).
    assert.ok(fired < 1_500, `fired after ${fired.toFixed(0)} ms`);
  } finally {
    peer.kill("SIGKILL");
    await lines.cancel();
    await peer.status;
  }
});

// End to end over real sockets, where reads already let timers run on this machine (it passes
// with the storm yield removed): the yield itself is checked by the in-memory test above.
Deno.test("serve() under a storming client: its handler's deadline fires, other clients are served", async () => {
  const fired = Promise.withResolvers<number>();
  const stormConnected = Promise.withResolvers<void>();
  await using server = serve({
    timeout: 10_000,
    handler: async (s) => {
      stormConnected.resolve(); // the first connection is the storm's
      await s.sendLine("hello");
      const start = performance.now();
      try {
        await s.expect("ping", { timeout: 500 });
        await s.sendLine("pong");
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
        fired.resolve(performance.now() - start);
      }
    },
  });
  const port = server.addr.port;
  const stormer = hostilePeer(["storm-connect", String(port)], "null");
  try {
    // The storm's handler waits for "ping" meanwhile; a quiet client gets its round trip.
    const exited = stormer.status.then(() => true);
    const gone = await Promise.race([stormConnected.promise.then(() => false), exited]);
    assert.equal(gone, false, "the storm peer exited before it connected");
    await using tn = await Telnet.connect("127.0.0.1", port, { timeout: 5_000 });
    await tn.expect("hello");
    const start = performance.now();
    await tn.sendLine("ping");
    await tn.expect("pong");
    const roundTrip = performance.now() - start;
    assert.ok(roundTrip < 1_500, `round trip took ${roundTrip.toFixed(0)} ms`);
    // Generous bounds, for a shared machine (it fired at ~505 ms here).
    const guard = setTimeout(() => fired.reject(new Error("no timeout within 10 s")), 10_000);
    const ms = await fired.promise.finally(() => clearTimeout(guard));
    assert.ok(ms < 1_500, `fired after ${ms.toFixed(0)} ms`);
  } finally {
    stormer.kill("SIGKILL");
    await stormer.status;
  }
});
