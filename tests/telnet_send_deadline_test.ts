// Sends, commands, negotiations and NAWS take the call's deadline and AbortSignal when the peer
// stops reading (issue 8, item 3).
import assert from "node:assert/strict";
import { TimeoutError } from "../expect/errors.ts";
import { Telnet } from "../telnet/client.ts";
import { TelnetCommand, TelnetOption } from "../telnet/constants.ts";
import { serve } from "../telnet/server.ts";
import { scriptedPeer, writeAll } from "./_telnet_helpers.ts";

const MiB = 1024 * 1024;
const big = "x".repeat(32 * MiB); // far more than the socket buffers hold

/**
 * A peer that greets ("ready", or `greeting`) and then never reads, until `release()` (or, so that a send stuck on
 * the old code still ends the test, 20 s).
 */
function deafPeer(greeting: Uint8Array | string = "ready") {
  const released = Promise.withResolvers<void>();
  const guard = setTimeout(released.resolve, 20_000);
  const peer = scriptedPeer(async (conn) => {
    await writeAll(conn, greeting);
    await released.promise;
  });
  return Object.assign(peer, {
    release: () => {
      clearTimeout(guard);
      released.resolve();
    },
  });
}

function isSendTimeout(error: unknown): boolean {
  if (!(error instanceof TimeoutError) || error.sending === undefined) return false;
  const { total, written, queued } = error.sending;
  assert.equal(total, 32 * MiB);
  assert.ok(written < total && written + queued <= total, JSON.stringify(error.sending));
  assert.match(
    error.message,
    new RegExp(`sending ${total} bytes .*: ${written} written, ${queued} still queued`),
  );
  return true;
}

Deno.test("send() and write() to a peer that stopped reading reject at their deadline", async () => {
  const peer = deafPeer();
  try {
    await using tn = await Telnet.connect("127.0.0.1", peer.port, { timeout: 300 });
    await tn.expect("ready");
    await assert.rejects(tn.send(big), isSendTimeout); // the session's timeout
    await assert.rejects(tn.write(big, { timeout: 200 }), isSendTimeout);
    await assert.rejects(tn.sendLine(big.slice(2), { timeout: 200 }), isSendTimeout);
    await assert.rejects(
      tn.writeRaw(new Uint8Array(1024), { timeout: 200 }),
      (e) => e instanceof TimeoutError && e.sending?.total === 1024,
    );
  } finally {
    peer.release();
    await peer[Symbol.asyncDispose]();
  }
});

/** A TimeoutError of a write of `total` bytes that never got out. */
function isWriteTimeout(total: number) {
  return (e: unknown) =>
    e instanceof TimeoutError && e.sending?.total === total && e.sending.written === 0;
}

Deno.test("commands, negotiations and subnegotiations to a peer that stopped reading reject at their deadline", async () => {
  const peer = deafPeer();
  try {
    await using tn = await Telnet.connect("127.0.0.1", peer.port, { timeout: 300 });
    await tn.expect("ready");
    // What the socket does not take stays queued, so every write after it waits.
    await assert.rejects(tn.send(big), isSendTimeout);
    await assert.rejects(tn.sendCommand(TelnetCommand.NOP, { timeout: 100 }), isWriteTimeout(2));
    await assert.rejects(tn.areYouThere(), isWriteTimeout(2)); // the session's timeout
    await assert.rejects(tn.sendBreak({ timeout: 100 }), isWriteTimeout(2));
    await assert.rejects(tn.sendInterruptProcess({ timeout: 100 }), isWriteTimeout(2));
    assert.equal(tn.isEnabled("him", TelnetOption.STATUS), false);
    await assert.rejects(
      tn.negotiate(TelnetCommand.DO, TelnetOption.STATUS, { timeout: 100 }),
      isWriteTimeout(3),
    );
    await assert.rejects(
      tn.sendSubnegotiation(TelnetOption.STATUS, Uint8Array.of(1), { timeout: 100 }),
      isWriteTimeout(6),
    );
    const controller = new AbortController();
    const stop = new Error("stop");
    const waiting = tn.sendCommand(TelnetCommand.NOP, { timeout: null, signal: controller.signal });
    controller.abort(stop);
    await assert.rejects(waiting, (e) => e === stop);
    await assert.rejects(
      tn.sendCommand(TelnetCommand.NOP, { signal: controller.signal }),
      (e) => e === stop,
    );
  } finally {
    peer.release();
    await peer[Symbol.asyncDispose]();
  }
});

Deno.test("a NAWS update to a server that stopped reading rejects at its deadline", async () => {
  const { IAC, DO } = TelnetCommand;
  const ready = new TextEncoder().encode("ready");
  const peer = deafPeer(Uint8Array.of(IAC, DO, TelnetOption.NAWS, ...ready));
  try {
    await using tn = await Telnet.connect("127.0.0.1", peer.port, {
      timeout: 300,
      windowSize: { cols: 80, rows: 24 },
    });
    await tn.expect("ready");
    assert.equal(tn.isEnabled("us", TelnetOption.NAWS), true);
    await assert.rejects(tn.send(big), isSendTimeout);
    // IAC SB NAWS 0 100 0 30 IAC SE
    await assert.rejects(tn.resize(100, 30, { timeout: 100 }), isWriteTimeout(9));
  } finally {
    peer.release();
    await peer[Symbol.asyncDispose]();
  }
});

Deno.test("an AbortSignal cancels a send stuck on a peer that stopped reading", async () => {
  const peer = deafPeer();
  try {
    await using tn = await Telnet.connect("127.0.0.1", peer.port, { timeout: null });
    await tn.expect("ready", { timeout: 5_000 });
    const controller = new AbortController();
    const stop = new Error("stop");
    const sending = tn.send(big, { signal: controller.signal });
    setTimeout(() => controller.abort(stop), 100);
    await assert.rejects(sending, (e) => e === stop);
    const raw = new AbortController();
    const rawSending = tn.writeRaw(new Uint8Array(16), { signal: raw.signal });
    raw.abort(stop);
    await assert.rejects(rawSending, (e) => e === stop);
  } finally {
    peer.release();
    await peer[Symbol.asyncDispose]();
  }
});

Deno.test("a serve() handler's send to a client that stopped reading rejects in time", async () => {
  const outcome = Promise.withResolvers<unknown>();
  await using server = serve({
    timeout: 300,
    handler: async (s) => {
      await s.sendLine("ready");
      await s.send(big).then(() => outcome.resolve("sent"), outcome.resolve);
    },
  });
  using conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
  const guard = setTimeout(() => outcome.resolve("no outcome within 20 s"), 20_000);
  try {
    assert.ok(isSendTimeout(await outcome.promise));
  } finally {
    clearTimeout(guard);
  }
  void conn;
});
