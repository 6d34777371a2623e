// Copyright the dexpect authors. MIT license.
/**
 * Fan-out of session events to callbacks and streams.
 *
 * @module
 */

import type { LogTarget, SessionEvent, SessionObserver } from "./observers.ts";

/** Writes to a stream in order without waiting; `close()` drains and releases. */
export class StreamSink {
  #writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  #last: Promise<void> = Promise.resolve();
  #failed = false;

  constructor(stream: WritableStream<Uint8Array>) {
    this.#writer = stream.getWriter();
  }

  write(data: Uint8Array): void {
    if (this.#writer === undefined || this.#failed) return;
    this.#last = this.#writer.write(data).catch(() => {
      this.#failed = true;
    });
  }

  async close(): Promise<void> {
    const writer = this.#writer;
    if (writer === undefined) return;
    this.#writer = undefined;
    await this.#last;
    writer.releaseLock();
  }
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
  #sinks: { close(): Promise<void> }[] = [];

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
  own(closable: { close(): Promise<void> }): void {
    this.#sinks.push(closable);
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
