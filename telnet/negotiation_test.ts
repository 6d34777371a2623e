import assert from "node:assert/strict";
import { TelnetCommand } from "./constants.ts";
import { QMethod, type TelnetSide } from "./negotiation.ts";
import { random } from "../expect/_fake_channel.ts";

const { WILL, WONT, DO, DONT } = TelnetCommand;
const OPTION = 42;

/**
 * RFC 1143 section 7 written out for side `him` (we receive WILL/WONT and send DO/DONT);
 * `us` is the same with WILL<->DO and WONT<->DONT swapped. Columns: state, event, next state,
 * what we send, whether it is a peer error.
 */
const RULES = `
NO          WILL+agree  YES          DO    -
NO          WILL+refuse NO           DONT  -
YES         WILL        YES          -     -
WANTNO      WILL        NO           -     error
WANTNO/OPP  WILL        YES          -     error
WANTYES     WILL        YES          -     -
WANTYES/OPP WILL        WANTNO       DONT  -
NO          WONT        NO           -     -
YES         WONT        NO           DONT  -
WANTNO      WONT        NO           -     -
WANTNO/OPP  WONT        WANTYES      DO    -
WANTYES     WONT        NO           -     -
WANTYES/OPP WONT        NO           -     -
NO          enable      WANTYES      DO    -
YES         enable      YES          -     -
WANTNO      enable      WANTNO/OPP   -     -
WANTNO/OPP  enable      WANTNO/OPP   -     -
WANTYES     enable      WANTYES      -     -
WANTYES/OPP enable      WANTYES      -     -
NO          disable     NO           -     -
YES         disable     WANTNO       DONT  -
WANTNO      disable     WANTNO       -     -
WANTNO/OPP  disable     WANTNO       -     -
WANTYES     disable     WANTYES/OPP  -     -
WANTYES/OPP disable     WANTYES/OPP  -     -
`.trim().split("\n").map((line) => line.split(/\s+/));

interface Commands {
  receivePositive: number;
  receiveNegative: number;
  requestPositive: number;
  requestNegative: number;
  sendPositive: number;
  sendNegative: number;
}

const SIDES: Record<TelnetSide, Commands> = {
  him: {
    receivePositive: WILL,
    receiveNegative: WONT,
    requestPositive: DO,
    requestNegative: DONT,
    sendPositive: DO,
    sendNegative: DONT,
  },
  us: {
    receivePositive: DO,
    receiveNegative: DONT,
    requestPositive: WILL,
    requestNegative: WONT,
    sendPositive: WILL,
    sendNegative: WONT,
  },
};

/** Drive a fresh QMethod into a named state on one side. */
function inState(side: TelnetSide, name: string): QMethod {
  const q = new QMethod();
  const c = SIDES[side];
  const steps: Record<string, (() => void)[]> = {
    "NO": [],
    "YES": [() => q.receive(c.receivePositive, OPTION, true)],
    "WANTNO": [
      () => q.receive(c.receivePositive, OPTION, true),
      () => q.request(c.requestNegative, OPTION),
    ],
    "WANTNO/OPP": [
      () => q.receive(c.receivePositive, OPTION, true),
      () => q.request(c.requestNegative, OPTION),
      () => q.request(c.requestPositive, OPTION),
    ],
    "WANTYES": [() => q.request(c.requestPositive, OPTION)],
    "WANTYES/OPP": [
      () => q.request(c.requestPositive, OPTION),
      () => q.request(c.requestNegative, OPTION),
    ],
  };
  for (const step of steps[name]) step();
  assert.equal(nameOf(q, side), name, `setup of ${side} ${name}`);
  return q;
}

function nameOf(q: QMethod, side: TelnetSide): string {
  const { state, queue } = q.state(side, OPTION);
  return state.toUpperCase() + (queue === "opposite" ? "/OPP" : "");
}

