// Property tests on random input: the parser and the protocol never throw, keep memory
// bounded, do not depend on how input is split, and agree with a naive byte-at-a-time
// reference decoder written straight from RFC 854/855 and the documented CR NUL rule.

import assert from "node:assert/strict";
import { TelnetCommand as C } from "./constants.ts";
import type { TelnetEvent } from "./events.ts";
import { TelnetProtocol } from "./protocol.ts";
import { feedSplit, normalize, parserSource, type PlainEvent } from "./_test_helpers.ts";
import { random } from "../expect/_fake_channel.ts";
import { KERNEL_MIN_BYTES, loadChunk } from "./_unescape_kernel.ts";

const { IAC, SB, SE, WILL, DONT } = C;
const CR = 13;

/** The reference: one byte at a time, no views, no scanning. */
function reference(input: Uint8Array, binary: boolean, max: number): PlainEvent[] {
  const out: PlainEvent[] = [];
  let state = "data";
  let afterCr = false;
  let negotiation = 0;
  let option = 0;
  let payload: number[] = [];
  let discard = false;
  const data = (b: number) => {
    if (!binary) {
      const skip = afterCr && b === 0;
      afterCr = b === CR;
      if (skip) {
        afterCr = false;
        return;
      }
    }
    const last = out.at(-1);
    if (last?.type === "data") (last.data as number[]).push(b);
    else out.push({ type: "data", data: [b] });
  };
  const add = (b: number) => {
    if (discard) return;
    if (payload.length + 1 > max) {
      discard = true;
      payload = [];
      out.push({ type: "error", code: "overflow" });
    } else {
      payload.push(b);
    }
  };
  const iac = (b: number) => {
    state = "data";
    if (b === IAC) data(255);
    else if (b >= WILL && b <= DONT) {
      negotiation = b;
      state = "neg";
    } else if (b === SB) state = "sbopt";
    else if (b === SE) out.push({ type: "error", code: "violation" });
    else out.push({ type: "command", command: b });
  };
  for (const b of input) {
    switch (state) {
      case "data":
        if (b === IAC) state = "iac";
        else data(b);
        break;
      case "iac":
        iac(b);
        break;
      case "neg":
        out.push({ type: "negotiation", command: negotiation, option: b });
        state = "data";
        break;
      case "sbopt":
        option = b;
        payload = [];
        discard = false;
        state = "sb";
        break;
      case "sb":
        if (b === IAC) state = "sbiac";
        else add(b);
        break;
      case "sbiac":
        if (b === SE) {
          if (!discard) out.push({ type: "subnegotiation", option, payload });
          state = "data";
        } else if (b === IAC) {
          add(255);
          state = "sb";
        } else {
          out.push({ type: "error", code: "violation" });
          iac(b);
        }
        break;
    }
  }
  if (state !== "data") out.push({ type: "error", code: "truncated" });
  return out;
}

/** Random bytes biased toward the interesting ones. */
function randomInput(next: () => number, length: number): Uint8Array {
  const special = [IAC, IAC, IAC, SB, SE, WILL, 252, 253, DONT, 241, 246, CR, CR, 0, 0, 10, 0, 1];
  return Uint8Array.from(
    { length },
    () => next() < 0.4 ? special[Math.floor(next() * special.length)] : Math.floor(next() * 256),
  );
}

function randomCuts(next: () => number, length: number): number[] {
  const cuts: number[] = [];
  for (let at = 0; at < length;) {
    at += 1 + Math.floor(next() * 12);
    if (at < length) cuts.push(at);
  }
  return cuts;
}

/** Keep what the reference models: messages and trace-free shapes only. */
function comparable(events: readonly TelnetEvent[]): PlainEvent[] {
  return normalize(events).map((e) => {
    if (e.type !== "error") return e;
    return { type: "error", code: e.code };
  });
}

