import assert from "node:assert/strict";
import { TelnetCommand as C, TelnetOption as O, TelnetSubcommand as S } from "./constants.ts";
import type { TelnetEvent } from "./events.ts";
import { TelnetProtocol } from "./protocol.ts";
import { bytes, concat, normalize, type PlainEvent, splitsAgree } from "./_test_helpers.ts";

const { IAC, SB, SE, WILL, WONT, DO, DONT } = C;

const sent = (events: readonly TelnetEvent[]): number[] =>
  events.flatMap((e) => (e.type === "send" ? [...e.bytes] : []));
const traces = (events: readonly TelnetEvent[]): string[] =>
  events.flatMap((e) => (e.type === "trace" ? [e.message] : []));
const ofType = <T extends TelnetEvent["type"]>(events: readonly TelnetEvent[], type: T) =>
  events.filter((e): e is Extract<TelnetEvent, { type: T }> => e.type === type);

const client = () =>
  new TelnetProtocol({
    terminalTypes: ["XTERM", "VT100"],
    windowSize: { cols: 80, rows: 24 },
    terminalSpeed: { transmit: 38400, receive: 38400 },
    environment: { variables: { USER: "ann" } },
    trace: true,
  });

Deno.test("protocol gives identical events for any split of a whole session", () => {
  const input = concat([
    [IAC, DO, O.TTYPE, IAC, DO, O.NAWS, IAC, WILL, O.ECHO, IAC, WILL, O.SGA],
    bytes("Welcome\r\n\r\0"),
    [IAC, SB, O.TTYPE, S.SEND, IAC, SE, IAC, SB, O.TTYPE, S.SEND, IAC, SE],
    [IAC, DO, O.NEW_ENVIRON, IAC, SB, O.NEW_ENVIRON, S.SEND, IAC, SE],
    [IAC, WILL, O.BINARY],
    bytes("bin\r\0"),
    [IAC, IAC, IAC, WONT, O.BINARY],
    bytes("\r"),
    [IAC, C.GA],
    bytes("\0text"),
    [IAC, DO, O.LINEMODE, IAC, DONT, O.NAWS, IAC, SB, 99, 1, 2],
    new Uint8Array(100).fill(7),
  ]);
  const events = splitsAgree(client, input, (expected, actual, what) => {
    assert.deepEqual(actual, expected, what);
  });
  const data = events.filter((e) => e.type === "data").map((e) =>
    String.fromCharCode(...(e.data as number[]))
  );
  assert.deepEqual(data, ["Welcome\r\n\r", "bin\r\0\xff", "\r", "text"]);
  assert.equal(events.at(-1)?.code, "truncated");
});

Deno.test("protocol data events are views of the chunk", () => {
  const chunk = bytes("no commands here");
  const [event] = new TelnetProtocol().feed(chunk);
  assert.equal(event.type === "data" && event.data.buffer, chunk.buffer);
});

Deno.test("protocol answers a DO/WILL flood once", () => {
  const telnet = new TelnetProtocol();
  const one = Uint8Array.of(IAC, DO, O.SGA, IAC, WILL, O.ECHO);
  const flood = new Uint8Array(one.length * 5000);
  for (let i = 0; i < 5000; i++) flood.set(one, i * one.length);
  const events = telnet.feed(flood);
  assert.equal(ofType(events, "send").length, 2);
  assert.equal(ofType(events, "negotiation").length, 10000);
  assert.deepEqual(sent(events), [IAC, WILL, O.SGA, IAC, DO, O.ECHO]);
  assert.equal(sent(telnet.feed(flood)).length, 0);
});

