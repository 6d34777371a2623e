// Copyright the dexpect authors. MIT license.
/**
 * The write side of a session: `send()` (the channel's fast path, then the writable in
 * chunks under the call's deadline, or one character at a time with `charDelay`),
 * `sendEof()`, and closing the writable on release. Private to the engine.
 *
 * @module
 */

import type { Channel } from "./channel.ts";
import type { SendOptions } from "./options.ts";
import { SessionStateError } from "./errors.ts";
import { toWire } from "./_codec.ts";
import type { ObserverHub } from "./_observers.ts";
import { SEND_CHUNK_BYTES, SendDeadline } from "./_send.ts";
import { checkDuration, sleep } from "./_session_util.ts";

/** What the sender needs of its engine: state it shares with the read side. */
export interface SenderHost {
  /** Whether the session was closed. */
  readonly closed: boolean;
  /** The session's default deadline in milliseconds (`null`: none). */
  readonly timeout: number | null;
  /** Remembers data to redact. */
  addSecret(data: string | Uint8Array): void;
}

/** "***": what observers see of a secret sent. */
const HIDDEN = Uint8Array.of(0x2a, 0x2a, 0x2a);

export class Sender {
  readonly #channel: Channel;
  readonly #host: SenderHost;
  readonly #hub: ObserverHub;
  readonly #echo: () => boolean;
  readonly #charDelay: number;
  #writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  /** Chunks handed to the writable that have not settled. */
  #inflight = 0;
  #inputClosed = false;

  /** `echo` tells observers whether the peer echoes what is typed (the session's hook). */
  constructor(
    channel: Channel,
    host: SenderHost,
    hub: ObserverHub,
    echo: () => boolean,
    charDelay: number,
  ) {
    this.#channel = channel;
    this.#host = host;
    this.#hub = hub;
    this.#echo = echo;
    this.#charDelay = charDelay;
  }

  /**
   * Sends data: secrets remembered for redaction, optional delay between characters.
   * Returns `undefined` when the transport took it all at once: a small write then needs no
   * deadline, stream or promise. Throws (synchronously) on a closed session or bad options.
   */
  send(data: string | Uint8Array, options?: SendOptions): Promise<void> | undefined {
    this.assertWritable("send");
    const secret = options?.secret ?? false;
    if (secret) this.#host.addSecret(data);
    const delay = checkDuration("charDelay", options?.charDelay ?? this.#charDelay) ?? 0;
    const timeout = options?.timeout === undefined
      ? this.#host.timeout
      : checkDuration("timeout", options.timeout);
    const wire = toWire(data);
    const tried = delay === 0 ? this.#writeNow(wire, secret, options?.signal) : undefined;
    if (tried === wire.length) return undefined;
    return this.#sendRest(data, wire, tried, secret, delay, timeout, options?.signal);
  }

  /** The rest of `send`: through the writable, under the deadline, character by character. */
  async #sendRest(
    data: string | Uint8Array,
    wire: Uint8Array,
    tried: number | undefined,
    secret: boolean,
    delay: number,
    timeout: number | null,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const sent = tried ?? 0;
    const deadline = new SendDeadline(wire.length, timeout, signal, sent);
    try {
      if (delay === 0) {
        return await this.#write(wire.subarray(sent), secret, deadline, tried === undefined);
      }
      const units = typeof data === "string"
        ? Array.from(data)
        : Array.from(data, (b) => new Uint8Array([b]));
      for (let i = 0; i < units.length; i++) {
        if (i > 0) {
          await sleep(delay, signal);
          await deadline.check();
        }
        this.assertWritable("send");
        await this.#write(toWire(units[i]), secret, deadline);
      }
    } finally {
      deadline.dispose();
    }
  }

  /** Closes the writable (the default `sendEof()`). */
  async closeInput(): Promise<void> {
    this.assertWritable("sendEof");
    this.#inputClosed = true;
    this.#writer ??= this.#channel.writable.getWriter();
    await this.#writer.close();
  }

  assertWritable(call: string): void {
    if (this.#host.closed) {
      throw new SessionStateError("closed", `Cannot ${call}: the session is closed`);
    }
    if (this.#inputClosed) {
      throw new SessionStateError("closed", `Cannot ${call}: the input was closed by sendEof()`);
    }
  }

  /** Closes the writable, or aborts it when a send is stuck; never throws. */
  async release(): Promise<void> {
    const writer = this.#writer;
    try {
      if (writer !== undefined) {
        if (this.#inflight > 0) {
          // A send is stuck (the peer stopped reading): abort without waiting for it.
          writer.abort().catch(() => {});
        } else if (!this.#inputClosed) await writer.close();
        writer.releaseLock();
      } else if (!this.#channel.writable.locked) {
        await this.#channel.writable.close();
      }
    } catch {
      // The peer is gone: the writable is released all the same.
      writer?.releaseLock();
    }
  }

  /**
   * Writes what the channel's fast path takes of `bytes` at once (telling observers first);
   * `undefined` when not tried: no fast path, a write in flight, or the signal fired.
   */
  #writeNow(
    bytes: Uint8Array,
    secret: boolean,
    signal: AbortSignal | undefined,
  ): number | undefined {
    const writeNow = this.#channel.writeNow;
    if (
      writeNow === undefined || bytes.length === 0 || this.#inflight > 0 || signal?.aborted
    ) return undefined;
    this.#emitSend(bytes, secret);
    return writeNow.call(this.#channel, bytes);
  }

  #emitSend(bytes: Uint8Array, secret: boolean): void {
    if (this.#hub.active) {
      const data = secret ? HIDDEN.slice() : bytes;
      this.#hub.emit({ type: "send", data, time: performance.now(), secret, echo: this.#echo() });
    }
  }

  async #write(
    bytes: Uint8Array,
    secret: boolean,
    deadline: SendDeadline,
    emit = true,
  ): Promise<void> {
    this.#writer ??= this.#channel.writable.getWriter();
    if (emit) this.#emitSend(bytes, secret);
    // In chunks, each waited for under the call's deadline: a chunk still pending then stays
    // queued in the transport (counted as in flight until it settles), the rest is not sent.
    for (let at = 0; at === 0 || at < bytes.length; at += SEND_CHUNK_BYTES) {
      const chunk = bytes.length <= SEND_CHUNK_BYTES
        ? bytes
        : bytes.subarray(at, at + SEND_CHUNK_BYTES);
      this.#inflight++;
      const written = this.#writer.write(chunk).finally(() => this.#inflight--);
      await deadline.wait(written, chunk.length);
    }
  }
}
