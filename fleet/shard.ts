// Copyright the dexpect authors. MIT license.
/**
 * Shards: a deterministic split of an inventory across processes with no coordinator. Each
 * device goes to shard `hash(key) mod count`, so a rerun of a shard sees the same devices,
 * and the shard is picked up from the environment of Kubernetes Indexed Jobs and Slurm job
 * arrays.
 *
 * @module
 */

/**
 * One shard of `count`: `index` is 0-based.
 *
 * @example Shard 2 of 4
 * ```ts
 * import type { Shard } from "./shard.ts";
 *
 * const shard: Shard = { index: 2, count: 4 };
 * void shard;
 * ```
 */
export interface Shard {
  /** This process's shard, `0 <= index < count`. */
  readonly index: number;
  /** How many shards the inventory is split into. */
  readonly count: number;
}

const encoder = new TextEncoder();

/**
 * A stable 32-bit hash of a device key: FNV-1a over its UTF-8 bytes, then MurmurHash3's
 * finalizer so that keys differing only in their last characters spread over all shards.
 * The same key hashes the same on every machine and in every version of dexpect.
 *
 * @param key The device key.
 * @returns An unsigned 32-bit integer.
 *
 * @example Stable across calls
 * ```ts
 * import { keyHash } from "./shard.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(keyHash("core-1"), keyHash("core-1"));
 * assert.notEqual(keyHash("core-1"), keyHash("core-2"));
 * ```
 */
export function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (const byte of encoder.encode(key)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Whether the device with `key` belongs to `shard`.
 *
 * @param key The device key.
 * @param shard The shard.
 * @returns `true` when `keyHash(key) % count === index`.
 *
 * @example Every key is in exactly one shard
 * ```ts
 * import { inShard } from "./shard.ts";
 * import assert from "node:assert/strict";
 *
 * const owners = [0, 1, 2].filter((index) => inShard("core-1", { index, count: 3 }));
 * assert.equal(owners.length, 1);
 * ```
 */
export function inShard(key: string, shard: Shard): boolean {
  return keyHash(key) % shard.count === shard.index;
}

/**
 * Reads `INDEX/COUNT` (0-based index), as `--shard` takes it.
 *
 * @param text E.g. `"3/8"`.
 * @returns The shard.
 * @throws {RangeError} Unless `0 <= INDEX < COUNT` are integers.
 *
 * @example Parse a shard
 * ```ts
 * import { parseShard } from "./shard.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseShard("3/8"), { index: 3, count: 8 });
 * ```
 */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count) || !Number.isSafeInteger(count)) {
    throw new RangeError(
      `Invalid shard ${JSON.stringify(text)}: expected INDEX/COUNT with 0 <= INDEX < COUNT`,
    );
  }
  return { index, count };
}

/**
 * Picks the shard from an array-job engine's environment:
 *
 * - Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX` (set by Kubernetes) and the number of
 *   completions in `DEXPECT_SHARD_COUNT` (Kubernetes does not expose it: set it in the pod
 *   template to the Job's `completions`).
 * - Slurm job arrays: `SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT`,
 *   `SLURM_ARRAY_TASK_MIN` and `SLURM_ARRAY_TASK_STEP` (`--array=0-15` or `1-16:1`; an array
 *   with gaps such as `1,5,9` cannot be mapped: pass `--shard`).
 *
 * @param env The environment, e.g. `Deno.env.toObject()`.
 * @returns The shard, or `undefined` when no engine's variables are set.
 * @throws {RangeError} When the variables are set but inconsistent.
 *
 * @example A Kubernetes pod
 * ```ts
 * import { shardFromEnv } from "./shard.ts";
 * import assert from "node:assert/strict";
 *
 * const env = { JOB_COMPLETION_INDEX: "4", DEXPECT_SHARD_COUNT: "10" };
 * assert.deepEqual(shardFromEnv(env), { index: 4, count: 10 });
 * ```
 */
export function shardFromEnv(env: Readonly<Record<string, string | undefined>>): Shard | undefined {
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    const count = env.DEXPECT_SHARD_COUNT;
    if (count === undefined) {
      throw new RangeError(
        "JOB_COMPLETION_INDEX is set but DEXPECT_SHARD_COUNT is not: set it in the pod " +
          "template to the Job's completions, or pass --shard INDEX/COUNT",
      );
    }
    return parseShard(`${env.JOB_COMPLETION_INDEX}/${count}`);
  }
  if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    const id = Number(env.SLURM_ARRAY_TASK_ID);
    const min = Number(env.SLURM_ARRAY_TASK_MIN ?? 0);
    const step = Number(env.SLURM_ARRAY_TASK_STEP ?? 1);
    const count = env.SLURM_ARRAY_TASK_COUNT;
    const index = (id - min) / step;
    if (count === undefined || !Number.isInteger(index) || !(index < Number(count))) {
      throw new RangeError(
        `Cannot map Slurm array task ${env.SLURM_ARRAY_TASK_ID} (min ${min}, step ${step}, ` +
          `count ${count}) to a shard: use a contiguous --array range or pass --shard`,
      );
    }
    return parseShard(`${index}/${count}`);
  }
  return undefined;
}
