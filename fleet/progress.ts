// Copyright the dexpect authors. MIT license.
/**
 * Progress of a batch: counts by status, rate and ETA as one line, the summary at the end,
 * and a reporter that shows the line live on a terminal or every few seconds in a log.
 *
 * @module
 */
import { DEVICE_STATUSES, type DeviceResult, type DeviceStatus } from "./results.ts";

/** How many of the slowest devices a summary lists. */
const SLOWEST = 5;

/**
 * Counts a batch's results as they come and formats them.
 *
 * @example Count two results
 * ```ts
 * import { BatchProgress } from "./progress.ts";
 * import assert from "node:assert/strict";
 *
 * const progress = new BatchProgress({ total: 3, start: 0 });
 * const base = { host: "h", captures: {}, attempts: 1 };
 * progress.add({ ...base, key: "a", status: "ok", durationMs: 10 });
 * progress.add({ ...base, key: "b", status: "eof", durationMs: 30 });
 * assert.equal(progress.line(1_000), "2/3 done, 1 ok, 1 failed, 2.0/s, ETA 1s");
 * ```
 */
export class BatchProgress {
  /** Devices to run, when known. */
  total: number | undefined;
  /** Devices skipped (already `ok` when resuming). */
  skipped = 0;
  /** Results by status. */
  readonly counts: Record<DeviceStatus, number> = {
    ok: 0,
    timeout: 0,
    eof: 0,
    refused: 0,
    error: 0,
  };
  readonly #start: number;
  readonly #slowest: DeviceResult[] = [];
  #done = 0;

  /**
   * Creates the counter.
   *
   * @param options `total` devices when known, and the start time (`performance.now()` ms).
   */
  constructor(options: { total?: number; start?: number } = {}) {
    this.total = options.total;
    this.#start = options.start ?? performance.now();
  }

  /** Results counted so far. */
  get done(): number {
    return this.#done;
  }

  /** Results that were not `ok`. */
  get failed(): number {
    return this.#done - this.counts.ok;
  }

  /**
   * Counts a result.
   *
   * @param result The device's result.
   */
  add(result: DeviceResult): void {
    this.#done++;
    this.counts[result.status]++;
    const slow = this.#slowest;
    if (slow.length < SLOWEST || result.durationMs > slow[slow.length - 1].durationMs) {
      slow.push(result);
      slow.sort((a, b) => b.durationMs - a.durationMs);
      slow.length = Math.min(slow.length, SLOWEST);
    }
  }

  /** The slowest devices so far, slowest first (at most 5). */
  get slowest(): readonly DeviceResult[] {
    return this.#slowest;
  }

  /**
   * One line: done/total, ok, failed, devices per second and the time left.
   *
   * @param now The current time, `performance.now()` ms.
   * @returns E.g. `"120/1000 done, 118 ok, 2 failed, 40.0/s, ETA 22s"`.
   */
  line(now: number = performance.now()): string {
    const seconds = Math.max(now - this.#start, 1) / 1000;
    const rate = this.#done / seconds;
    const of = this.total === undefined ? "" : `/${this.total}`;
    let eta = "";
    if (this.total !== undefined && rate > 0) {
      eta = `, ETA ${duration(Math.max(this.total - this.#done, 0) / rate)}`;
    }
    return `${this.#done}${of} done, ${this.counts.ok} ok, ${this.failed} failed, ${
      rate.toFixed(1)
    }/s${eta}`;
  }

  /**
   * The summary: counts by status, time and rate, and the slowest devices.
   *
   * @param now The current time, `performance.now()` ms.
   * @returns Several lines, each ending with `"\n"`.
   */
  summary(now: number = performance.now()): string {
    const seconds = Math.max(now - this.#start, 1) / 1000;
    const counts = DEVICE_STATUSES.map((s) => `${this.counts[s]} ${s}`).join(", ");
    const skipped = this.skipped > 0 ? ` (${this.skipped} skipped as already ok)` : "";
    const lines = [
      `${this.#done} devices in ${duration(seconds)}${skipped}: ${counts}; ${
        (this.#done / seconds).toFixed(1)
      }/s`,
    ];
    if (this.#slowest.length > 0) {
      lines.push(
        `slowest: ${
          this.#slowest.map((r) => `${r.key} ${(r.durationMs / 1000).toFixed(1)}s (${r.status})`)
            .join(", ")
        }`,
      );
    }
    return lines.map((l) => `${l}\n`).join("");
  }
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** Options of {@linkcode reportProgress}. */
export interface ReportProgressOptions {
  /** Where the text goes (e.g. standard error). */
  write(text: string): void;
  /** A terminal gets one line redrawn in place; anything else a new line each time. */
  tty: boolean;
  /** Milliseconds between updates. @default {250 on a terminal, 5_000 otherwise} */
  interval?: number;
}

/**
 * Shows `progress` until the returned function is called: on a terminal one line redrawn in
 * place (`\r` and erase-line), otherwise a plain line; once at once, then every `interval` ms. Stopping clears
 * the live line and writes the summary.
 *
 * @param progress The counter the batch feeds.
 * @param options Where to write, whether it is a terminal, how often.
 * @returns A function that stops the updates and writes the summary.
 *
 * @example Report into a string
 * ```ts
 * import { BatchProgress, reportProgress } from "./progress.ts";
 * import assert from "node:assert/strict";
 *
 * let text = "";
 * const stop = reportProgress(new BatchProgress({ total: 0 }), {
 *   write: (t) => void (text += t),
 *   tty: false,
 * });
 * stop();
 * assert.match(text, /^0\/0 done, 0 ok, 0 failed, 0\.0\/s\n0 devices in/);
 * ```
 */
export function reportProgress(
  progress: BatchProgress,
  options: ReportProgressOptions,
): () => void {
  const { write, tty } = options;
  const interval = options.interval ?? (tty ? 250 : 5_000);
  const show = () => write(tty ? `\r\x1b[K${progress.line()}` : `${progress.line()}\n`);
  show();
  const timer = setInterval(show, interval);
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    write(`${tty ? "\r\x1b[K" : ""}${progress.summary()}`);
  };
}
