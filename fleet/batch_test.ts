// runBatch without a network: the inventory is pulled only as devices start, the rate limit
// spaces connection attempts, results come as devices end, and stopping early interrupts.
import assert from "node:assert/strict";
import { Session } from "../expect/session.ts";
import { runBatch } from "./batch.ts";
import type { Device } from "./inventory.ts";

/** A session over an in-memory peer that never says anything. */
function quietSession(): Session {
  return new Session(new TransformStream<Uint8Array, Uint8Array>());
}

function* devices(count: number, pulled: { n: number }): Generator<Device> {
  for (let i = 0; i < count; i++) {
    pulled.n++;
    yield { key: `d${i}`, host: "192.0.2.1", vars: {}, row: i + 2 };
  }
}

Deno.test("a 100 000-device inventory is pulled only as devices start", async () => {
  const pulled = { n: 0 };
  const gates: (() => void)[] = [];
  let allStarted!: () => void;
  const started = new Promise<void>((resolve) => (allStarted = resolve));
  const results = runBatch(
    devices(100_000, pulled),
    () =>
      new Promise<void>((resolve) => {
        if (gates.push(resolve) === 10) allStarted();
      }),
    { concurrency: 10, open: () => Promise.resolve(quietSession()) },
  );
  const first = results.next();
  await started; // every worker holds one device; none can pull another until one ends
  assert.equal(pulled.n, 10);
  gates.shift()!();
  const r = await first;
  assert.equal(r.done, false);
  assert.ok(pulled.n <= 11, `pulled ${pulled.n}`);
  await results.return(undefined); // stops: the devices in flight are interrupted and closed
  assert.ok(pulled.n <= 11, `pulled ${pulled.n}`);
});

Deno.test("the rate limit spaces connection attempts across the batch", async () => {
  const opened: number[] = [];
  const results = runBatch(devices(6, { n: 0 }), async () => {}, {
    concurrency: 6,
    rate: 25, // one attempt every 40 ms
    open: () => {
      opened.push(performance.now());
      return Promise.resolve(quietSession());
    },
  });
  for await (const r of results) assert.equal(r.status, "ok");
  assert.equal(opened.length, 6);
  for (let i = 1; i < opened.length; i++) {
    // Timers do not fire early; 1 ms of slack for clock rounding.
    assert.ok(
      opened[i] - opened[i - 1] >= 39,
      `attempt ${i} after ${opened[i] - opened[i - 1]} ms`,
    );
  }
});

Deno.test("only connection failures are retried, with backoff", async () => {
  let attempts = 0;
  const results = runBatch(devices(1, { n: 0 }), async () => {}, {
    retries: 3,
    backoff: 1,
    open: () => {
      attempts++;
      if (attempts < 3) return Promise.reject(new Deno.errors.ConnectionReset("reset by peer"));
      return Promise.resolve(quietSession());
    },
  });
  for await (const r of results) {
    assert.equal(r.status, "ok");
    assert.equal(r.attempts, 3);
  }
  let calls = 0;
  for await (
    const r of runBatch(devices(1, { n: 0 }), async () => {}, {
      retries: 3,
      backoff: 1,
      open: () => {
        calls++;
        return Promise.reject(new TypeError("bad target"));
      },
    })
  ) {
    assert.equal(r.status, "error");
    assert.equal(r.step, "connect");
    assert.equal(calls, 1);
  }
});

Deno.test("a task's error is that device's result, secrets redacted", async () => {
  for await (
    const r of runBatch(devices(2, { n: 0 }), (_s, device) => {
      if (device.key === "d1") throw new Error("device said hunter2");
      return Promise.resolve({ token: "hunter2-x" });
    }, { open: () => Promise.resolve(quietSession()), secrets: ["hunter2"] })
  ) {
    if (r.key === "d0") assert.deepEqual(r.captures, { token: "***-x" });
    else assert.equal(r.error, "device said ***");
  }
});

Deno.test("options out of range are rejected at once", () => {
  const task = async () => {};
  assert.throws(() => runBatch([], task, { concurrency: 0 }), RangeError);
  assert.throws(() => runBatch([], task, { concurrency: 1.5 }), RangeError);
  assert.throws(() => runBatch([], task, { rate: 0 }), RangeError);
  assert.throws(() => runBatch([], task, { deadline: NaN }), RangeError);
});
