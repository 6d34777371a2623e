// Golden transcripts: telnet/testdata/NAME.input (a script) -> NAME.golden (the events).
// Regenerate with: UPDATE_GOLDEN=1 deno test -A telnet/golden_test.ts  (then review the diff).
//
// Script lines (one per line, "#" starts a comment):
//   config {JSON}            start a new TelnetProtocol with these options
//   recv TOKENS              feed the bytes as one chunk
//   recv*N TOKENS            feed N copies of the bytes as one chunk
//   negotiate CMD OPTION     TelnetProtocol.negotiate (CMD is WILL, WONT, DO or DONT)
//   command CMD              TelnetProtocol.sendCommand
//   subneg OPTION TOKENS     TelnetProtocol.sendSubnegotiation
//   window COLS ROWS         TelnetProtocol.setWindowSize
//   encode TOKENS            TelnetProtocol.encodeData
//   state OPTION             print the RFC 1143 state of both sides
//   callback on|off          install a recording telnetlib-style callback, or remove it
//   sbdata                   print readSbData()
//   end                      TelnetProtocol.end
// TOKENS: IAC, command names (NOP, AYT, ...), option names after WILL/WONT/DO/DONT/SB,
// IS/SEND/INFO/VAR/VALUE/ESC/USERVAR, decimal numbers, 0xNN, and "JSON strings" (one byte per
// char code, so "\u00ff" is 255).

import assert from "node:assert/strict";
import {
  TelnetCommand,
  telnetCommandName,
  TelnetEnvironmentCode,
  TelnetOption,
  telnetOptionName,
  TelnetSubcommand,
} from "./constants.ts";
import type { TelnetEvent } from "./events.ts";
import { TelnetProtocol } from "./protocol.ts";
import type { TelnetProtocolOptions } from "./protocol_options.ts";
import { normalize, type PlainEvent } from "./_test_helpers.ts";

const DIR = new URL("./testdata/", import.meta.url);
const TEXT_OPTIONS = new Set<number>([
  TelnetOption.TTYPE,
  TelnetOption.TSPEED,
  TelnetOption.NEW_ENVIRON,
  TelnetOption.XDISPLOC,
]);
const { IAC, SB, SE, WILL, DONT } = TelnetCommand;

function lookup(table: Readonly<Record<string, number>>, name: string): number | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/** Parse script tokens into bytes. */
export function parseTokens(text: string): Uint8Array {
  const out: number[] = [];
  const tokens = text.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  let optionNext = false;
  for (const token of tokens) {
    const wasOptionNext = optionNext;
    optionNext = false;
    if (token.startsWith('"')) {
      for (const ch of JSON.parse(token) as string) {
        const code = ch.charCodeAt(0);
        if (code > 255) throw new RangeError(`Character above 255 in ${token}`);
        out.push(code);
      }
      continue;
    }
    if (/^(0x[0-9a-f]+|\d+)$/i.test(token)) {
      out.push(Number(token));
      continue;
    }
    const code = wasOptionNext ? lookup(TelnetOption, token) : lookup(TelnetCommand, token) ??
      lookup(TelnetSubcommand, token) ?? lookup(TelnetEnvironmentCode, token);
    if (code === undefined) throw new SyntaxError(`Unknown token ${token}`);
    out.push(code);
    if (!wasOptionNext && (code === SB || (code >= WILL && code <= DONT))) optionNext = true;
  }
  return Uint8Array.from(out);
}

/** JSON-quote a byte string, escaping everything outside printable ASCII. */
function quote(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\u00ff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Render bytes we send, mnemonically: IAC WILL NAWS, IAC SB NAWS 0 80 0 24 IAC SE, ... */
function renderWire(bytes: readonly number[]): string {
  const parts: string[] = [];
  let text = "";
  let sbOption = -1;
  const flush = () => {
    if (text) parts.push(quote(text));
    text = "";
  };
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === IAC && sbOption >= 0 && bytes[i + 1] === IAC) {
      flush();
      parts.push("IAC IAC");
      i++;
    } else if (b === IAC && i + 1 < bytes.length) {
      flush();
      const command = bytes[++i];
      parts.push(`IAC ${telnetCommandName(command)}`);
      if (command === SB || (command >= WILL && command <= DONT)) {
        if (i + 1 < bytes.length) parts.push(telnetOptionName(bytes[++i]));
        if (command === SB) sbOption = bytes[i];
      }
      if (command === SE) sbOption = -1;
    } else if (sbOption >= 0 && !(TEXT_OPTIONS.has(sbOption) && b >= 32 && b < 127)) {
      flush();
      parts.push(String(b));
    } else if (sbOption < 0 && b === IAC) {
      flush();
      parts.push("IAC");
    } else {
      text += String.fromCharCode(b);
    }
  }
  flush();
  return parts.join(" ");
}

function renderEvent(e: PlainEvent): string {
  switch (e.type) {
    case "data":
      return `data ${quote(String.fromCharCode(...(e.data as number[])))}`;
    case "command":
      return `command ${telnetCommandName(e.command as number)}`;
    case "negotiation":
      return `negotiation ${telnetCommandName(e.command as number)} ${
        telnetOptionName(e.option as number)
      }`;
    case "subnegotiation":
      return `subnegotiation ${telnetOptionName(e.option as number)} [${
        (e.payload as number[]).join(" ")
      }]`;
    case "option":
      return `option ${e.side} ${telnetOptionName(e.option as number)} ${e.enabled ? "on" : "off"}`;
    case "send":
      return `send ${renderWire(e.bytes as number[])}`;
    case "error":
      return `error ${e.code}: ${e.message}`;
    default:
      return `trace ${e.message}`;
  }
}

