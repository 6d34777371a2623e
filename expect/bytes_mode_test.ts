// Copyright the dexpect authors. MIT license.
/**
 * Bytes mode keeps output as bytes until a search needs text: whatever mix of searches,
 * `chunks()` steps, `lines()` steps and `readAll`-style reads, and however the output is
 * split, the calls return exactly the bytes that arrived, in order, and what they return is
 * the caller's own (changing it changes nothing the session returns later).
 */
import { deepStrictEqual } from "node:assert/strict";
import { Session } from "./session.ts";
import { EOF } from "./patterns.ts";
import { FakeChannel, random } from "./_fake_channel.ts";

/** Runs random steps over `input` cut at `cuts`; returns every byte the calls gave back. */
async function consume(input: Uint8Array, cuts: number[], next: () => number): Promise<number[]> {
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...cuts, input.length]) {
    chunks.push(input.slice(from, cut));
    from = cut;
  }
  await using s = new Session<Uint8Array>(new FakeChannel(chunks), { encoding: null });
  const got: number[] = [];
  const keep = (data: Uint8Array) => {
    got.push(...data);
    data.fill(0x2a); // the caller owns it: scribbling on it must not show anywhere else
  };
  while (true) {
    const step = next();
    if (step < 0.3) {
      // A search: an exact byte pair or a regex over the binary string, or the end.
      const r = await s.expect([Uint8Array.of(0xff, 0x0a), /\xff[a-z]/, EOF]);
      const { before, after } = r;
      keep(before);
      keep(after);
      if (r.pattern === EOF) return got;
    } else if (step < 0.6) {
      let ended = true;
      for await (const chunk of s.chunks()) {
        keep(chunk);
        ended = false;
        break;
      }
      if (ended) return got;
    } else if (step < 0.75) {
      let ended = true;
      for await (const line of s.lines()) {
        keep(line);
        got.push(-1); // lines() drops the ending: -1 stands for it
        ended = false;
        break;
      }
      if (ended) return got;
    } else if (step < 0.8) {
      s.buffer.fill(0x2a); // a copy: the unconsumed output stays as it was
    } else if (step < 0.9) {
      // Reads to the end without searching or consuming: the output stays bytes.
      const { before } = await s.peek(EOF);
      before.fill(0x2a);
      s.buffer.fill(0x2a);
    } else {
      const { before } = await s.expect(EOF);
      keep(before);
      return got;
    }
  }
}

/** `input` replayed along `got`, each -1 standing for the "\r\n" or "\n" that ended a line. */
function withoutEndings(input: Uint8Array, got: number[]): number[] {
  const out: number[] = [];
  let i = 0;
  for (const b of got) {
    if (b !== -1) {
      out.push(input[i++]);
      continue;
    }
    if (input[i] === 13 && input[i + 1] === 10) i += 2;
    else if (input[i] === 10) i += 1;
    out.push(-1);
  }
  for (; i < input.length; i++) out.push(input[i]);
  return out;
}

Deno.test("bytes mode: any mix of calls and splits returns every byte once, owned by the caller", async () => {
  const next = random(1016);
  const alphabet = [0x00, 0x0a, 0x0d, 0xff, 0x61, 0x62, 0xc3, 0xa9, 0x7a];
  for (let round = 0; round < 400; round++) {
    const length = Math.floor(next() * 300);
    const input = Uint8Array.from(
      { length },
      () =>
        next() < 0.5 ? alphabet[Math.floor(next() * alphabet.length)] : Math.floor(next() * 256),
    );
    const cuts: number[] = [];
    for (let at = 0; at < length;) {
      at += 1 + Math.floor(next() * (next() < 0.5 ? 8 : 120));
      if (at < length) cuts.push(at);
    }
    const got = await consume(input, cuts, next);
    deepStrictEqual(got, withoutEndings(input, got), `round ${round}: cut at [${cuts}]`);
  }
});

Deno.test("bytes mode: observers keep the bytes they were shown when the caller changes its own", async () => {
  const input = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
  const seen: Uint8Array[] = [];
  const chunks = [input.slice(0, 300), input.slice(300, 700), input.slice(700)];
  await using s = new Session<Uint8Array>(new FakeChannel(chunks), {
    encoding: null,
    observers: [(e) => void (e.type === "read" && seen.push(e.data))],
  });
  const got: number[] = [];
  for await (const chunk of s.chunks()) {
    got.push(...chunk);
    chunk.fill(0);
  }
  deepStrictEqual(got, [...input]);
  deepStrictEqual(seen.flatMap((d) => [...d]), [...input]);
});
