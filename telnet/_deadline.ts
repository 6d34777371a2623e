/**
 * A deadline and an abort signal for a write that has started: the caller's wait ends, the
 * write goes on in the connection's order.
 *
 * @module
 */
import { TimeoutError } from "../expect/errors.ts";

/** `write`, or a rejection once `timeout` ms pass (TimeoutError) or `signal` aborts. */
export function withDeadline(
  write: Promise<void>,
  total: number,
  timeout: number | null,
  signal: AbortSignal | undefined,
): Promise<void> {
  const started = performance.now();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => done(() => reject(signal!.reason));
    const timer = timeout === null ? undefined : setTimeout(() =>
      done(() =>
        reject(
          new TimeoutError({
            patterns: [],
            timeout,
            waited: performance.now() - started,
            tail: "",
            sending: { total, written: 0, queued: total },
          }),
        )
      ), timeout);
    function done(settle: () => void): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      settle();
    }
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    write.then(() => done(resolve), (error) => done(() => reject(error)));
  });
}