/** Collapse a block of up to 8 lines repeated back to back into one copy and a count. */
function collapse(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    let best = { period: 1, count: 1 };
    for (let period = 1; period <= 8 && i + 2 * period <= lines.length; period++) {
      let count = 1;
      while (
        i + (count + 1) * period <= lines.length &&
        lines.slice(i + count * period, i + (count + 1) * period).every((l, k) =>
          l === lines[i + k]
        )
      ) count++;
      if (count > 1 && count * period > best.count * best.period) best = { period, count };
    }
    const { period, count } = best;
    if (count === 1) out.push(lines[i]);
    else if (period === 1) out.push(`${lines[i]} (x${count})`);
    else out.push(`  repeat x${count}:`, ...lines.slice(i, i + period).map((l) => "  " + l));
    i += period * count;
  }
  return out;
}

/** Run a script; `byteByByte` feeds every recv one byte at a time. */
export function runScript(script: string, byteByByte: boolean): string {
  const out: string[] = [];
  let telnet = new TelnetProtocol();
  let calls: string[] = [];
  const option = (name: string) => lookup(TelnetOption, name) ?? Number(name);
  const emit = (events: readonly TelnetEvent[]) => {
    out.push(...collapse(normalize(events).map((e) => "  " + renderEvent(e))));
    out.push(...collapse(calls.map((c) => "  " + c)));
    calls = [];
  };
  for (const raw of script.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("#")) {
      out.push(line);
      continue;
    }
    out.push(`> ${line}`);
    const [word, ...rest] = line.split(/\s+/);
    const args = line.slice(word.length).trim();
    const repeat = /^recv\*(\d+)$/.exec(word);
    if (word === "config") {
      telnet = new TelnetProtocol(JSON.parse(args) as TelnetProtocolOptions);
    } else if (word === "recv" || repeat) {
      const one = parseTokens(args);
      const count = repeat ? Number(repeat[1]) : 1;
      const input = new Uint8Array(one.length * count);
      for (let i = 0; i < count; i++) input.set(one, i * one.length);
      if (byteByByte) {
        const events: TelnetEvent[] = [];
        for (let i = 0; i < input.length; i++) events.push(...telnet.feed(input.slice(i, i + 1)));
        emit(events);
      } else {
        emit(telnet.feed(input));
      }
    } else if (word === "negotiate") {
      emit(telnet.negotiate(lookup(TelnetCommand, rest[0])!, option(rest[1])));
    } else if (word === "command") {
      emit(telnet.sendCommand(lookup(TelnetCommand, rest[0]) ?? Number(rest[0])));
    } else if (word === "subneg") {
      emit(telnet.sendSubnegotiation(option(rest[0]), parseTokens(rest.slice(1).join(" "))));
    } else if (word === "window") {
      emit(telnet.setWindowSize(Number(rest[0]), Number(rest[1])));
    } else if (word === "encode") {
      out.push(
        `  wire ${JSON.stringify(String.fromCharCode(...telnet.encodeData(parseTokens(args))))}`,
      );
    } else if (word === "state") {
      const code = option(rest[0]);
      const show = (side: "us" | "him") => {
        const { state, queue } = telnet.state(side, code);
        return `${side} ${state.toUpperCase()}${queue === "opposite" ? " OPPOSITE" : ""}`;
      };
      out.push(`  state ${telnetOptionName(code)}: ${show("us")}, ${show("him")}`);
    } else if (word === "callback") {
      telnet.setOptionNegotiationCallback(
        rest[0] === "on"
          ? (command, opt) =>
            calls.push(
              `callback ${telnetCommandName(command)} ${
                command >= WILL && command <= DONT
                  ? telnetOptionName(opt)
                  : opt === 0
                  ? "NOOPT"
                  : opt
              }`,
            )
          : null,
      );
    } else if (word === "sbdata") {
      out.push(`  sbdata [${[...telnet.readSbData()].join(" ")}]`);
    } else if (word === "end") {
      emit(telnet.end());
    } else {
      throw new SyntaxError(`Unknown script line: ${line}`);
    }
  }
  return out.join("\n") + "\n";
}

const names: string[] = [];
for (const entry of Deno.readDirSync(DIR)) {
  if (entry.name.endsWith(".input")) names.push(entry.name.slice(0, -".input".length));
}
names.sort();

Deno.test("golden transcripts exist", () => {
  assert.ok(names.length >= 10, `found ${names.length} transcripts`);
});

for (const name of names) {
  Deno.test(`golden transcript ${name}`, () => {
    const script = Deno.readTextFileSync(new URL(`${name}.input`, DIR));
    const actual = runScript(script, false);
    assert.equal(runScript(script, true), actual, "byte-by-byte feeding gives the same transcript");
    const golden = new URL(`${name}.golden`, DIR);
    if (Deno.env.get("UPDATE_GOLDEN") === "1") {
      Deno.writeTextFileSync(golden, actual);
      return;
    }
    assert.equal(actual, Deno.readTextFileSync(golden));
  });
}
