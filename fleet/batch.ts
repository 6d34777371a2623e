// Copyright the dexpect authors. MIT license.
/**
 * {@linkcode runBatch}: one task over every device of an inventory, with a concurrency limit,
 * a connection rate limit, retries of connection failures, a per-device deadline, and one
 * result per device as soon as it ends.
 *
 * @module
 */
import type { ExitStatus } from "../expect/channel.ts";
import { EOFError, TimeoutError } from "../expect/errors.ts";
import type { SessionObserver } from "../expect/observers.ts";
import type { SessionOptions } from "../expect/options.ts";
import type { Session } from "../expect/session.ts";
import { PtySession } from "../pty/session.ts";
import {
  backoffDelay,
  defaultOpen,
  isConnectionFailure,
  isConnectTimeout,
  isRefused,
  RateLimiter,
  sleep,
} from "./_connect.ts";
import { ResultQueue } from "./_queue.ts";
import type { Dialogue } from "./dialogue.ts";
import type { Device } from "./inventory.ts";
import { type DeviceResult, type DeviceStatus, redact } from "./results.ts";

/** Where a device's session goes: a Telnet server, or a program in a pty (ssh, ...). */
export type Target =
  | { readonly kind: "telnet"; readonly host: string; readonly port: number }
  | { readonly kind: "spawn"; readonly command: string | readonly string[] };

/** What an opener gets: the session's settings, the connection deadline and the signal. */
export interface OpenOptions {
  /** Settings of the session to create (timeout, observers, recording). */
  readonly session: SessionOptions;
  /** Deadline of the connection attempt in ms. */
  readonly connectTimeout: number;
  /** Aborts at the device's deadline or on cancel. */
  readonly signal: AbortSignal;
}

/** What a device's run hands back. */
export interface TaskOutcome {
  /** Captured variables. */
  captures?: Record<string, string>;
  /** How a spawned program ended. */
  exitStatus?: ExitStatus;
}

/** What a task or dialogue sees of the batch while it runs one device. */
export interface DeviceContext {
  /** The device. */
  readonly device: Device;
  /** Aborts at the device's deadline or when the batch is cancelled. */
  readonly signal: AbortSignal;
  /** What the device is doing, reported as the failing step if it fails. */
  step: string | undefined;
  /**
   * Opens a session (rate-limited; connection failures retried with backoff). The batch
   * closes it when the device ends.
   */
  open(target: Target): Promise<Session>;
}

/**
 * The TypeScript form of a batch's work: given the device's open session (Telnet to
 * `host:port`, port 23 by default, unless `target` says otherwise), do what it takes and
 * return the captured variables. Throwing fails the device.
 */
export type DeviceTask = (
  session: Session,
  device: Device,
  context: DeviceContext,
) => Promise<Record<string, string> | void>;

/** Files or callbacks that record one device's session. */
export interface DeviceRecording {
  /** Observers of the session. */
  readonly observers?: readonly SessionObserver[];
  /**
   * Where what the device printed is written (the session's `logRead`: a stream that lags
   * holds the reading back, with a bound, instead of blocking the event loop).
   */
  readonly log?: WritableStream<Uint8Array>;
  /** An asciicast v2 recording of the session. */
  readonly record?: WritableStream<Uint8Array>;
  /** Called when the device ended. */
  close(): Promise<void>;
}

/** Options of {@linkcode runBatch}. Durations are in milliseconds. */
export interface BatchOptions {
  /** Devices run at once. @default {100} */
  concurrency?: number;
  /** Connection attempts per second across the batch, `undefined` for no limit. */
  rate?: number;
  /** Each device's overall deadline, from its first connection attempt. @default {120_000} */
  deadline?: number;
  /** Default deadline of each `expect` (a dialogue's `timeout` step overrides it). @default {30_000} */
  timeout?: number;
  /** Deadline of one connection attempt. @default {10_000} */
  connectTimeout?: number;
  /** Retries of a failed connection (refused, reset, timed out); other errors never retry. @default {2} */
  retries?: number;
  /** Wait before the first retry; each next one doubles, with jitter. @default {1_000} */
  backoff?: number;
  /** The longest wait between retries. @default {30_000} */
  maxBackoff?: number;
  /** Where the TypeScript form's session goes. @default {Telnet to the device's host and port} */
  target?: (device: Device) => Target;
  /** Opens sessions. @default {Telnet for telnet targets, `spawn` for spawn targets} */
  open?: (target: Target, options: OpenOptions) => Promise<Session>;
  /** Sets up a device's log or recording; called when the device starts. */
  record?: (device: Device) => Promise<DeviceRecording | undefined>;
  /** Values redacted as `***` from results (the dialogue's secrets are added). */
  secrets?: readonly string[];
  /** Stops taking new devices; those in flight finish and are reported. */
  signal?: AbortSignal;
  /** Interrupts the devices in flight: they end with status `error`. */
  cancel?: AbortSignal;
}

