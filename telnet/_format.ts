// Readable renderings of subnegotiation payloads for trace lines. Private to telnet/.

import { TelnetOption, telnetOptionName } from "./constants.ts";
import { decodeEnvironmentPayload, decodeIsPayload, decodeNawsPayload } from "./options.ts";

const MAX_HEX_BYTES = 32;

/** Render bytes as lowercase hex pairs, at most 32 of them, then the count of the rest. */
export function hex(bytes: Uint8Array): string {
  const shown = Array.from(
    bytes.subarray(0, MAX_HEX_BYTES),
    (b) => b.toString(16).padStart(2, "0"),
  ).join(" ");
  const rest = bytes.length - MAX_HEX_BYTES;
  return rest > 0 ? `${shown} ... (${rest} more bytes)` : shown;
}

/** Describe a subnegotiation as `SB NAME details`. */
export function describeSubnegotiation(option: number, payload: Uint8Array): string {
  const details = describePayload(option, payload);
  return `SB ${telnetOptionName(option)}${details ? " " + details : ""}`;
}

function describePayload(option: number, payload: Uint8Array): string {
  switch (option) {
    case TelnetOption.TTYPE:
    case TelnetOption.TSPEED:
    case TelnetOption.XDISPLOC: {
      if (payload.length === 1 && payload[0] === 1) return "SEND";
      const text = decodeIsPayload(payload);
      if (text !== null) return `IS ${JSON.stringify(text)}`;
      break;
    }
    case TelnetOption.NAWS: {
      const size = decodeNawsPayload(payload);
      if (size !== null) return `${size.cols} ${size.rows}`;
      break;
    }
    case TelnetOption.NEW_ENVIRON: {
      const message = decodeEnvironmentPayload(payload);
      if (message === null) break;
      const parts = [message.command.toUpperCase()];
      for (const entry of message.entries) {
        parts.push(`${entry.type.toUpperCase()} ${JSON.stringify(entry.name)}`);
        if (entry.value !== undefined) parts.push(`VALUE ${JSON.stringify(entry.value)}`);
      }
      return parts.join(" ");
    }
  }
  return hex(payload);
}