Deno.test("protocol trace lines read like telnet(1) debug output", () => {
  const telnet = client();
  const lines = traces([
    ...telnet.feed(concat([[IAC, DO, O.NAWS, IAC, DO, O.TTYPE, IAC, WILL, 200, IAC, C.AYT]])),
    ...telnet.feed(Uint8Array.of(IAC, SB, O.TTYPE, S.SEND, IAC, SE)),
    ...telnet.feed(Uint8Array.of(IAC, SB, O.NEW_ENVIRON, S.SEND, IAC, SE)),
    ...telnet.feed(Uint8Array.of(IAC, DO, O.NEW_ENVIRON, IAC, DO, O.TSPEED)),
    ...telnet.feed(Uint8Array.of(IAC, SB, O.NEW_ENVIRON, S.SEND, IAC, SE)),
    ...telnet.feed(Uint8Array.of(IAC, SB, O.TSPEED, S.SEND, IAC, SE, IAC, SB, 99, 1, IAC, SE)),
    ...telnet.sendCommand(C.IP),
    ...telnet.setWindowSize(100, 40),
  ]);
  assert.deepEqual(lines, [
    "RCVD DO NAWS",
    "SENT WILL NAWS",
    "SENT SB NAWS 80 24",
    "RCVD DO TTYPE",
    "SENT WILL TTYPE",
    "RCVD WILL 200",
    "SENT DONT 200",
    "RCVD IAC AYT",
    "RCVD SB TTYPE SEND",
    'SENT SB TTYPE IS "XTERM"',
    "RCVD SB NEW_ENVIRON SEND",
    "RCVD DO NEW_ENVIRON",
    "SENT WILL NEW_ENVIRON",
    "RCVD DO TSPEED",
    "SENT WILL TSPEED",
    "RCVD SB NEW_ENVIRON SEND",
    'SENT SB NEW_ENVIRON IS VAR "USER" VALUE "ann"',
    "RCVD SB TSPEED SEND",
    'SENT SB TSPEED IS "38400,38400"',
    "RCVD SB 99 01",
    "SENT IAC IP",
    "SENT SB NAWS 100 40",
  ]);
  telnet.trace = false;
  assert.deepEqual(traces(telnet.feed(Uint8Array.of(IAC, DO, O.ECHO))), []);
});

Deno.test("protocol option events and BINARY switch the receive and send rules", () => {
  const telnet = new TelnetProtocol();
  const events = telnet.feed(Uint8Array.of(IAC, WILL, O.BINARY, IAC, DO, O.BINARY, 13, 0));
  assert.deepEqual(normalize(ofType(events, "option")), [
    { type: "option", side: "him", option: O.BINARY, enabled: true },
    { type: "option", side: "us", option: O.BINARY, enabled: true },
  ]);
  assert.deepEqual(normalize(ofType(events, "data")), [{ type: "data", data: [13, 0] }]);
  assert.deepEqual([...telnet.encodeData(bytes("\n\r"))], [10, 13]);
  assert.equal(telnet.isEnabled("him", O.BINARY), true);
  // Our request to stop takes effect at once on our side.
  const off = telnet.negotiate(DONT, O.BINARY);
  assert.deepEqual(sent(off), [IAC, DONT, O.BINARY]);
  assert.deepEqual(telnet.state("him", O.BINARY), { state: "wantno", queue: "empty" });
  assert.deepEqual(normalize(telnet.feed(Uint8Array.of(13, 0))), [{ type: "data", data: [13] }]);
});

Deno.test("protocol telnetlib callback takes over negotiation", () => {
  const telnet = new TelnetProtocol({ windowSize: { cols: 80, rows: 24 } });
  const calls: number[][] = [];
  let replies: TelnetEvent[] = [];
  telnet.setOptionNegotiationCallback((command, option) => {
    calls.push([command, option]);
    if (command === SE) calls.push([...telnet.readSbData()]);
    if (command === DO && option === O.NAWS) replies = telnet.negotiate(WILL, O.NAWS);
  });
  const events = telnet.feed(
    Uint8Array.of(IAC, DO, O.NAWS, IAC, WILL, O.ECHO, IAC, SB, O.TTYPE, 1, IAC, SE, IAC, C.NOP),
  );
  assert.deepEqual(calls, [
    [DO, O.NAWS],
    [WILL, O.ECHO],
    [SB, 0],
    [SE, 0],
    [O.TTYPE, 1],
    [C.NOP, 0],
  ]);
  assert.deepEqual(sent(events), [], "nothing answered automatically");
  assert.deepEqual(sent(replies), [IAC, WILL, O.NAWS], "the callback may negotiate itself");
  assert.equal(telnet.isEnabled("him", O.ECHO), false);
  telnet.setOptionNegotiationCallback(null);
  assert.deepEqual(sent(telnet.feed(Uint8Array.of(IAC, WILL, O.ECHO))), [IAC, DO, O.ECHO]);
});