/**
 * Runs `task` on every device of `inventory`, at most `concurrency` at a time, and yields
 * each device's result as soon as it ends (so in completion order, not inventory order).
 * The inventory is pulled only as devices start, so it can be a stream of any length.
 *
 * A device fails with a status, never the batch: `timeout` (a pattern, the connection or the
 * device's deadline), `eof`, `refused` (after the retries) or `error`. Connection failures,
 * and only they, are retried with exponential backoff. Secrets (`options.secrets` and the
 * dialogue's) are redacted from every result.
 *
 * @param inventory The devices, e.g. `readInventory(file.readable)`.
 * @param task A dialogue, or an async function of the open session and the device that
 *   returns the captured variables.
 * @param options Concurrency, rate, deadlines, retries, openers, recording and signals.
 * @returns An async iterator of results; stopping the iteration early interrupts the devices
 *   in flight.
 * @throws {RangeError} At once, on an option out of range.
 * @throws {SyntaxError} From the iteration, when the inventory is malformed (after the devices
 *   in flight ended and were yielded).
 *
 * @example Run a TypeScript task over a mock fleet
 * ```ts
 * import { runBatch } from "./batch.ts";
 * import { serve } from "../telnet/server.ts";
 * import assert from "node:assert/strict";
 *
 * await using device = serve({
 *   timeout: 5_000,
 *   handler: async (s) => void await s.send("Version 1.2\r\nrouter> "),
 * });
 * const inventory = [1, 2, 3].map((n) => ({
 *   key: `r${n}`, host: "127.0.0.1", port: device.addr.port, vars: {}, row: n,
 * }));
 * const results = [];
 * for await (const r of runBatch(inventory, async (session) => {
 *   const { match } = await session.expect(/Version (\S+)/);
 *   return { version: match[1] };
 * }, { concurrency: 2 })) results.push(r);
 * assert.deepEqual(results.map((r) => r.captures.version), ["1.2", "1.2", "1.2"]);
 * ```
 */
export function runBatch(
  inventory: AsyncIterable<Device> | Iterable<Device>,
  task: DeviceTask | Dialogue,
  options: BatchOptions = {},
): AsyncGenerator<DeviceResult, void, undefined> {
  const settings = check(options);
  const run: Runner = typeof task === "function"
    ? taskRunner(task, options.target)
    : (context) => task.run(context);
  const secrets = [...(options.secrets ?? []), ...(typeof task === "function" ? [] : task.secrets)];
  return drive(inventory, run, settings, secrets);
}

type Runner = (context: DeviceContext) => Promise<TaskOutcome>;

interface Settings extends Required<Omit<BatchOptions, "rate" | "target" | "record" | "secrets">> {
  limiter?: RateLimiter;
  record?: BatchOptions["record"];
}

function check(options: BatchOptions): Settings {
  const positive = (name: string, value: number | undefined, fallback: number, min = 1) => {
    const v = value ?? fallback;
    if (!(v >= min) || !Number.isFinite(v)) {
      throw new RangeError(`Invalid ${name}: expected a number >= ${min}, got ${value}`);
    }
    return v;
  };
  const concurrency = positive("concurrency", options.concurrency, 100);
  if (!Number.isInteger(concurrency)) throw new RangeError(`Invalid concurrency: ${concurrency}`);
  const rate = options.rate === undefined ? undefined : positive("rate", options.rate, 1, 1e-6);
  return {
    concurrency,
    deadline: positive("deadline", options.deadline, 120_000),
    timeout: positive("timeout", options.timeout, 30_000, 0),
    connectTimeout: positive("connectTimeout", options.connectTimeout, 10_000),
    retries: positive("retries", options.retries, 2, 0),
    backoff: positive("backoff", options.backoff, 1_000, 0),
    maxBackoff: positive("maxBackoff", options.maxBackoff, 30_000, 0),
    open: options.open ?? defaultOpen,
    signal: options.signal ?? new AbortController().signal,
    cancel: options.cancel ?? new AbortController().signal,
    ...(rate === undefined ? {} : { limiter: new RateLimiter(rate) }),
    record: options.record,
  };
}

function taskRunner(task: DeviceTask, target: BatchOptions["target"]): Runner {
  return async (context) => {
    const { device } = context;
    context.step = "connect";
    const session = await context.open(
      target?.(device) ?? { kind: "telnet", host: device.host, port: device.port ?? 23 },
    );
    context.step = undefined;
    const captures = (await task(session, device, context)) ?? {};
    const exitStatus = session instanceof PtySession ? session.exitStatus() : undefined;
    return exitStatus ? { captures, exitStatus } : { captures };
  };
}

