import assert from "node:assert/strict";
import { TelnetCommand as C, TelnetOption as O } from "./constants.ts";
import { DEFAULT_MAX_SUBNEGOTIATION_BYTES, TelnetParser } from "./parser.ts";
import {
  bytes,
  concat,
  feedSplit,
  normalize,
  parserSource,
  type PlainEvent,
  splitsAgree,
} from "./_test_helpers.ts";

const { IAC, SB, SE, WILL, WONT, DO, DONT } = C;

function check(expected: PlainEvent[], actual: PlainEvent[], what: string): void {
  assert.deepEqual(actual, expected, what);
}

/** Decode input whole and at every split; assert all agree; return the events. */
function decode(input: Uint8Array, binary = false, max?: number): PlainEvent[] {
  const events = splitsAgree(
    () => parserSource({ binary, maxSubnegotiationBytes: max }),
    input,
    check,
  );
  // feedInPlace gives the same events at every split.
  splitsAgree(
    () => parserSource({ binary, maxSubnegotiationBytes: max }, true),
    input,
    (_, actual, what) => check(events, actual, `in place, ${what}`),
  );
  return events;
}

const data = (text: string) => ({ type: "data", data: [...bytes(text)] });

Deno.test("parser passes plain data through as one view", () => {
  const source = parserSource();
  const input = bytes("hello, world\r\n");
  const [event, ...rest] = source.feed(input);
  assert.equal(rest.length, 0);
  assert.equal(event.type, "data");
  assert.equal(event.type === "data" && event.data.buffer, input.buffer, "zero-copy view");
  assert.deepEqual(decode(input), [data("hello, world\r\n")]);
});

Deno.test("parser turns IAC IAC into one 255 data byte", () => {
  assert.deepEqual(decode(concat([bytes("a"), [IAC, IAC], bytes("b"), [IAC, IAC]])), [
    data("a\xffb\xff"),
  ]);
  assert.deepEqual(decode(Uint8Array.of(IAC, IAC, IAC, IAC)), [data("\xff\xff")]);
});

Deno.test("parser reports every command other than negotiation and SB", () => {
  for (const command of [C.NOP, C.DM, C.BRK, C.IP, C.AO, C.AYT, C.EC, C.EL, C.GA, C.EOR, 17]) {
    assert.deepEqual(decode(concat([bytes("x"), [IAC, command], bytes("y")])), [
      data("x"),
      { type: "command", command },
      data("y"),
    ]);
  }
});

Deno.test("parser reports WILL, WONT, DO and DONT with their option", () => {
  for (const command of [WILL, WONT, DO, DONT]) {
    assert.deepEqual(decode(Uint8Array.of(IAC, command, O.NAWS, 65)), [
      { type: "negotiation", command, option: O.NAWS },
      data("A"),
    ]);
  }
  // The option byte may be 255 (EXOPL).
  assert.deepEqual(decode(Uint8Array.of(IAC, DO, 255)), [
    { type: "negotiation", command: DO, option: 255 },
  ]);
});

Deno.test("parser collects a subnegotiation with IAC IAC unescaped", () => {
  const input = Uint8Array.of(IAC, SB, O.NAWS, 0, IAC, IAC, 0, 24, IAC, SE, 33);
  assert.deepEqual(decode(input), [
    { type: "subnegotiation", option: O.NAWS, payload: [0, 255, 0, 24] },
    data("!"),
  ]);
  assert.deepEqual(decode(Uint8Array.of(IAC, SB, O.TTYPE, IAC, SE)), [
    { type: "subnegotiation", option: O.TTYPE, payload: [] },
  ]);
});

Deno.test("parser drops a subnegotiation interrupted by IAC and a command, then runs it", () => {
  const input = Uint8Array.of(IAC, SB, O.TTYPE, 1, IAC, DO, O.ECHO, 66);
  const events = decode(input);
  assert.equal(events.length, 3);
  assert.equal(events[0].type, "error");
  assert.equal(events[0].code, "violation");
  assert.match(events[0].message as string, /TTYPE.*IAC DO/);
  assert.deepEqual(events.slice(1), [
    { type: "negotiation", command: DO, option: O.ECHO },
    data("B"),
  ]);
});

Deno.test("parser reports SE outside a subnegotiation as a violation", () => {
  const events = decode(Uint8Array.of(65, IAC, SE, 66));
  assert.deepEqual(events.map((e) => e.type), ["data", "error", "data"]);
  assert.equal(events[1].code, "violation");
});

Deno.test("parser turns CR NUL into CR and keeps CR LF, bare NUL and CR x", () => {
  assert.deepEqual(decode(bytes("a\r\0b\r\nc\0d\re\r\0\0f\r\r\0")), [
    data("a\rb\r\nc\0d\re\r\0f\r\r"),
  ]);
  // Commands between CR and NUL are transparent.
  assert.deepEqual(decode(concat([bytes("a\r"), [IAC, C.NOP], bytes("\0b")])), [
    data("a\r"),
    { type: "command", command: C.NOP },
    data("b"),
  ]);
  // A 255 data byte between them is not.
  assert.deepEqual(decode(concat([bytes("\r"), [IAC, IAC], bytes("\0")])), [data("\r\xff\0")]);
  assert.deepEqual(decode(bytes("\0\0")), [data("\0\0")]);
});

Deno.test("parser delivers a CR that ends a chunk at once", () => {
  const source = parserSource();
  assert.deepEqual(normalize(source.feed(bytes("prompt\r"))), [data("prompt\r")]);
  assert.deepEqual(normalize(source.feed(bytes("\0next"))), [data("next")]);
  assert.deepEqual(normalize(source.feed(bytes("\0"))), [data("\0")]);
});

