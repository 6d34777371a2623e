// Receive-path throughput on 64 MiB of Telnet traffic, against a plain indexOf scan of the same
// buffer (the floor: any parser must at least find every IAC) and a byte copy.
//
//   deno bench telnet/parser_bench.ts
//
// Inputs (built once, outside the timed region):
// - "no IAC": printable ASCII in 80-column lines ending in CR LF.
// - "1% IAC": the same text where 0.5% of the data bytes are 255, sent as IAC IAC, so 1% of
//   the bytes on the wire are IAC.
// - "12% IAC": one IAC IAC pair per 16 bytes (the escape-heavy download of bench/telnet.ts).
// Each input is fed whole (one 64 MiB chunk) and in 64 KiB chunks (a typical socket read).

import { TelnetParser, type TelnetParserHandler } from "./parser.ts";
import { TelnetProtocol } from "./protocol.ts";

const SIZE = 64 << 20;
const CHUNK = 64 << 10;

function text(size: number, iacEvery: number): Uint8Array {
  const out = new Uint8Array(size);
  let seed = 12345;
  for (let i = 0; i < size; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    out[i] = i % 82 === 80 ? 13 : i % 82 === 81 ? 10 : 32 + (seed >>> 16) % 95;
  }
  if (iacEvery > 0) {
    for (let i = iacEvery; i + 1 < size; i += iacEvery) {
      out[i] = 255;
      out[i + 1] = 255;
    }
  }
  return out;
}

const plain = text(SIZE, 0);
const escaped = text(SIZE, 200); // one IAC IAC pair per 200 bytes: 1% of bytes are IAC
const dense = text(SIZE, 16); // one IAC IAC pair per 16 bytes: 12% of bytes are IAC

let sink = 0;
const handler: TelnetParserHandler = {
  data: (bytes) => {
    sink += bytes.length;
  },
  command: () => {},
  negotiation: () => {},
  subnegotiation: () => {},
  error: () => {},
};

function scan(buffer: Uint8Array): void {
  let n = 0;
  for (let i = buffer.indexOf(255); i >= 0; i = buffer.indexOf(255, i + 1)) n++;
  sink += n;
}

function chunks(buffer: Uint8Array, feed: (chunk: Uint8Array) => void): void {
  for (let at = 0; at < buffer.length; at += CHUNK) feed(buffer.subarray(at, at + CHUNK));
}

const inputs = [["no IAC", plain], ["1% IAC", escaped], ["12% IAC", dense]] as const;
for (const [label, input] of inputs) {
  const group = `64 MiB, ${label}`;
  Deno.bench(`indexOf(255) scan [${label}]`, { group, baseline: true }, () => scan(input));
  Deno.bench(`byte copy [${label}]`, { group }, () => {
    sink += input.slice().length;
  });
  Deno.bench(`TelnetParser, one chunk [${label}]`, { group }, () => {
    new TelnetParser(handler).feed(input);
  });
  Deno.bench(`TelnetParser, 64 KiB chunks [${label}]`, { group }, () => {
    const parser = new TelnetParser(handler);
    chunks(input, (c) => parser.feed(c));
  });
  Deno.bench(`TelnetParser binary, one chunk [${label}]`, { group }, () => {
    new TelnetParser(handler, { binary: true }).feed(input);
  });
  Deno.bench(`TelnetProtocol.feed, one chunk [${label}]`, { group }, () => {
    sink += new TelnetProtocol().feed(input).length;
  });
  Deno.bench(`TelnetProtocol.feed, 64 KiB chunks [${label}]`, { group }, () => {
    const telnet = new TelnetProtocol();
    chunks(input, (c) => {
      sink += telnet.feed(c).length;
    });
  });
  // feedInPlace overwrites its chunk: each 64 KiB piece is copied into a reused buffer first,
  // as a socket read would fill it (the copy is in the "byte copy" baseline's order of cost).
  const room = new Uint8Array(CHUNK);
  Deno.bench(`TelnetProtocol.feedInPlace, 64 KiB reads [${label}]`, { group }, () => {
    const telnet = new TelnetProtocol();
    chunks(input, (c) => {
      room.set(c);
      sink += telnet.feedInPlace(room.subarray(0, c.length)).length;
    });
  });
}

globalThis.addEventListener("unload", () => {
  if (sink === -1) console.log(sink);
});