async function* drive(
  inventory: AsyncIterable<Device> | Iterable<Device>,
  run: Runner,
  settings: Settings,
  secrets: readonly string[],
): AsyncGenerator<DeviceResult, void, undefined> {
  const source = Symbol.asyncIterator in inventory
    ? inventory[Symbol.asyncIterator]()
    : (inventory as Iterable<Device>)[Symbol.iterator]();
  const queue = new ResultQueue<DeviceResult>(settings.concurrency);
  const interrupt = new AbortController();
  const onCancel = () => interrupt.abort();
  settings.cancel.addEventListener("abort", onCancel, { once: true });
  if (settings.cancel.aborted) onCancel();
  let stopping = false;
  let failure: unknown;
  let exhausted = false;
  const worker = async (): Promise<void> => {
    while (!stopping && !exhausted && !settings.signal.aborted) {
      let next: IteratorResult<Device>;
      try {
        next = await source.next();
      } catch (error) {
        failure ??= error;
        stopping = true;
        return;
      }
      if (next.done) {
        exhausted = true;
        return;
      }
      const result = await runDevice(next.value, run, settings, interrupt.signal, secrets);
      await queue.push(result);
    }
  };
  const workers = Promise.all(Array.from({ length: settings.concurrency }, worker)).finally(() =>
    queue.end()
  );
  try {
    for (let r = await queue.shift(); r !== undefined; r = await queue.shift()) yield r;
    await workers;
    if (failure !== undefined) throw failure;
  } finally {
    stopping = true;
    interrupt.abort();
    queue.discard();
    await workers;
    settings.cancel.removeEventListener("abort", onCancel);
    await source.return?.();
  }
}

class Interrupted extends Error {
  override name = "Interrupted";
}

async function runDevice(
  device: Device,
  run: Runner,
  settings: Settings,
  interrupt: AbortSignal,
  secrets: readonly string[],
): Promise<DeviceResult> {
  const control = new AbortController();
  const sessions = new Set<Session>();
  const closeAll = () => {
    for (const s of sessions) s.close().catch(() => {});
  };
  const onInterrupt = () => {
    control.abort(new Interrupted("Interrupted before the device finished"));
    closeAll();
  };
  let started: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let deadlineHit = false;
  let attempts = 0;
  const startClock = () => {
    if (started !== undefined) return;
    started = performance.now();
    timer = setTimeout(() => {
      deadlineHit = true;
      control.abort(new Interrupted(`The device's deadline of ${settings.deadline} ms passed`));
      closeAll();
    }, settings.deadline);
  };
  interrupt.addEventListener("abort", onInterrupt, { once: true });
  let recording: DeviceRecording | undefined;
  const context: DeviceContext = {
    device,
    signal: control.signal,
    step: undefined,
    open: async (target) => {
      for (let attempt = 1;; attempt++) {
        await settings.limiter?.take(control.signal);
        startClock();
        attempts++;
        try {
          const session = await settings.open(target, {
            session: {
              timeout: settings.timeout,
              observers: recording?.observers ?? [],
              ...(recording?.log ? { logRead: recording.log } : {}),
              ...(recording?.record ? { record: recording.record } : {}),
            },
            connectTimeout: settings.connectTimeout,
            signal: control.signal,
          });
          sessions.add(session);
          if (control.signal.aborted) closeAll();
          return session;
        } catch (error) {
          if (control.signal.aborted) throw control.signal.reason;
          if (attempt > settings.retries || !isConnectionFailure(error)) throw error;
          await sleep(backoffDelay(attempt, settings.backoff, settings.maxBackoff), control.signal);
        }
      }
    },
  };
  const base = {
    key: device.key,
    host: device.host,
    ...(device.port ? { port: device.port } : {}),
  };
  let status: DeviceStatus = "ok";
  let error: string | undefined;
  let outcome: TaskOutcome = {};
  try {
    if (interrupt.aborted) onInterrupt();
    control.signal.throwIfAborted();
    recording = await settings.record?.(device);
    outcome = await untilAborted(run(context), control.signal);
    const exit = outcome.exitStatus;
    if (exit && (exit.code !== 0 || exit.signal !== null)) {
      status = "error";
      error = exit.signal !== null
        ? `The program was killed by signal ${exit.signal}`
        : `The program exited with status ${exit.code}`;
    }
  } catch (caught) {
    [status, error] = classify(
      control.signal.aborted ? control.signal.reason : caught,
      deadlineHit,
    );
  } finally {
    clearTimeout(timer);
    interrupt.removeEventListener("abort", onInterrupt);
    await Promise.allSettled([...sessions].map((s) => s.close()));
    await recording?.close().catch(() => {});
  }
  const captures: Record<string, string> = {};
  for (const [name, value] of Object.entries(outcome.captures ?? {})) {
    captures[name] = redact(value, secrets);
  }
  return {
    ...base,
    status,
    ...(status !== "ok" && context.step !== undefined ? { step: context.step } : {}),
    captures,
    ...(outcome.exitStatus ? { exitStatus: outcome.exitStatus } : {}),
    durationMs: Math.round(started === undefined ? 0 : performance.now() - started),
    attempts,
    ...(error === undefined ? {} : { error: redact(error, secrets) }),
  };
}

/**
 * Settles as `work`, or rejects with the signal's reason as soon as it aborts: a task that
 * ignores its closed sessions and signal is abandoned rather than waited for.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function classify(error: unknown, deadlineHit: boolean): [DeviceStatus, string] {
  const message = error instanceof Error ? error.message : String(error);
  if (deadlineHit || error instanceof TimeoutError) return ["timeout", message];
  if (error instanceof EOFError) return ["eof", message];
  if (isRefused(error)) return ["refused", message];
  if (isConnectTimeout(error)) return ["timeout", message];
  return ["error", message];
}