for (const side of ["him", "us"] as const) {
  Deno.test(`RFC 1143: every state x event rule for side ${side}`, () => {
    const c = SIDES[side];
    const other: TelnetSide = side === "us" ? "him" : "us";
    for (const [state, event, next, send, error] of RULES) {
      const q = inState(side, state);
      const what = `${side}: ${state} on ${event}`;
      const t = event.startsWith("WILL")
        ? q.receive(c.receivePositive, OPTION, event !== "WILL+refuse")
        : event === "WONT"
        ? q.receive(c.receiveNegative, OPTION, true)
        : q.request(event === "enable" ? c.requestPositive : c.requestNegative, OPTION);
      assert.equal(nameOf(q, side), next, what);
      const expectedReply = send === "DO"
        ? c.sendPositive
        : send === "DONT"
        ? c.sendNegative
        : null;
      assert.equal(t.reply, expectedReply, `${what}: reply`);
      assert.equal(t.side, side, `${what}: side`);
      assert.equal(t.error !== null, error === "error", `${what}: error`);
      const was = state === "YES";
      const is = next === "YES";
      assert.equal(t.enabled, was === is ? null : is, `${what}: enabled`);
      assert.equal(nameOf(q, other), "NO", `${what}: other side untouched`);
    }
  });
}

Deno.test("RFC 1143: error messages name the exchange", () => {
  const him = inState("him", "WANTNO");
  assert.equal(him.receive(WILL, OPTION, true).error, "DONT answered by WILL");
  const us = inState("us", "WANTNO");
  assert.equal(us.receive(DO, OPTION, true).error, "WONT answered by DO");
});

Deno.test("RFC 1143: a flood of repeated DO/WILL gets at most one reply when agreed", () => {
  const q = new QMethod();
  let replies = 0;
  for (let i = 0; i < 10000; i++) {
    if (q.receive(DO, 1, true).reply !== null) replies++;
    if (q.receive(WILL, 1, true).reply !== null) replies++;
  }
  assert.equal(replies, 2);
  // Refused: one reply per request, never more (RFC 1143: NO answers each DO with WONT).
  let refusals = 0;
  for (let i = 0; i < 1000; i++) if (q.receive(DO, 2, false).reply === WONT) refusals++;
  assert.equal(refusals, 1000);
});

Deno.test("RFC 1143: validates commands and options", () => {
  const q = new QMethod();
  assert.throws(() => q.receive(TelnetCommand.SB, 1, true), RangeError);
  assert.throws(() => q.request(TelnetCommand.NOP, 1), RangeError);
  assert.throws(() => q.request(WILL, 256), RangeError);
  assert.throws(() => q.receive(WILL, -1, true), RangeError);
  assert.deepEqual(q.state("us", 999), { state: "no", queue: "empty" });
});

Deno.test("RFC 1143: two Q-method peers never loop and agree when quiet", () => {
  const next = random(1143);
  for (let round = 0; round < 200; round++) {
    const peers = [new QMethod(), new QMethod()];
    const accept = [0, 1].map(() => ({ do: next() < 0.5, will: next() < 0.5 }));
    const wires: number[][] = [[], []]; // wires[i]: commands in flight to peer i
    let messages = 0;
    for (let step = 0; step < 60; step++) {
      const who = next() < 0.5 ? 0 : 1;
      if (next() < 0.4) {
        const command = [WILL, WONT, DO, DONT][Math.floor(next() * 4)];
        const t = peers[who].request(command, OPTION);
        if (t.reply !== null) wires[1 - who].push(t.reply);
      } else if (wires[who].length > 0) {
        const command = wires[who].shift()!;
        const policy = command === DO ? accept[who].do : accept[who].will;
        const t = peers[who].receive(command, OPTION, policy);
        if (t.reply !== null) wires[1 - who].push(t.reply);
        messages++;
      }
    }
    // Deliver everything still in flight; replies must die out.
    let budget = 100;
    while ((wires[0].length || wires[1].length) && budget-- > 0) {
      for (const who of [0, 1]) {
        const command = wires[who].shift();
        if (command === undefined) continue;
        const policy = command === DO ? accept[who].do : accept[who].will;
        const t = peers[who].receive(command, OPTION, policy);
        if (t.reply !== null) wires[1 - who].push(t.reply);
        messages++;
      }
    }
    assert.ok(budget > 0, `round ${round}: negotiation did not settle after ${messages} messages`);
    for (const who of [0, 1]) {
      const us = peers[who].state("us", OPTION).state;
      const him = peers[1 - who].state("him", OPTION).state;
      assert.ok(us === "yes" || us === "no", `round ${round}: ${us} left pending`);
      assert.equal(us, him, `round ${round}: peers disagree`);
    }
  }
});