Deno.test("parser leaves CR NUL alone in BINARY mode, switchable mid-stream", () => {
  assert.deepEqual(decode(bytes("a\r\0b"), true), [data("a\r\0b")]);
  // Switch to binary from inside the handler, as TelnetProtocol does on WILL BINARY.
  const seen: string[] = [];
  const parser: TelnetParser = new TelnetParser({
    data: (d) => seen.push(JSON.stringify(String.fromCharCode(...d))),
    command: () => {},
    negotiation: (_command, option) => {
      parser.binary = option === O.BINARY;
    },
    subnegotiation: () => {},
    error: () => {},
  });
  parser.feed(
    concat([bytes("x\r\0"), [IAC, WILL, O.BINARY], bytes("y\r\0"), [IAC, WILL, 9], bytes("\r\0")]),
  );
  assert.deepEqual(seen, ['"x\\r"', '"y\\r\\u0000"', '"\\r"']);
});

Deno.test("parser discards a subnegotiation over the limit and resyncs at IAC SE", () => {
  const payload = new Uint8Array(100).fill(7);
  const input = concat([[IAC, SB, O.TTYPE], payload, [IAC, SE], bytes("ok")]);
  const events = decode(input, false, 64);
  assert.deepEqual(events.map((e) => e.type), ["error", "data"]);
  assert.equal(events[0].code, "overflow");
  assert.match(events[0].message as string, /TTYPE.*64 bytes/);
  assert.deepEqual(events[1], data("ok"));
  // Exactly at the limit is fine.
  const exact = decode(concat([[IAC, SB, O.TTYPE], payload.subarray(0, 64), [IAC, SE]]), false, 64);
  assert.deepEqual(exact.map((e) => e.type), ["subnegotiation"]);
  // IAC IAC counts as one byte.
  const escaped = concat([[IAC, SB, O.NAWS], new Uint8Array(63), [IAC, IAC, IAC, SE]]);
  assert.deepEqual(decode(escaped, false, 64).map((e) => e.type), ["subnegotiation"]);
});

Deno.test("parser keeps memory bounded under an endless subnegotiation", () => {
  const source = parserSource();
  const chunk = new Uint8Array(1 << 20).fill(65);
  source.feed(Uint8Array.of(IAC, SB, O.TTYPE));
  let errors = 0;
  for (let i = 0; i < 20; i++) {
    errors += source.feed(chunk).filter((e) => e.type === "error").length;
    assert.ok(source.parser.bufferedBytes <= DEFAULT_MAX_SUBNEGOTIATION_BYTES);
  }
  assert.equal(errors, 1, "one overflow error, not one per chunk");
  assert.deepEqual(normalize(source.feed(Uint8Array.of(IAC, SE, 33))), [data("!")]);
  // A large subnegotiation's buffer is released once it is over.
  source.feed(concat([[IAC, SB, 1], new Uint8Array(60000), [IAC, SE]]));
  assert.ok(source.parser.bufferedBytes <= 1024);
});

Deno.test("parser reports truncation at end in every state, then starts afresh", () => {
  const cases: [number[], RegExp][] = [
    [[IAC], /IAC without a command byte/],
    [[IAC, DO], /IAC DO without an option byte/],
    [[IAC, SB], /IAC SB without an option byte/],
    [[IAC, SB, O.NAWS, 0, 80], /subnegotiation NAWS without IAC SE \(2 payload bytes dropped\)/],
    [[IAC, SB, O.NAWS, 0, IAC], /subnegotiation NAWS without IAC SE/],
  ];
  for (const [input, pattern] of cases) {
    const source = parserSource();
    const events = feedSplit(source, Uint8Array.from([65, ...input]), []);
    assert.deepEqual(events.map((e) => e.type), ["data", "error"], String(input));
    const error = events[1];
    assert.equal(error.type === "error" && error.code, "truncated");
    assert.match(error.type === "error" ? error.message : "", pattern);
    assert.deepEqual(normalize(source.feed(bytes("\0x"))), [data("\0x")], "fresh state after end");
  }
  assert.deepEqual(feedSplit(parserSource(), bytes("fine\r"), []).length, 1);
});

Deno.test("parser gives identical events for any split of a mixed stream", () => {
  const input = concat([
    bytes("login: \r\0"),
    [IAC, DO, O.TTYPE, IAC, WILL, O.ECHO],
    bytes("a"),
    [IAC, IAC, IAC, IAC, IAC, SB, O.NAWS, 0, IAC, IAC, 0, 24, IAC, SE],
    [IAC, SB, O.TTYPE, 1, IAC, C.NOP],
    bytes("\r"),
    [IAC, C.AYT],
    bytes("\0\r\n"),
    [IAC, SE, IAC, SB, 1, 2, IAC],
  ]);
  const events = decode(input);
  assert.deepEqual(events.map((e) => e.type), [
    "data",
    "negotiation",
    "negotiation",
    "data",
    "subnegotiation",
    "error",
    "command",
    "data",
    "command",
    "data",
    "error",
    "error",
  ]);
  assert.deepEqual(events[0], data("login: \r"));
  assert.deepEqual(events[3], data("a\xff\xff"));
  assert.deepEqual(events[9], data("\r\n"));
});

Deno.test("parser rejects a bad limit", () => {
  const handler = {
    data() {},
    command() {},
    negotiation() {},
    subnegotiation() {},
    error() {},
  };
  assert.throws(() => new TelnetParser(handler, { maxSubnegotiationBytes: -1 }), RangeError);
  assert.throws(() => new TelnetParser(handler, { maxSubnegotiationBytes: 1.5 }), RangeError);
});
