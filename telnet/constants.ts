/**
 * Telnet protocol codes: commands (RFC 854), option codes (IANA "Telnet Options" registry,
 * under the names Python's `telnetlib` gave them) and the subnegotiation codes used by the
 * options this module implements, with name lookups for logs.
 *
 * @module
 */

/**
 * Telnet command codes, the byte that follows IAC (RFC 854, "TELNET COMMAND STRUCTURE").
 *
 * Names are those of Python's `telnetlib` (IAC, DONT, DO, WONT, WILL, SE, NOP, DM, BRK, IP,
 * AO, AYT, EC, EL, GA, SB) plus the later commands of `arpa/telnet.h`: EOR (RFC 885), ABORT,
 * SUSP and xEOF (RFC 1184).
 *
 * @example Build "interrupt process"
 * ```ts
 * import { TelnetCommand } from "./constants.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = Uint8Array.of(TelnetCommand.IAC, TelnetCommand.IP);
 * assert.deepEqual([...bytes], [255, 244]);
 * ```
 */
export const TelnetCommand = {
  /** End of file (RFC 1184, LINEMODE). */
  xEOF: 236,
  /** Suspend process (RFC 1184, LINEMODE). */
  SUSP: 237,
  /** Abort process (RFC 1184, LINEMODE). */
  ABORT: 238,
  /** End of record (RFC 885). */
  EOR: 239,
  /** Subnegotiation end. */
  SE: 240,
  /** No operation. */
  NOP: 241,
  /** Data mark: the data stream portion of a Synch. */
  DM: 242,
  /** Break. */
  BRK: 243,
  /** Interrupt process. */
  IP: 244,
  /** Abort output. */
  AO: 245,
  /** Are you there. */
  AYT: 246,
  /** Erase character. */
  EC: 247,
  /** Erase line. */
  EL: 248,
  /** Go ahead. */
  GA: 249,
  /** Subnegotiation begin. */
  SB: 250,
  /** Sender wants to enable an option on its side, or confirms it does. */
  WILL: 251,
  /** Sender refuses to enable, or wants to disable, an option on its side. */
  WONT: 252,
  /** Sender asks the receiver to enable an option, or confirms it expects it. */
  DO: 253,
  /** Sender asks the receiver to disable an option, or refuses it. */
  DONT: 254,
  /** Interpret as command. */
  IAC: 255,
} as const;

/**
 * Telnet option codes (RFC 855, numbered by the IANA "Telnet Options" registry) under their
 * Python `telnetlib` names (`arpa/telnet.h` without the `TELOPT_` prefix). `NOOPT` (0) is
 * telnetlib's "no option" value passed to negotiation callbacks for commands that carry no
 * option; it shares its code with BINARY.
 *
 * @example Ask the peer to suppress go-ahead
 * ```ts
 * import { TelnetCommand, TelnetOption } from "./constants.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = [TelnetCommand.IAC, TelnetCommand.DO, TelnetOption.SGA];
 * assert.deepEqual(bytes, [255, 253, 3]);
 * ```
 */
export const TelnetOption = {
  /** 8-bit data path (RFC 856). */
  BINARY: 0,
  /** Echo (RFC 857). */
  ECHO: 1,
  /** Prepare to reconnect. */
  RCP: 2,
  /** Suppress go ahead (RFC 858). */
  SGA: 3,
  /** Approximate message size. */
  NAMS: 4,
  /** Give status (RFC 859). */
  STATUS: 5,
  /** Timing mark (RFC 860). */
  TM: 6,
  /** Remote controlled transmission and echo (RFC 726). */
  RCTE: 7,
  /** Negotiate about output line width. */
  NAOL: 8,
  /** Negotiate about output page size. */
  NAOP: 9,
  /** Negotiate about CR disposition (RFC 652). */
  NAOCRD: 10,
  /** Negotiate about horizontal tabstops (RFC 653). */
  NAOHTS: 11,
  /** Negotiate about horizontal tab disposition (RFC 654). */
  NAOHTD: 12,
  /** Negotiate about formfeed disposition (RFC 655). */
  NAOFFD: 13,
  /** Negotiate about vertical tab stops (RFC 656). */
  NAOVTS: 14,
  /** Negotiate about vertical tab disposition (RFC 657). */
  NAOVTD: 15,
  /** Negotiate about output LF disposition (RFC 658). */
  NAOLFD: 16,
  /** Extended ASCII character set (RFC 698). */
  XASCII: 17,
  /** Force logout (RFC 727). */
  LOGOUT: 18,
  /** Byte macro (RFC 735). */
  BM: 19,
  /** Data entry terminal (RFC 1043). */
  DET: 20,
  /** SUPDUP protocol (RFC 736). */
  SUPDUP: 21,
  /** SUPDUP output (RFC 749). */
  SUPDUPOUTPUT: 22,
  /** Send location (RFC 779). */
  SNDLOC: 23,
  /** Terminal type (RFC 1091). */
  TTYPE: 24,
  /** End of record (RFC 885). */
  EOR: 25,
  /** TACACS user identification (RFC 927). */
  TUID: 26,
  /** Output marking (RFC 933). */
  OUTMRK: 27,
  /** Terminal location number (RFC 946). */
  TTYLOC: 28,
  /** 3270 regime (RFC 1041). */
  VT3270REGIME: 29,
  /** X.3 PAD (RFC 1053). */
  X3PAD: 30,
  /** Negotiate about window size (RFC 1073). */
  NAWS: 31,
  /** Terminal speed (RFC 1079). */
  TSPEED: 32,
  /** Remote flow control (RFC 1372). */
  LFLOW: 33,
  /** Linemode (RFC 1184). */
  LINEMODE: 34,
  /** X display location (RFC 1096). */
  XDISPLOC: 35,
  /** Old environment option (RFC 1408). */
  OLD_ENVIRON: 36,
  /** Authentication (RFC 2941). */
  AUTHENTICATION: 37,
  /** Encryption (RFC 2946). */
  ENCRYPT: 38,
  /** New environment option (RFC 1572). */
  NEW_ENVIRON: 39,
  /** TN3270 enhancements (RFC 2355). */
  TN3270E: 40,
  /** XAUTH. */
  XAUTH: 41,
  /** Character set (RFC 2066). */
  CHARSET: 42,
  /** Remote serial port. */
  RSP: 43,
  /** Com port control (RFC 2217). */
  COM_PORT_OPTION: 44,
  /** Suppress local echo. */
  SUPPRESS_LOCAL_ECHO: 45,
  /** Start TLS. */
  TLS: 46,
  /** Kermit (RFC 2840). */
  KERMIT: 47,
  /** Send URL. */
  SEND_URL: 48,
  /** Forward X. */
  FORWARD_X: 49,
  /** Pragma logon. */
  PRAGMA_LOGON: 138,
  /** SSPI logon. */
  SSPI_LOGON: 139,
  /** Pragma heartbeat. */
  PRAGMA_HEARTBEAT: 140,
  /** Extended options list (RFC 861). */
  EXOPL: 255,
  /** telnetlib's "no option" placeholder given to negotiation callbacks (same code as BINARY). */
  NOOPT: 0,
} as const;

