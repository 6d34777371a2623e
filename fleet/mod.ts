// Copyright the dexpect authors. MIT license.
/**
 * Fleets: one dialogue (or TypeScript task) over an inventory of devices, with a
 * concurrency limit, a connection rate limit, retries of connection failures, per-device
 * deadlines, one result per device as soon as it ends, resume, and shards for array jobs
 * (Kubernetes Indexed Jobs, Slurm job arrays). `dexpect batch` is this module's CLI.
 *
 * - {@linkcode runBatch}: the engine, over any iterable of {@linkcode Device}s.
 * - {@linkcode runBatchJob}: files in, results file out (what `dexpect batch` runs).
 * - {@linkcode readInventory}: CSV or JSON Lines, streamed.
 * - {@linkcode Dialogue}: a dialogue file with `${column}` variables and `${env:NAME}` secrets.
 * - {@linkcode inShard}, {@linkcode parseShard}, {@linkcode shardFromEnv}: shards.
 *
 * @example Collect a value from every device, in TypeScript
 * ```ts ignore
 * import { readInventory, runBatch } from "@dexpect/dexpect/fleet";
 * const file = await Deno.open("devices.csv");
 * for await (const result of runBatch(readInventory(file.readable), async (session) => {
 *   await session.expect("login: ");
 *   await session.sendLine("admin");
 *   await session.expect("Password: ");
 *   await session.sendLine(Deno.env.get("DEVICE_PASSWORD")!, { secret: true });
 *   await session.expect(/[>#] $/);
 *   await session.sendLine("show version");
 *   const { match } = await session.expect(/Version (\S+)/);
 *   return { version: match[1] };
 * }, { concurrency: 200, rate: 50 })) {
 *   console.log(JSON.stringify(result));
 * }
 * ```
 *
 * @module
 */
export {
  type BatchOptions,
  type DeviceContext,
  type DeviceRecording,
  type DeviceTask,
  type OpenOptions,
  runBatch,
  type Target,
  type TaskOutcome,
} from "./batch.ts";
export { Dialogue, type DialogueParseOptions } from "./dialogue.ts";
export {
  type Device,
  deviceFromRow,
  readInventory,
  type ReadInventoryOptions,
} from "./inventory.ts";
export { type BatchJobOptions, type BatchJobSummary, runBatchJob } from "./job.ts";
export { BatchProgress, reportProgress, type ReportProgressOptions } from "./progress.ts";
export {
  DEVICE_STATUSES,
  type DeviceResult,
  type DeviceStatus,
  readOkResults,
  redact,
} from "./results.ts";
export { inShard, keyHash, parseShard, type Shard, shardFromEnv } from "./shard.ts";
