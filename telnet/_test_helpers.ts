// Helpers shared by the telnet/ tests. Not part of the public API.

import type { TelnetEvent } from "./events.ts";
import type { TelnetNegotiationCommand } from "./negotiation.ts";
import { TelnetParser, type TelnetParserOptions } from "./parser.ts";

/** Something with feed/end returning events (a TelnetProtocol). */
export interface EventSource {
  feed(chunk: Uint8Array): TelnetEvent[];
  end(): TelnetEvent[];
}

/** Plain, comparable copy of an event (Uint8Arrays as number arrays). */
export type PlainEvent = Record<string, unknown>;

/** Turn events into plain objects and merge adjacent data events. */
export function normalize(events: readonly TelnetEvent[]): PlainEvent[] {
  const out: PlainEvent[] = [];
  for (const e of events) {
    if (e.type === "data") {
      const last = out.at(-1);
      if (last?.type === "data") (last.data as number[]).push(...e.data);
      else out.push({ type: "data", data: [...e.data] });
      continue;
    }
    const plain: PlainEvent = {};
    for (const [key, value] of Object.entries(e)) {
      plain[key] = value instanceof Uint8Array ? [...value] : value;
    }
    out.push(plain);
  }
  return out;
}

/** Feed `input` cut at the given offsets, then end; return all events. */
export function feedSplit(
  source: EventSource,
  input: Uint8Array,
  cuts: readonly number[],
  end = true,
): TelnetEvent[] {
  const events: TelnetEvent[] = [];
  let from = 0;
  for (const cut of [...cuts, input.length]) {
    // Copy each piece so views cannot alias across chunks.
    events.push(...source.feed(input.slice(from, cut)));
    from = cut;
  }
  if (end) events.push(...source.end());
  return events;
}

/** Concatenate byte arrays. */
export function concat(parts: readonly (Uint8Array | readonly number[])[]): Uint8Array {
  const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** Bytes of a string, each char code taken as a byte (so "\xff" is 255). */
export function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/**
 * Assert that feeding `input` whole, byte by byte, and split in two at every offset gives the
 * same normalized events. `make` builds a fresh source each time.
 */
export function splitsAgree(
  make: () => EventSource,
  input: Uint8Array,
  check: (expected: PlainEvent[], actual: PlainEvent[], what: string) => void,
): PlainEvent[] {
  const whole = normalize(feedSplit(make(), input, []));
  const each = Array.from({ length: Math.max(0, input.length - 1) }, (_, i) => i + 1);
  check(whole, normalize(feedSplit(make(), input, each)), "byte by byte");
  for (let cut = 0; cut <= input.length; cut++) {
    check(whole, normalize(feedSplit(make(), input, [cut])), `split at ${cut}`);
  }
  return whole;
}

/**
 * A TelnetParser wrapped as an EventSource, for tests of the bare parser; with `inPlace`, fed
 * with `feedInPlace` (the data views then alias the chunk: `normalize` copies them at once).
 */
export function parserSource(
  options?: TelnetParserOptions,
  inPlace = false,
): EventSource & { parser: TelnetParser } {
  let out: TelnetEvent[] = [];
  const parser = new TelnetParser({
    data: (data) => out.push({ type: "data", data }),
    command: (command) => out.push({ type: "command", command }),
    negotiation: (command, option) =>
      out.push({ type: "negotiation", command: command as TelnetNegotiationCommand, option }),
    subnegotiation: (option, payload) => out.push({ type: "subnegotiation", option, payload }),
    error: (code, message) => out.push({ type: "error", code, message }),
  }, options);
  const take = () => {
    const events = out;
    out = [];
    return events;
  };
  return {
    parser,
    feed(chunk) {
      if (inPlace) parser.feedInPlace(chunk);
      else parser.feed(chunk);
      return take();
    },
    end() {
      parser.end();
      return take();
    },
  };
}
