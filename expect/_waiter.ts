// Copyright the dexpect authors. MIT license.
/**
 * The "stop waiting" side of a call: its deadline, its AbortSignal, an idle timer and an
 * explicit wake-up (the session closing), merged into one promise that resolves once.
 *
 * @module
 */

/** Why a call stopped waiting for data. */
export type WakeReason = "timeout" | "abort" | "idle" | "closed" | "stop";

export class Waiter {
  /** Resolves with the first reason; never rejects. */
  readonly promise: Promise<WakeReason>;
  readonly #signal: AbortSignal | undefined;
  readonly #idleMs: number | undefined;
  #resolve!: (reason: WakeReason) => void;
  #deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #done = false;
  readonly #onAbort = (): void => this.wake("abort");

  /**
   * @param timeout Total deadline in ms from now, `null` for none.
   * @param signal Aborts the wait.
   * @param idleMs Wakes with "idle" after this many ms without {@link activity}.
   */
  constructor(timeout: number | null, signal?: AbortSignal, idleMs?: number) {
    this.promise = new Promise((resolve) => this.#resolve = resolve);
    this.#signal = signal;
    this.#idleMs = idleMs;
    if (signal?.aborted) {
      this.wake("abort");
      return;
    }
    signal?.addEventListener("abort", this.#onAbort, { once: true });
    if (timeout !== null) this.#deadlineTimer = setTimeout(() => this.wake("timeout"), timeout);
    this.activity();
  }

  /** Whether the waiter has fired (or been disposed). */
  get done(): boolean {
    return this.#done;
  }

  /** Restarts the idle timer (data arrived). */
  activity(): void {
    if (this.#idleMs === undefined || this.#done) return;
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => this.wake("idle"), this.#idleMs);
  }

  /** Fires with `reason` (first call wins) and releases the timers and listener. */
  wake(reason: WakeReason): void {
    if (this.#done) return;
    this.dispose();
    this.#resolve(reason);
  }

  /** Releases timers and the abort listener without firing. Idempotent. */
  dispose(): void {
    this.#done = true;
    if (this.#deadlineTimer !== undefined) clearTimeout(this.#deadlineTimer);
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#deadlineTimer = this.#idleTimer = undefined;
    this.#signal?.removeEventListener("abort", this.#onAbort);
  }
}
