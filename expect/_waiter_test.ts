import assert from "node:assert/strict";
import { Waiter } from "./_waiter.ts";

Deno.test("Waiter.race leaves nothing attached once the raced work settles", async () => {
  // Racing every read against one call-long promise kept each chunk alive until the call
  // ended: a long expect() over busy output grew without bound.
  const waiter = new Waiter(null);
  for (let i = 0; i < 1000; i++) assert.equal(await waiter.race(Promise.resolve(i)), i);
  await assert.rejects(waiter.race(Promise.reject(new Error("read failed"))), /read failed/);
  assert.equal(waiter.races, 0);
  waiter.dispose();
});

Deno.test("Waiter.wake settles every race in progress, and later races at once", async () => {
  const waiter = new Waiter(null);
  const never = new Promise<number>(() => {});
  const both = Promise.all([waiter.race(never), waiter.race(never)]);
  assert.equal(waiter.races, 2);
  waiter.wake("stop");
  assert.deepEqual(await both, ["stop", "stop"]);
  assert.equal(await waiter.race(never), "stop");
  assert.equal(waiter.races, 0);
});
