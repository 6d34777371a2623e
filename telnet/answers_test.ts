// Bounded work per peer byte: what a TelnetProtocol answers is bounded by what it is configured
// to send, however the request is built (issue 8, item 1).
import assert from "node:assert/strict";
import { TelnetCommand as C, TelnetOption as O, TelnetSubcommand as S } from "./constants.ts";
import type { TelnetEvent } from "./events.ts";
import { answerEnvironmentSend, decodeEnvironmentPayload } from "./options.ts";
import { TelnetProtocol } from "./protocol.ts";

const { IAC, SB, SE, DO, DONT } = C;
const VAR = 0, USERVAR = 3;

const sent = (events: readonly TelnetEvent[]): Uint8Array[] =>
  events.flatMap((e) => (e.type === "send" ? [e.bytes] : []));

const environment = {
  variables: { USER: "ann", DISPLAY: ":0" },
  userVariables: { LANG: "C.UTF-8" },
};

/** IAC SB NEW_ENVIRON SEND <entries> IAC SE. */
function sendRequest(entries: Uint8Array): Uint8Array {
  const out = new Uint8Array(entries.length + 6);
  out.set([IAC, SB, O.NEW_ENVIRON, S.SEND]);
  out.set(entries, 4);
  out.set([IAC, SE], entries.length + 4);
  return out;
}

Deno.test("60 000 empty VAR entries get each configured VAR once, and feed() does not throw", () => {
  const telnet = new TelnetProtocol({ environment });
  telnet.feed(Uint8Array.of(IAC, DO, O.NEW_ENVIRON));
  const events = telnet.feed(sendRequest(new Uint8Array(60_000).fill(VAR)));
  const [reply, ...more] = sent(events);
  assert.equal(more.length, 0);
  // IAC SB NEW_ENVIRON IS VAR USER VALUE ann VAR DISPLAY VALUE :0 IAC SE
  assert.equal(reply.length, 6 + 1 + 4 + 1 + 3 + 1 + 7 + 1 + 2);
  const answer = decodeEnvironmentPayload(reply.subarray(3, -2));
  assert.deepEqual(answer?.entries, [
    { type: "var", name: "USER", value: "ann" },
    { type: "var", name: "DISPLAY", value: ":0" },
  ]);
});

Deno.test("a name listed many times is answered once, known or not, types kept apart", () => {
  const entry = (type: number, name: string) => [type, ...new TextEncoder().encode(name)];
  const one = [
    ...entry(VAR, "USER"),
    ...entry(VAR, "JOB"),
    ...entry(USERVAR, "LANG"),
    ...entry(USERVAR, ""),
    ...entry(VAR, ""),
  ];
  const many = Uint8Array.from(Array.from({ length: 5_000 }, () => one).flat());
  const request = Uint8Array.of(S.SEND, ...many);
  const answer = decodeEnvironmentPayload(answerEnvironmentSend(request, environment)!);
  assert.deepEqual(answer?.entries, [
    { type: "var", name: "USER", value: "ann" },
    { type: "var", name: "JOB" },
    { type: "uservar", name: "LANG", value: "C.UTF-8" },
    { type: "var", name: "DISPLAY", value: ":0" },
  ]);
});

Deno.test("every SEND answer is bounded by the configuration, whatever the request", () => {
  const telnet = new TelnetProtocol({
    environment,
    terminalTypes: ["xterm-256color", "vt100"],
    terminalSpeed: { transmit: 38400, receive: 9600 },
    windowSize: { cols: 80, rows: 24 },
  });
  for (const o of [O.NEW_ENVIRON, O.TTYPE, O.TSPEED, O.NAWS]) {
    telnet.feed(Uint8Array.of(IAC, DO, o));
  }
  // The largest answers of each: everything configured, the longest type, the speed, NAWS.
  const bound = { [O.NEW_ENVIRON]: 40, [O.TTYPE]: 6 + 14, [O.TSPEED]: 6 + 10, [O.NAWS]: 9 };
  const junk = new Uint8Array(4_096).map((_, i) => [VAR, USERVAR, 2, 65, 0][i % 5]);
  for (const o of [O.NEW_ENVIRON, O.TTYPE, O.TSPEED]) {
    for (const payload of [new Uint8Array(0), junk, new Uint8Array(4_096)]) {
      const events = telnet.feed(Uint8Array.of(IAC, SB, o, S.SEND, ...payload, IAC, SE));
      for (const reply of sent(events)) {
        assert.ok(reply.length <= bound[o], `${o}: ${reply.length} bytes`);
      }
    }
  }
  // NAWS toggles: one NAWS report per DO, nothing else.
  for (let i = 0; i < 100; i++) {
    const replies = sent(telnet.feed(Uint8Array.of(IAC, DONT, O.NAWS, IAC, DO, O.NAWS)));
    const total = replies.reduce((n, r) => n + r.length, 0);
    assert.ok(total <= 3 + 3 + bound[O.NAWS], `NAWS toggle: ${total} bytes`);
  }
});
