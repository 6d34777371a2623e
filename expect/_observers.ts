// Copyright the dexpect authors. MIT license.
/**
 * Fan-out of session events to callbacks and streams.
 *
 * @module
 */

import type { LogTarget, SessionEvent, SessionObserver } from "./observers.ts";
import { StreamSink } from "./_sink.ts";

/** What the hub flushes on close; `ready()` as in {@link StreamSink.ready}. */
export interface Sink {
  close(): Promise<void>;
  ready?(): Promise<void> | undefined;
}

function logObserver(type: "read" | "send", target: LogTarget): [SessionObserver, StreamSink?] {
  if (typeof target === "function") {
    return [(e) => {
      if (e.type === type) target(e.data);
    }];
  }
  const sink = new StreamSink(target);
  return [(e) => {
    if (e.type === type) sink.write(e.data);
  }, sink];
}

export class ObserverHub {
  #observers: SessionObserver[] = [];
  #sinks: Sink[] = [];

  /** Whether anyone listens (lets hot paths skip building events). */
  get active(): boolean {
    return this.#observers.length > 0;
  }

  add(observer: SessionObserver): () => void {
    this.#observers = [...this.#observers, observer];
    return () => {
      this.#observers = this.#observers.filter((o) => o !== observer);
    };
  }

  addLog(type: "read" | "send", target: LogTarget): void {
    const [observer, sink] = logObserver(type, target);
    this.add(observer);
    if (sink) this.#sinks.push(sink);
  }

  /** Registers something to flush and release on {@link close}. */
  own(sink: Sink): void {
    this.#sinks.push(sink);
  }

  /**
   * `undefined` when every sink can take more; otherwise a promise that resolves when the
   * first stalled one can. Readers loop on it before reading more output.
   */
  ready(): Promise<void> | undefined {
    for (const sink of this.#sinks) {
      const ready = sink.ready?.();
      if (ready !== undefined) return ready;
    }
    return undefined;
  }

  emit(event: SessionEvent): void {
    for (const o of this.#observers) {
      try {
        o(event);
      } catch {
        // An observer's failure must not break the session.
      }
    }
  }

  async close(): Promise<void> {
    const sinks = this.#sinks;
    this.#sinks = [];
    this.#observers = [];
    await Promise.all(sinks.map((s) => s.close().catch(() => {})));
  }
}
