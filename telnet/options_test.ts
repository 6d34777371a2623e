import assert from "node:assert/strict";
import { TelnetSubcommand } from "./constants.ts";
import {
  answerEnvironmentSend,
  decodeEnvironmentPayload,
  decodeIsPayload,
  decodeNawsPayload,
  encodeEnvironmentPayload,
  encodeIsPayload,
  encodeNawsPayload,
  formatTerminalSpeed,
  TerminalTypeCycle,
} from "./options.ts";

Deno.test("NAWS payload is two 16-bit big-endian numbers (RFC 1073)", () => {
  assert.deepEqual([...encodeNawsPayload({ cols: 255, rows: 256 })], [0, 255, 1, 0]);
  assert.deepEqual([...encodeNawsPayload({ cols: 65535, rows: 0 })], [255, 255, 0, 0]);
  assert.deepEqual(decodeNawsPayload(Uint8Array.of(1, 0, 0, 255)), { cols: 256, rows: 255 });
  assert.equal(decodeNawsPayload(Uint8Array.of(1, 0, 0)), null);
  for (const bad of [-1, 65536, 1.5, NaN]) {
    assert.throws(() => encodeNawsPayload({ cols: bad, rows: 1 }), RangeError);
    assert.throws(() => encodeNawsPayload({ cols: 1, rows: bad }), RangeError);
  }
});

Deno.test("terminal types cycle as RFC 1091 describes", () => {
  const cycle = new TerminalTypeCycle(["A", "B", "C"]);
  const seen = Array.from({ length: 9 }, () => cycle.next());
  assert.deepEqual(seen, ["A", "B", "C", "C", "A", "B", "C", "C", "A"]);
  cycle.reset();
  assert.equal(cycle.next(), "A");
  const one = new TerminalTypeCycle(["XTERM"]);
  assert.deepEqual([one.next(), one.next(), one.next()], ["XTERM", "XTERM", "XTERM"]);
  assert.throws(() => new TerminalTypeCycle([]), RangeError);
  assert.throws(() => new TerminalTypeCycle(["ok", ""]), RangeError);
});

Deno.test("IS payloads carry a terminal type or speed", () => {
  assert.deepEqual([...encodeIsPayload("38400,9600")], [
    0,
    ...new TextEncoder().encode("38400,9600"),
  ]);
  assert.equal(decodeIsPayload(encodeIsPayload("vt100")), "vt100");
  assert.equal(decodeIsPayload(Uint8Array.of(TelnetSubcommand.SEND)), null);
  assert.equal(decodeIsPayload(new Uint8Array(0)), null);
  assert.equal(formatTerminalSpeed({ transmit: 38400, receive: 38400 }), "38400,38400");
  assert.throws(() => formatTerminalSpeed({ transmit: -1, receive: 0 }), RangeError);
});

Deno.test("NEW_ENVIRON payloads escape VAR, VALUE, ESC and USERVAR bytes (RFC 1572)", () => {
  const entries = [
    { type: "var", name: "USER", value: "a\x00b\x01c\x02d\x03" },
    { type: "uservar", name: "EMPTY", value: "" },
    { type: "uservar", name: "UNDEFINED" },
  ] as const;
  const payload = encodeEnvironmentPayload(TelnetSubcommand.IS, entries);
  assert.deepEqual(
    [...payload.subarray(0, 16)],
    [0, 0, 85, 83, 69, 82, 1, 97, 2, 0, 98, 2, 1, 99, 2, 2],
  );
  assert.deepEqual(decodeEnvironmentPayload(payload), { command: "is", entries });
  assert.equal(decodeEnvironmentPayload(Uint8Array.of(9)), null);
  assert.throws(() => encodeEnvironmentPayload(7, []), RangeError);
  // Junk before the first type, and a trailing ESC, are ignored.
  assert.deepEqual(decodeEnvironmentPayload(Uint8Array.of(2, 65, 0, 66, 2)), {
    command: "info",
    entries: [{ type: "var", name: "B" }],
  });
});

Deno.test("NEW_ENVIRON SEND is answered with configured variables only", () => {
  const env = {
    variables: { USER: "ann", DISPLAY: ":0" },
    userVariables: { LANG: "C", TOKEN: "secret" },
  };
  const answer = (request: readonly unknown[]) =>
    decodeEnvironmentPayload(
      answerEnvironmentSend(
        encodeEnvironmentPayload(TelnetSubcommand.SEND, request as never),
        env,
      )!,
    )?.entries;
  // No list: everything configured.
  assert.deepEqual(answer([]), [
    { type: "var", name: "USER", value: "ann" },
    { type: "var", name: "DISPLAY", value: ":0" },
    { type: "uservar", name: "LANG", value: "C" },
    { type: "uservar", name: "TOKEN", value: "secret" },
  ]);
  // Named: in order, undefined ones reported without a value, types kept apart.
  assert.deepEqual(
    answer([
      { type: "uservar", name: "LANG" },
      { type: "var", name: "JOB" },
      { type: "var", name: "LANG" },
      { type: "var", name: "USER" },
    ]),
    [
      { type: "uservar", name: "LANG", value: "C" },
      { type: "var", name: "JOB" },
      { type: "var", name: "LANG" },
      { type: "var", name: "USER", value: "ann" },
    ],
  );
  // An empty name asks for all of its type.
  assert.deepEqual(answer([{ type: "var", name: "" }]), [
    { type: "var", name: "USER", value: "ann" },
    { type: "var", name: "DISPLAY", value: ":0" },
  ]);
  // Nothing configured: nothing leaks, and inherited names are not variables.
  const none = answerEnvironmentSend(
    encodeEnvironmentPayload(TelnetSubcommand.SEND, [{ type: "var", name: "constructor" }]),
    {},
  );
  assert.deepEqual(decodeEnvironmentPayload(none!)?.entries, [{
    type: "var",
    name: "constructor",
  }]);
  assert.equal(answerEnvironmentSend(Uint8Array.of(TelnetSubcommand.IS), env), null);
});
