import assert from "node:assert/strict";
import { TimeoutError } from "./errors.ts";
import { Session } from "./session.ts";

/** A peer that takes `accept` writes and then stops reading (its writes never complete). */
function stalling(accept: number) {
  let taken = 0;
  return {
    readable: new ReadableStream<Uint8Array>(),
    writable: new WritableStream<Uint8Array>({
      write: () => taken++ < accept ? Promise.resolve() : new Promise<void>(() => {}),
    }),
  };
}

Deno.test("a send past its deadline says how much was written, queued and not sent", async () => {
  await using session = new Session(stalling(2), { timeout: 50 });
  const error = await session.send(new Uint8Array(200 * 1024)).catch((e) => e);
  assert.ok(error instanceof TimeoutError, String(error));
  assert.deepEqual(error.sending, { total: 204_800, written: 131_072, queued: 65_536 });
  assert.match(error.message, /^Timed out after \d+ ms sending 204800 bytes/);
  assert.match(error.message, /131072 written, 65536 still queued .*, 8192 not sent$/);
  assert.deepEqual(error.patterns, []);
});

Deno.test("a send's deadline also covers a charDelay, and a secret's bytes never show", async () => {
  await using session = new Session(stalling(3), { timeout: null });
  const error = await session.send("hunter2", { secret: true, charDelay: 1, timeout: 50 })
    .catch((e) => e);
  assert.ok(error instanceof TimeoutError, String(error));
  assert.deepEqual(error.sending, { total: 7, written: 3, queued: 1 });
  assert.ok(!error.message.includes("hunter"));
});

Deno.test("an aborted signal rejects a send with its reason", async () => {
  await using session = new Session(stalling(0), { timeout: null });
  const reason = new Error("stop");
  const controller = new AbortController();
  const sending = session.send("x", { signal: controller.signal });
  controller.abort(reason);
  await assert.rejects(sending, (e) => e === reason);
  await assert.rejects(
    session.send("y", { signal: AbortSignal.abort(reason) }),
    (e) => e === reason,
  );
});
