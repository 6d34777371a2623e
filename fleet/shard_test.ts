// Shards: disjoint, complete, balanced, stable; and picked from array-job environments.
import assert from "node:assert/strict";
import { inShard, keyHash, parseShard, shardFromEnv } from "./shard.ts";

Deno.test("shards are disjoint, their union is every key, and they are balanced", () => {
  const keys = Array.from({ length: 10_000 }, (_, i) => `dev${String(i).padStart(5, "0")}`);
  for (const count of [1, 2, 3, 7, 16]) {
    const sizes = Array(count).fill(0);
    for (const key of keys) {
      const owners = Array.from({ length: count }, (_, index) => index)
        .filter((index) => inShard(key, { index, count }));
      assert.equal(owners.length, 1, `${key} in ${owners.length} of ${count} shards`);
      sizes[owners[0]]++;
    }
    const mean = keys.length / count;
    for (const size of sizes) assert.ok(Math.abs(size - mean) < mean * 0.1, `${sizes}`);
  }
});

Deno.test("the hash is stable: fixed values that every version must keep", () => {
  // FNV-1a 32 then MurmurHash3's fmix32; a change here would move devices between shards.
  assert.deepEqual(
    ["", "a", "core-1", "10.0.0.1:23", "é"].map(keyHash),
    [2872998923, 444641715, 3654818288, 2820643798, 2387039943],
  );
});

Deno.test("parseShard takes INDEX/COUNT and rejects the rest", () => {
  assert.deepEqual(parseShard("0/1"), { index: 0, count: 1 });
  assert.deepEqual(parseShard(" 15 / 16 "), { index: 15, count: 16 });
  for (const bad of ["1/1", "-1/2", "a/b", "1", "2/0", "1.5/3", ""]) {
    assert.throws(() => parseShard(bad), RangeError, bad);
  }
});

Deno.test("the shard comes from Kubernetes Indexed Jobs and Slurm arrays", () => {
  assert.equal(shardFromEnv({}), undefined);
  assert.deepEqual(shardFromEnv({ JOB_COMPLETION_INDEX: "0", DEXPECT_SHARD_COUNT: "3" }), {
    index: 0,
    count: 3,
  });
  assert.throws(() => shardFromEnv({ JOB_COMPLETION_INDEX: "0" }), /DEXPECT_SHARD_COUNT/);
  assert.throws(
    () => shardFromEnv({ JOB_COMPLETION_INDEX: "3", DEXPECT_SHARD_COUNT: "3" }),
    RangeError,
  );
  // sbatch --array=1-8
  const slurm = {
    SLURM_ARRAY_TASK_ID: "5",
    SLURM_ARRAY_TASK_MIN: "1",
    SLURM_ARRAY_TASK_COUNT: "8",
  };
  assert.deepEqual(shardFromEnv(slurm), { index: 4, count: 8 });
  // sbatch --array=0-30:10 (0, 10, 20, 30)
  assert.deepEqual(
    shardFromEnv({
      SLURM_ARRAY_TASK_ID: "20",
      SLURM_ARRAY_TASK_MIN: "0",
      SLURM_ARRAY_TASK_STEP: "10",
      SLURM_ARRAY_TASK_COUNT: "4",
    }),
    { index: 2, count: 4 },
  );
  // sbatch --array=1,5,9: ids are not a range
  assert.throws(
    () =>
      shardFromEnv({
        SLURM_ARRAY_TASK_ID: "9",
        SLURM_ARRAY_TASK_MIN: "1",
        SLURM_ARRAY_TASK_COUNT: "3",
      }),
    /contiguous --array range/,
  );
});
