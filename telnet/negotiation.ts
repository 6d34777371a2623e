/**
 * Option negotiation state per RFC 1143 ("The Q Method of Implementing TELNET Option
 * Negotiation"), for both sides of every option, driven by one transition table.
 *
 * @module
 */

import { TelnetCommand, telnetCommandName } from "./constants.ts";

const { WILL, WONT, DO, DONT } = TelnetCommand;

/**
 * Which end of the connection an option runs on: RFC 1143's `us` (local) or `him` (peer).
 *
 * @example Which side an option runs on
 * ```ts
 * import type { TelnetSide } from "./negotiation.ts";
 * import { TelnetProtocol } from "./protocol.ts";
 * import assert from "node:assert/strict";
 *
 * const telnet = new TelnetProtocol();
 * telnet.feed(Uint8Array.of(255, 251, 1)); // the server will echo: side "him"
 * const side: TelnetSide = "him";
 * assert.equal(telnet.isEnabled(side, 1), true);
 * ```
 */
export type TelnetSide = "us" | "him";

/**
 * WILL, WONT, DO or DONT (RFC 854 codes 251 to 254).
 *
 * @example Narrow a command byte
 * ```ts
 * import type { TelnetNegotiationCommand } from "./negotiation.ts";
 * import assert from "node:assert/strict";
 *
 * const command: TelnetNegotiationCommand = 253; // DO
 * assert.equal(command, 253);
 * ```
 */
export type TelnetNegotiationCommand = 251 | 252 | 253 | 254;

/**
 * RFC 1143 option state: NO, YES, WANTNO (we asked to disable), WANTYES (we asked to enable).
 *
 * @example After our DO is sent
 * ```ts
 * import { QMethod, type QState } from "./negotiation.ts";
 * import assert from "node:assert/strict";
 *
 * const q = new QMethod();
 * q.request(253, 1); // DO ECHO
 * const state: QState = q.state("him", 1).state;
 * assert.equal(state, "wantyes");
 * ```
 */
export type QState = "no" | "yes" | "wantno" | "wantyes";

/**
 * RFC 1143 queue bit: whether the opposite request waits for the current one to finish.
 *
 * @example A disable queued behind an enable
 * ```ts
 * import { QMethod, type QQueue } from "./negotiation.ts";
 * import assert from "node:assert/strict";
 *
 * const q = new QMethod();
 * q.request(253, 1); // DO ECHO: WANTYES
 * q.request(254, 1); // DONT ECHO while waiting: queued
 * const queue: QQueue = q.state("him", 1).queue;
 * assert.equal(queue, "opposite");
 * ```
 */
export type QQueue = "empty" | "opposite";

/**
 * The state and queue bit of one option on one side (RFC 1143 section 7).
 *
 * @example Read a state
 * ```ts
 * import { QMethod, type QOptionState } from "./negotiation.ts";
 * import assert from "node:assert/strict";
 *
 * const state: QOptionState = new QMethod().state("us", 31);
 * assert.deepEqual(state, { state: "no", queue: "empty" });
 * ```
 */
export interface QOptionState {
  /** The state. */
  readonly state: QState;
  /** The queue bit, meaningful in WANTNO and WANTYES. */
  readonly queue: QQueue;
}

/**
 * What a {@linkcode QMethod} transition asks of its caller (RFC 1143 section 7).
 *
 * @example Act on a transition
 * ```ts
 * import { QMethod, type QTransition } from "./negotiation.ts";
 * import assert from "node:assert/strict";
 *
 * const t: QTransition = new QMethod().receive(251, 3, true); // WILL SGA, agreed
 * assert.deepEqual(t, { side: "him", reply: 253, enabled: true, error: null });
 * ```
 */
export interface QTransition {
  /** The side whose state moved. */
  readonly side: TelnetSide;
  /** The negotiation to send to the peer, if any. */
  readonly reply: TelnetNegotiationCommand | null;
  /** `true`/`false` when the option became enabled/disabled (entered/left YES), else `null`. */
  readonly enabled: boolean | null;
  /** A description of the peer's RFC 1143 violation, if any. */
  readonly error: string | null;
}

// Combined states: state and queue bit in one number.
const NO = 0;
const YES = 1;
const WANTNO = 2;
const WANTNO_OPPOSITE = 3;
const WANTYES = 4;
const WANTYES_OPPOSITE = 5;
// Pseudo-state of the table: NO receiving an offer, decided by the policy.
const ASK = -1;

const SEND_NONE = 0;
const SEND_POSITIVE = 1;
const SEND_NEGATIVE = 2;

const ERR_NONE = 0;
const ERR_ANSWERED = 1;

/** One table cell: [next state, what to send, error]. */
type Cell = readonly [next: number, send: number, error: number];

/**
 * RFC 1143 section 7, one row per event, one cell per current state in the order NO, YES,
 * WANTNO, WANTNO+OPPOSITE, WANTYES, WANTYES+OPPOSITE. "Positive" is WILL received for him /
 * DO received for us, and DO / WILL sent; "negative" is WONT / DONT.
 */