/**
 * The first payload byte of a subnegotiation for TTYPE (RFC 1091), TSPEED (RFC 1079) and
 * NEW_ENVIRON (RFC 1572): IS answers, SEND asks, INFO volunteers a change.
 *
 * @example The terminal-type request a server sends
 * ```ts
 * import { TelnetSubcommand } from "./constants.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(TelnetSubcommand.SEND, 1);
 * ```
 */
export const TelnetSubcommand = {
  /** "Here is the value." */
  IS: 0,
  /** "Please send the value." */
  SEND: 1,
  /** "The value changed" (NEW_ENVIRON only). */
  INFO: 2,
} as const;

/**
 * The type bytes inside a NEW_ENVIRON payload (RFC 1572 section 1): VAR starts a well-known
 * variable name, USERVAR a user variable name, VALUE its value, and ESC quotes the next byte.
 *
 * @example A well-known variable in an IS payload
 * ```ts
 * import { TelnetEnvironmentCode } from "./constants.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([TelnetEnvironmentCode.VAR, TelnetEnvironmentCode.VALUE], [0, 1]);
 * ```
 */
export const TelnetEnvironmentCode = {
  /** A well-known variable name follows (USER, JOB, ACCT, PRINTER, SYSTEMTYPE, DISPLAY). */
  VAR: 0,
  /** The variable's value follows. */
  VALUE: 1,
  /** The next byte is literal. */
  ESC: 2,
  /** A user-defined variable name follows. */
  USERVAR: 3,
} as const;

const COMMAND_NAMES: readonly string[] = reverse(TelnetCommand);
const OPTION_NAMES: readonly string[] = reverse(TelnetOption);

function reverse(table: Readonly<Record<string, number>>): string[] {
  const names: string[] = [];
  for (const [name, code] of Object.entries(table)) names[code] ??= name;
  return names;
}

/**
 * Return the name of a Telnet command code for logs, such as `"AYT"` for 246 (RFC 854).
 *
 * @param code The byte that followed IAC, 0 to 255.
 * @returns The `TelnetCommand` name, or the decimal code when it has none.
 * @throws Never.
 *
 * @example Name a command
 * ```ts
 * import { telnetCommandName } from "./constants.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(telnetCommandName(246), "AYT");
 * assert.equal(telnetCommandName(17), "17");
 * ```
 */
export function telnetCommandName(code: number): string {
  return COMMAND_NAMES[code] ?? String(code);
}

/**
 * Return the name of a Telnet option code for logs, such as `"NAWS"` for 31 (RFC 855 option codes,
 * IANA registry).
 *
 * @param code The option byte, 0 to 255.
 * @returns The `TelnetOption` name (BINARY for 0), or the decimal code when it has none.
 * @throws Never.
 *
 * @example Name an option
 * ```ts
 * import { telnetOptionName } from "./constants.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(telnetOptionName(31), "NAWS");
 * assert.equal(telnetOptionName(200), "200");
 * ```
 */
export function telnetOptionName(code: number): string {
  return OPTION_NAMES[code] ?? String(code);
}