Deno.test("protocol reports a throwing callback and goes on", () => {
  const telnet = new TelnetProtocol();
  const boom = new Error("boom");
  telnet.setOptionNegotiationCallback(() => {
    throw boom;
  });
  const events = normalize(telnet.feed(Uint8Array.of(IAC, DO, 1, 65)));
  assert.equal(events[1].type, "error");
  assert.equal(events[1].code, "callback");
  assert.equal(events[1].cause, boom);
  assert.deepEqual(events[2], { type: "data", data: [65] });
  // Feeding from inside the callback is refused, and reported the same way.
  telnet.setOptionNegotiationCallback(() => telnet.feed(Uint8Array.of(66)));
  const nested = telnet.feed(Uint8Array.of(IAC, DO, 1));
  const error = ofType(nested, "error")[0];
  assert.ok(error.cause instanceof TypeError);
});

Deno.test("protocol readSbData keeps only the last subnegotiation", () => {
  const telnet = new TelnetProtocol();
  assert.deepEqual([...telnet.readSbData()], []);
  telnet.feed(Uint8Array.of(IAC, SB, 1, 2, IAC, SE, IAC, SB, 3, IAC, IAC, IAC, SE));
  assert.deepEqual([...telnet.readSbData()], [3, 255]);
  assert.deepEqual([...telnet.readSbData()], []);
});

Deno.test("protocol keeps memory bounded under an endless subnegotiation", () => {
  const telnet = new TelnetProtocol({ maxSubnegotiationBytes: 1024 });
  telnet.feed(Uint8Array.of(IAC, SB, O.TTYPE));
  const chunk = new Uint8Array(1 << 16).fill(1);
  let errors = 0;
  for (let i = 0; i < 100; i++) {
    const events = telnet.feed(chunk);
    errors += events.length;
    assert.ok(events.every((e) => e.type === "error" && e.code === "overflow"));
  }
  assert.equal(errors, 1);
  assert.deepEqual(normalize(telnet.feed(Uint8Array.of(IAC, SE, 65))), [
    { type: "data", data: [65] },
  ]);
});

Deno.test("protocol validates its arguments", () => {
  assert.throws(() => new TelnetProtocol({ terminalTypes: [] }), RangeError);
  assert.throws(() => new TelnetProtocol({ windowSize: { cols: 70000, rows: 1 } }), RangeError);
  assert.throws(
    () => new TelnetProtocol({ terminalSpeed: { transmit: -1, receive: 1 } }),
    RangeError,
  );
  assert.throws(() => new TelnetProtocol({ maxSubnegotiationBytes: -5 }), RangeError);
  const telnet = new TelnetProtocol();
  for (const command of [IAC, SB, SE, WILL, WONT, DO, DONT, 256, -1]) {
    assert.throws(() => telnet.sendCommand(command), RangeError, String(command));
  }
  assert.throws(() => telnet.negotiate(C.NOP, 1), RangeError);
  assert.throws(() => telnet.negotiate(DO, 256), RangeError);
  assert.throws(() => telnet.setWindowSize(-1, 24), RangeError);
  assert.throws(() => telnet.sendSubnegotiation(300, new Uint8Array(0)), RangeError);
  assert.equal(telnet.windowSize, null);
  telnet.setWindowSize(10, 20);
  assert.deepEqual(telnet.windowSize, { cols: 10, rows: 20 });
});

Deno.test("protocol end is idempotent and resets parsing", () => {
  const telnet = new TelnetProtocol();
  telnet.feed(Uint8Array.of(65, IAC, SB, 1, 2));
  const first: PlainEvent[] = normalize(telnet.end());
  assert.equal(first.length, 1);
  assert.equal(first[0].code, "truncated");
  assert.deepEqual(telnet.end(), []);
  assert.deepEqual(normalize(telnet.feed(Uint8Array.of(66))), [{ type: "data", data: [66] }]);
});
