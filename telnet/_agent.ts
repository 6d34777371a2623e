// What a TelnetProtocol agrees to and what it answers, option by option: the policy, the
// configured option values and the SEND answers of TTYPE, TSPEED and NEW_ENVIRON. Private to
// telnet/.

import { TelnetCommand, TelnetOption, TelnetSubcommand } from "./constants.ts";
import type { TelnetSide } from "./negotiation.ts";
import {
  answerEnvironmentSend,
  encodeIsPayload,
  encodeNawsPayload,
  formatTerminalSpeed,
  type TelnetEnvironment,
  type TelnetWindowSize,
  TerminalTypeCycle,
} from "./options.ts";
import type { TelnetOptionPolicy, TelnetProtocolOptions } from "./protocol_options.ts";

const { DO, WILL } = TelnetCommand;
const { BINARY, ECHO, SGA, TTYPE, NAWS, TSPEED, NEW_ENVIRON } = TelnetOption;

/** Policy and option values of one endpoint. */
export class OptionAgent {
  #policy: Readonly<Record<number, TelnetOptionPolicy>>;
  #types: TerminalTypeCycle | null;
  #size: TelnetWindowSize | null = null;
  #speed: string | null;
  #environment: TelnetEnvironment | null;

  /** Validate and keep the options; throws RangeError on bad values. */
  constructor(options: TelnetProtocolOptions) {
    this.#policy = options.policy ?? {};
    this.#types = options.terminalTypes ? new TerminalTypeCycle(options.terminalTypes) : null;
    if (options.windowSize) this.windowSize = options.windowSize;
    this.#speed = options.terminalSpeed ? formatTerminalSpeed(options.terminalSpeed) : null;
    this.#environment = options.environment ?? null;
  }

  get windowSize(): TelnetWindowSize | null {
    return this.#size;
  }

  /** Set the window size; throws RangeError beyond 65535 cells. */
  set windowSize(size: TelnetWindowSize) {
    encodeNawsPayload(size);
    this.#size = { cols: size.cols, rows: size.rows };
  }

  /** Whether we agree to a DO (our side) or a WILL (the peer's side) for an option. */
  accept(command: number, option: number): boolean {
    if (command === DO) {
      const policy = this.#policy[option]?.acceptDo;
      if (policy !== undefined) return policy;
      if (option === BINARY || option === SGA) return true;
      return option === NAWS ? this.#size !== null : this.answers(option);
    }
    if (command === WILL) {
      const policy = this.#policy[option]?.acceptWill;
      if (policy !== undefined) return policy;
      return option === BINARY || option === ECHO || option === SGA;
    }
    return false;
  }

  /** Whether we answer SEND requests for an option: it is implemented and configured. */
  answers(option: number): boolean {
    switch (option) {
      case TTYPE:
        return this.#types !== null;
      case TSPEED:
        return this.#speed !== null;
      case NEW_ENVIRON:
        return this.#environment !== null;
      default:
        return false;
    }
  }

  /** The IS payload answering a SEND payload, or null when there is nothing to answer. */
  answer(option: number, payload: Uint8Array): Uint8Array | null {
    if (payload[0] !== TelnetSubcommand.SEND || !this.answers(option)) return null;
    if (option === TTYPE) return encodeIsPayload(this.#types!.next());
    if (option === TSPEED) return encodeIsPayload(this.#speed!);
    return answerEnvironmentSend(payload, this.#environment!);
  }

  /** React to an option becoming enabled: the subnegotiation payload to send, if any. */
  enabled(side: TelnetSide, option: number): Uint8Array | null {
    if (side !== "us") return null;
    if (option === TTYPE) this.#types?.reset();
    if (option === NAWS && this.#size !== null) return encodeNawsPayload(this.#size);
    return null;
  }
}
