// Copyright the dexpect authors. MIT license.
/**
 * The "stop waiting" side of a call: its deadline, its AbortSignal, an idle timer and an
 * explicit wake-up (the session closing), merged into one promise that resolves once.
 *
 * @module
 */

/** Why a call stopped waiting for data. */
export type WakeReason = "timeout" | "abort" | "idle" | "closed" | "stop" | "recheck";

export class Waiter {
  readonly #signal: AbortSignal | undefined;
  readonly #idleMs: number | undefined;
  #reason: WakeReason | undefined;
  /** Listeners of the races in progress; each is dropped when its race settles. */
  readonly #listeners = new Set<(reason: WakeReason) => void>();
  #deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #recheckTimer: ReturnType<typeof setTimeout> | undefined;
  #recheckDue = false;
  #done = false;
  readonly #onAbort = (): void => this.wake("abort");

  /**
   * @param timeout Total deadline in ms from now, `null` for none.
   * @param signal Aborts the wait.
   * @param idleMs Wakes with "idle" after this many ms without {@link activity}.
   */
  constructor(timeout: number | null, signal?: AbortSignal, idleMs?: number) {
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

  /** How many races are waiting (each keeps a listener until it settles). */
  get races(): number {
    return this.#listeners.size;
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

  /**
   * Makes the current race (or the next one, if none is running) settle with `"recheck"`
   * in `ms`, without ending the waiter: a custom pattern asked to be checked again.
   */
  recheck(ms: number): void {
    if (this.#done) return;
    if (this.#recheckTimer !== undefined) clearTimeout(this.#recheckTimer);
    this.#recheckDue = false;
    this.#recheckTimer = setTimeout(() => {
      this.#recheckTimer = undefined;
      if (this.#listeners.size === 0) this.#recheckDue = true;
      for (const listener of this.#listeners) listener("recheck");
      this.#listeners.clear();
    }, ms);
  }

  /** Makes the current race (or the next one) settle with `"recheck"` at once. */
  nudge(): void {
    if (this.#done) return;
    if (this.#listeners.size === 0) this.#recheckDue = true;
    for (const listener of this.#listeners) listener("recheck");
    this.#listeners.clear();
  }

  /** Fires with `reason` (first call wins) and releases the timers and listener. */
  wake(reason: WakeReason): void {
    if (this.#done) return;
    this.dispose();
    this.#reason = reason;
    for (const listener of this.#listeners) listener(reason);
    this.#listeners.clear();
  }

  /**
   * Settles with `work`'s value, or with the wake reason if the waiter fires first.
   *
   * Unlike `Promise.race([work, longLived])`, nothing stays attached to the waiter once
   * `work` settles: racing many reads against one call-long promise would keep every
   * chunk read during the call alive until the call ends.
   */
  race<T>(work: Promise<T>): Promise<T | WakeReason> {
    if (this.#reason !== undefined) return Promise.resolve(this.#reason);
    if (this.#recheckDue) {
      this.#recheckDue = false;
      return Promise.resolve("recheck");
    }
    if (this.#done) return work;
    return new Promise<T | WakeReason>((resolve, reject) => {
      this.#listeners.add(resolve);
      const settle = () => this.#listeners.delete(resolve);
      work.then((value) => (settle(), resolve(value)), (error) => (settle(), reject(error)));
    });
  }

  /** Releases timers and the abort listener without firing. Idempotent. */
  dispose(): void {
    this.#done = true;
    if (this.#deadlineTimer !== undefined) clearTimeout(this.#deadlineTimer);
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    if (this.#recheckTimer !== undefined) clearTimeout(this.#recheckTimer);
    this.#deadlineTimer = this.#idleTimer = this.#recheckTimer = undefined;
    this.#signal?.removeEventListener("abort", this.#onAbort);
  }
}