Deno.test("fuzz: parser equals the naive reference for any split", () => {
  const next = random(20240601);
  for (let round = 0; round < 3000; round++) {
    const input = randomInput(next, Math.floor(next() * 80));
    const binary = next() < 0.3;
    const max = [0, 3, 16, 1 << 16][Math.floor(next() * 4)];
    const expected = reference(input, binary, max);
    const source = parserSource({ binary, maxSubnegotiationBytes: max });
    const cuts = randomCuts(next, input.length);
    const actual = comparable(feedSplit(source, input, cuts));
    assert.deepEqual(actual, expected, `round ${round}: [${input}] cut at [${cuts}]`);
    assert.ok(source.parser.bufferedBytes <= Math.max(max, 0));
  }
});

Deno.test("fuzz: feedInPlace equals the naive reference for any split", () => {
  const next = random(20261130);
  for (let round = 0; round < 3000; round++) {
    // Escape-heavy input with long plain stretches, so both in-place paths (byte by byte and
    // indexOf + copyWithin) and their hand-overs are exercised.
    const bytes: number[] = [];
    for (let k = Math.floor(next() * 6); k >= 0; k--) {
      if (next() < 0.5) bytes.push(...randomInput(next, Math.floor(next() * 40)));
      else {
        // Sometimes sparse escapes over a long stretch: past the hand-moved bytes after an
        // escape, so the indexOf + copyWithin path (and its CR NUL handling) runs too.
        const sparse = next() < 0.3 ? 0.02 : 1;
        for (let m = Math.floor(next() * (sparse < 1 ? 900 : 200)); m > 0; m--) {
          const r = next();
          if (r < 0.08 * sparse) bytes.push(IAC, IAC);
          else if (r < 0.1 * sparse) bytes.push(IAC);
          else bytes.push(r < 0.15 ? CR : r < 0.2 ? 0 : 97);
        }
      }
    }
    const input = Uint8Array.from(bytes);
    const binary = next() < 0.3;
    const max = [0, 3, 16, 1 << 16][Math.floor(next() * 4)];
    const expected = reference(input, binary, max);
    const source = parserSource({ binary, maxSubnegotiationBytes: max }, true);
    const cuts = next() < 0.5
      ? randomCuts(next, input.length)
      : randomCuts(next, input.length).filter(() => next() < 0.05);
    // Each piece sits at a random offset in a larger buffer (word alignment varies).
    const events: TelnetEvent[] = [];
    let from = 0;
    for (const cut of [...cuts, input.length]) {
      const at = Math.floor(next() * 4);
      const room = new Uint8Array(cut - from + 8).fill(97); // an overread would show
      room.set(input.subarray(from, cut), at);
      events.push(...source.feed(room.subarray(at, at + cut - from)));
      from = cut;
    }
    events.push(...source.end());
    const actual = comparable(events);
    assert.deepEqual(actual, expected, `round ${round}: [${input}] cut at [${cuts}]`);
  }
});

/** Data with escapes every `gap` bytes on average, CR NUL and stray NULs, and some commands. */
function escapedStream(next: () => number, length: number, gap: number): Uint8Array {
  const bytes: number[] = [];
  while (bytes.length < length) {
    const r = next() * gap;
    if (r < 1) bytes.push(IAC, IAC);
    else if (r < 1.05) bytes.push(IAC, 241); // NOP
    else if (r < 1.07) bytes.push(IAC, 253, 24); // DO TTYPE
    else if (r < 1.3) bytes.push(CR, next() < 0.5 ? 0 : 10);
    else if (r < 1.4) bytes.push(0);
    else bytes.push(32 + Math.floor(next() * 95));
  }
  if (next() < 0.2) bytes.push(IAC); // a lone IAC at the very end
  return Uint8Array.from(bytes);
}