const TABLE: Readonly<Record<"positive" | "negative" | "enable" | "disable", readonly Cell[]>> = {
  // Upon receipt of WILL (him) or DO (us).
  positive: [
    [ASK, SEND_NONE, ERR_NONE], // NO: agree -> YES, send positive; refuse -> send negative
    [YES, SEND_NONE, ERR_NONE], // YES: ignore
    [NO, SEND_NONE, ERR_ANSWERED], // WANTNO EMPTY: error, our negative answered positively
    [YES, SEND_NONE, ERR_ANSWERED], // WANTNO OPPOSITE: error, queue emptied
    [YES, SEND_NONE, ERR_NONE], // WANTYES EMPTY
    [WANTNO, SEND_NEGATIVE, ERR_NONE], // WANTYES OPPOSITE: run the queued disable
  ],
  // Upon receipt of WONT (him) or DONT (us).
  negative: [
    [NO, SEND_NONE, ERR_NONE], // NO: ignore
    [NO, SEND_NEGATIVE, ERR_NONE], // YES: acknowledge
    [NO, SEND_NONE, ERR_NONE], // WANTNO EMPTY
    [WANTYES, SEND_POSITIVE, ERR_NONE], // WANTNO OPPOSITE: run the queued enable
    [NO, SEND_NONE, ERR_NONE], // WANTYES EMPTY: refused
    [NO, SEND_NONE, ERR_NONE], // WANTYES OPPOSITE: refused, queue emptied
  ],
  // We ask to enable (DO for him, WILL for us).
  enable: [
    [WANTYES, SEND_POSITIVE, ERR_NONE], // NO
    [YES, SEND_NONE, ERR_NONE], // YES: already enabled
    [WANTNO_OPPOSITE, SEND_NONE, ERR_NONE], // WANTNO EMPTY: queue the enable
    [WANTNO_OPPOSITE, SEND_NONE, ERR_NONE], // WANTNO OPPOSITE: already queued
    [WANTYES, SEND_NONE, ERR_NONE], // WANTYES EMPTY: already negotiating
    [WANTYES, SEND_NONE, ERR_NONE], // WANTYES OPPOSITE: cancel the queued disable
  ],
  // We ask to disable (DONT for him, WONT for us).
  disable: [
    [NO, SEND_NONE, ERR_NONE], // NO: already disabled
    [WANTNO, SEND_NEGATIVE, ERR_NONE], // YES
    [WANTNO, SEND_NONE, ERR_NONE], // WANTNO EMPTY: already negotiating
    [WANTNO, SEND_NONE, ERR_NONE], // WANTNO OPPOSITE: cancel the queued enable
    [WANTYES_OPPOSITE, SEND_NONE, ERR_NONE], // WANTYES EMPTY: queue the disable
    [WANTYES_OPPOSITE, SEND_NONE, ERR_NONE], // WANTYES OPPOSITE: already queued
  ],
};

const STATE_NAMES: readonly QOptionState[] = [
  { state: "no", queue: "empty" },
  { state: "yes", queue: "empty" },
  { state: "wantno", queue: "empty" },
  { state: "wantno", queue: "opposite" },
  { state: "wantyes", queue: "empty" },
  { state: "wantyes", queue: "opposite" },
];

/**
 * RFC 1143 Q-method state for all 256 options on both sides, with queueing of opposite
 * requests. Following it, no sequence of peer messages can make us loop: we reply only to
 * requests that change a state, and at most once per message received.
 *
 * It decides only states and replies; the caller sends the replies, applies the policy
 * (`accept`), and acts on `enabled` changes.
 *
 * @example Agree to a DO, then ignore its repeats
 * ```ts
 * import { QMethod } from "./negotiation.ts";
 * import { TelnetCommand, TelnetOption } from "./constants.ts";
 * import assert from "node:assert/strict";
 *
 * const q = new QMethod();
 * const first = q.receive(TelnetCommand.DO, TelnetOption.NAWS, true);
 * assert.equal(first.reply, TelnetCommand.WILL);
 * assert.equal(first.enabled, true);
 * assert.equal(q.receive(TelnetCommand.DO, TelnetOption.NAWS, true).reply, null);
 * ```
 */
export class QMethod {
  #us: Uint8Array = new Uint8Array(256);
  #him: Uint8Array = new Uint8Array(256);

