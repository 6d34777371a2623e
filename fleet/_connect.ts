// Copyright the dexpect authors. MIT license.
// Opening a device's session: the default opener, connection-rate limiting, retries with
// backoff, and telling connection failures apart from everything else.
import type { SessionOptions } from "../expect/options.ts";
import type { Session } from "../expect/session.ts";
import { TelnetError } from "../telnet/errors.ts";
import { Telnet } from "../telnet/client.ts";
import { spawn } from "../pty/session.ts";
import type { OpenOptions, Target } from "./batch.ts";

/** The default opener: Telnet for `telnet` targets, a pty for `spawn` targets. */
export async function defaultOpen(target: Target, options: OpenOptions): Promise<Session> {
  if (target.kind === "spawn") return spawn(target.command, options.session);
  const telnet = new Telnet(options.session as SessionOptions<string>);
  try {
    await telnet.open(target.host, target.port, {
      timeout: options.connectTimeout,
      signal: options.signal,
    });
  } catch (error) {
    await telnet.close();
    throw error;
  }
  return telnet;
}

const CONNECTION_ERRORS = [
  "ConnectionRefused",
  "ConnectionReset",
  "ConnectionAborted",
  "NotConnected",
  "TimedOut",
  "NetworkUnreachable",
  "AddrNotAvailable",
] as const;

function isDenoConnectionError(error: unknown): boolean {
  return CONNECTION_ERRORS.some((name) => {
    const type = (Deno.errors as unknown as Record<string, unknown>)[name];
    return typeof type === "function" && error instanceof (type as ErrorConstructor);
  });
}

/** Whether `error` (from an opener) is a connection failure worth retrying. */
export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof TelnetError) return error.reason === "timeout" || error.reason === "io";
  return isDenoConnectionError(error);
}

/** Whether the connection was refused (the error or its cause). */
export function isRefused(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e instanceof Deno.errors.ConnectionRefused) return true;
  }
  return false;
}

/** Whether a connection attempt timed out. */
export function isConnectTimeout(error: unknown): boolean {
  return (error instanceof TelnetError && error.reason === "timeout") ||
    error instanceof Deno.errors.TimedOut;
}

export { sleep } from "../expect/_session_util.ts";

interface Waiter {
  resolve(): void;
  reject(reason: unknown): void;
  signal: AbortSignal | undefined;
  onAbort(): void;
}

/**
 * Spaces connection attempts at least `1000 / perSecond` ms apart across the whole batch,
 * measured from when each attempt was let through (a late timer never lets two through
 * together). Waiters go first come, first served; at most one timer runs.
 */
export class RateLimiter {
  readonly #interval: number;
  readonly #queue: Waiter[] = [];
  #last = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(perSecond: number) {
    this.#interval = 1000 / perSecond;
  }

  /** Waits for this caller's turn; rejects with the signal's reason if it aborts first. */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.#queue.splice(this.#queue.indexOf(waiter), 1);
          if (this.#queue.length === 0 && this.#timer !== undefined) {
            clearTimeout(this.#timer);
            this.#timer = undefined;
          }
          reject(signal!.reason);
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.#queue.push(waiter);
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#queue.length === 0) return;
    const wait = this.#last + this.#interval - performance.now();
    if (wait <= 0) return this.#grant();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#grant();
    }, wait);
  }

  #grant(): void {
    const waiter = this.#queue.shift();
    if (waiter === undefined) return;
    waiter.signal?.removeEventListener("abort", waiter.onAbort);
    this.#last = performance.now();
    waiter.resolve();
    this.#schedule();
  }
}

/** The wait before retry `attempt` (1-based): exponential, capped, with jitter in [½, 1]. */
export function backoffDelay(attempt: number, base: number, max: number): number {
  const full = Math.min(max, base * 2 ** (attempt - 1));
  return full * (0.5 + Math.random() / 2);
}