Deno.test("fuzz: feedInPlace's WebAssembly path equals the reference and the JavaScript path", () => {
  const next = random(854);
  const feedAll = (input: Uint8Array, cuts: number[], binary: boolean, offsets: number[]) => {
    const source = parserSource({ binary }, true);
    const events: TelnetEvent[] = [];
    let from = 0;
    [...cuts, input.length].forEach((cut, k) => {
      const room = new Uint8Array(cut - from + 8).fill(97);
      room.set(input.subarray(from, cut), offsets[k]);
      events.push(...source.feed(room.subarray(offsets[k], offsets[k] + cut - from)));
      from = cut;
    });
    return comparable([...events, ...source.end()]);
  };
  let kernelChunks = 0;
  for (let round = 0; round < 150; round++) {
    const gap = [3, 16, 200, 5000][round % 4];
    const input = escapedStream(next, KERNEL_MIN_BYTES + Math.floor(next() * 30_000), gap);
    const binary = next() < 0.3;
    // Pieces mostly long enough for the kernel, at every alignment.
    const cuts: number[] = [];
    for (
      let at = Math.floor(next() * 3000);
      at < input.length;
      at += 1 + Math.floor(next() * 9000)
    ) {
      cuts.push(at);
    }
    const offsets = Array.from({ length: cuts.length + 1 }, () => Math.floor(next() * 8));
    kernelChunks += [...cuts, input.length].filter((c, k) =>
      c - (k === 0 ? 0 : cuts[k - 1]) >= KERNEL_MIN_BYTES
    ).length;
    const expected = reference(input, binary, 1 << 16);
    assert.deepEqual(feedAll(input, cuts, binary, offsets), expected, `round ${round} (kernel)`);
    // With the kernel lent elsewhere, every piece takes the JavaScript path.
    const held = loadChunk(new Uint8Array(KERNEL_MIN_BYTES));
    assert.ok(held !== null);
    try {
      assert.deepEqual(feedAll(input, cuts, binary, offsets), expected, `round ${round} (js)`);
    } finally {
      held.release();
    }
  }
  assert.ok(kernelChunks > 300, `only ${kernelChunks} pieces were long enough for the kernel`);
});

Deno.test("fuzz: protocol never throws, is split-invariant and stays bounded", () => {
  const next = random(1143);
  for (let round = 0; round < 1500; round++) {
    const input = randomInput(next, Math.floor(next() * 120));
    const make = () =>
      new TelnetProtocol({
        terminalTypes: ["A", "B"],
        windowSize: { cols: 255, rows: 24 },
        terminalSpeed: { transmit: 9600, receive: 9600 },
        environment: { variables: { USER: "u" } },
        maxSubnegotiationBytes: 32,
        // BINARY refused on both sides, so the data must match the NVT reference exactly.
        policy: { 0: { acceptDo: false, acceptWill: false } },
        trace: true,
      });
    const whole = make();
    const wholeEvents = feedSplit(whole, input, []);
    const split = make();
    const splitEvents = feedSplit(split, input, randomCuts(next, input.length));
    assert.deepEqual(normalize(splitEvents), normalize(wholeEvents), `round ${round}`);
    assert.ok(whole.bufferedBytes <= 32);
    const dataOnly = (events: PlainEvent[]) => events.filter((e) => e.type === "data");
    assert.deepEqual(
      dataOnly(normalize(wholeEvents)),
      dataOnly(reference(input, false, 32)),
      `round ${round}: data`,
    );
    const sentBytes = wholeEvents.reduce((n, e) => n + (e.type === "send" ? e.bytes.length : 0), 0);
    assert.ok(sentBytes <= 10 * input.length, `round ${round}: sent ${sentBytes} bytes`);
  }
});

Deno.test("fuzz: protocol survives megabytes of hostile input with bounded memory", () => {
  const next = random(7);
  const telnet = new TelnetProtocol({ windowSize: { cols: 80, rows: 24 } });
  let events = 0;
  for (let i = 0; i < 32; i++) {
    const chunk = randomInput(next, 1 << 16);
    events += telnet.feed(chunk).length;
    assert.ok(telnet.bufferedBytes <= 65536);
  }
  events += telnet.end().length;
  assert.ok(events > 0);
});