  /**
   * Return the RFC 1143 state and queue bit of an option.
   *
   * @param side `"us"` or `"him"`.
   * @param option The option code, 0 to 255.
   * @returns The state and queue bit.
   * @throws Never; an out-of-range option reads as NO.
   *
   * @example Read a state
   * ```ts
   * import { QMethod } from "./negotiation.ts";
   * import assert from "node:assert/strict";
   *
   * const q = new QMethod();
   * q.request(251, 24); // WILL TTYPE
   * assert.deepEqual(q.state("us", 24), { state: "wantyes", queue: "empty" });
   * ```
   */
  state(side: TelnetSide, option: number): QOptionState {
    return STATE_NAMES[(side === "us" ? this.#us : this.#him)[option] ?? NO];
  }

  /**
   * Tell whether an option is enabled (state YES) on a side.
   *
   * @param side `"us"` or `"him"`.
   * @param option The option code, 0 to 255.
   * @returns `true` in state YES.
   * @throws Never.
   *
   * @example After an agreed DO
   * ```ts
   * import { QMethod } from "./negotiation.ts";
   * import assert from "node:assert/strict";
   *
   * const q = new QMethod();
   * q.receive(253, 3, true); // DO SGA, agreed
   * assert.equal(q.isEnabled("us", 3), true);
   * assert.equal(q.isEnabled("him", 3), false);
   * ```
   */
  isEnabled(side: TelnetSide, option: number): boolean {
    return (side === "us" ? this.#us : this.#him)[option] === YES;
  }

  /**
   * Apply a negotiation received from the peer (RFC 1143 section 7, "upon receipt of").
   *
   * @param command WILL or WONT (moves `him`), DO or DONT (moves `us`).
   * @param option The option code, 0 to 255.
   * @param accept Whether we agree to enable the option if the peer offers it while NO.
   * @returns The reply to send, the change of enablement and any violation.
   * @throws {RangeError} If `command` is not WILL, WONT, DO or DONT, or `option` not a byte.
   *
   * @example Refuse an offer
   * ```ts
   * import { QMethod } from "./negotiation.ts";
   * import assert from "node:assert/strict";
   *
   * const t = new QMethod().receive(251, 34, false); // WILL LINEMODE, refused
   * assert.equal(t.reply, 254); // DONT
   * assert.equal(t.enabled, null);
   * ```
   */
  receive(command: number, option: number, accept: boolean): QTransition {
    const side = sideOf(command, "receive");
    checkOption(option);
    const positive = command === WILL || command === DO;
    return this.#apply(side, option, positive ? "positive" : "negative", accept);
  }

  /**
   * Apply our own request (RFC 1143 section 7, "if we decide to ask him/us to enable/disable").
   * Requests made during a negotiation are queued as the RFC describes; redundant requests do
   * nothing.
   *
   * @param command WILL/WONT to enable/disable on `us`, DO/DONT to enable/disable on `him`.
   * @param option The option code, 0 to 255.
   * @returns The negotiation to send, if any, and the change of enablement.
   * @throws {RangeError} If `command` is not WILL, WONT, DO or DONT, or `option` not a byte.
   *
   * @example Queue a request
   * ```ts
   * import { QMethod } from "./negotiation.ts";
   * import assert from "node:assert/strict";
   *
   * const q = new QMethod();
   * assert.equal(q.request(253, 1).reply, 253); // DO ECHO goes out
   * assert.equal(q.request(254, 1).reply, null); // DONT ECHO waits for the answer
   * assert.equal(q.receive(251, 1, true).reply, 254); // WILL ECHO arrives: the DONT goes out
   * ```
   */
  request(command: number, option: number): QTransition {
    const side = sideOf(command, "request") === "us" ? "him" : "us";
    checkOption(option);
    const enable = command === WILL || command === DO;
    return this.#apply(side, option, enable ? "enable" : "disable", false);
  }

  #apply(
    side: TelnetSide,
    option: number,
    event: keyof typeof TABLE,
    accept: boolean,
  ): QTransition {
    const states = side === "us" ? this.#us : this.#him;
    const before = states[option];
    let [next, send, error] = TABLE[event][before];
    if (next === ASK) {
      next = accept ? YES : NO;
      send = accept ? SEND_POSITIVE : SEND_NEGATIVE;
    }
    states[option] = next;
    const positive = side === "us" ? WILL : DO;
    const negative = side === "us" ? WONT : DONT;
    const reply = send === SEND_POSITIVE ? positive : send === SEND_NEGATIVE ? negative : null;
    const wasEnabled = before === YES;
    const isEnabled = next === YES;
    let message: string | null = null;
    if (error === ERR_ANSWERED) {
      const received = side === "us" ? DO : WILL;
      message = `${telnetCommandName(negative)} answered by ${telnetCommandName(received)}`;
    }
    return {
      side,
      reply,
      enabled: wasEnabled === isEnabled ? null : isEnabled,
      error: message,
    };
  }
}

function checkOption(option: number): void {
  if (!Number.isInteger(option) || option < 0 || option > 255) {
    throw new RangeError(
      `Cannot negotiate option: expected an integer from 0 to 255, got ${option}`,
    );
  }
}

/** The side a received command moves (DO/DONT move us, WILL/WONT move him). */
function sideOf(command: number, what: string): TelnetSide {
  if (command === DO || command === DONT) return "us";
  if (command === WILL || command === WONT) return "him";
  throw new RangeError(
    `Cannot ${what} negotiation: expected WILL, WONT, DO or DONT (251 to 254), got ${command}`,
  );
}
