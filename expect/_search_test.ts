// Copyright the dexpect authors. MIT license.
/**
 * The incremental searcher must give exactly the results of a naive search that rescans
 * the whole unconsumed buffer after every chunk (pexpect's semantics), for any chunking.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { StreamBuffer } from "./_buffer.ts";
import { compilePatterns, Searcher } from "./_search.ts";
import type { Pattern } from "./patterns.ts";

type Outcome = [index: number, start: number, end: number];

/** The reference: after each chunk, search the whole unconsumed buffer from scratch. */
function naive(chunks: string[], patterns: Pattern[], listOrder = false): Outcome[] {
  const out: Outcome[] = [];
  let buffer = "";
  let base = 0;
  const find = (): Outcome | null => {
    let best: Outcome | null = null;
    for (let i = 0; i < patterns.length; i++) {
      const p = patterns[i];
      let s = -1;
      let e = -1;
      if (typeof p === "string") {
        s = buffer.indexOf(p);
        e = s + p.length;
      } else if (p instanceof RegExp) {
        const m = new RegExp(p.source, p.flags.replace(/[gy]/g, "")).exec(buffer);
        if (m) {
          s = m.index;
          e = s + m[0].length;
        }
      }
      if (s < 0) continue;
      if (listOrder) return [i, base + s, base + e];
      if (best === null || base + s < best[1]) best = [i, base + s, base + e];
    }
    return best;
  };
  for (const chunk of chunks) {
    buffer += chunk;
    while (true) {
      const f = find();
      if (f === null || out.length > 50) break;
      out.push(f);
      buffer = buffer.slice(f[2] - base);
      base = f[2];
      if (f[1] === f[2]) break; // an empty match: wait for more data, like the engine
    }
  }
  return out;
}

/** The engine's searcher, driven the same way. */
function engine(chunks: string[], patterns: Pattern[], listOrder = false): Outcome[] {
  const out: Outcome[] = [];
  const buffer = new StreamBuffer();
  const set = compilePatterns(patterns, false);
  let searcher = new Searcher(set, buffer, null, listOrder);
  for (const chunk of chunks) {
    buffer.append(chunk);
    while (true) {
      const f = searcher.search();
      if (f === null || out.length > 50) break;
      out.push([f.entry.index, f.start, f.end]);
      buffer.discard(f.end);
      searcher = new Searcher(set, buffer, null, listOrder);
      if (f.start === f.end) {
        searcher.search(); // the empty match was seen: only new data may match now
        break;
      }
    }
  }
  return out;
}

/** A deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = "aab\n\r$ 1é";
const REGEXES: RegExp[] = [
  /a+b/,
  /^b/m,
  /a$/m,
  /\d+\r?\n/,
  /[ab]{2}/,
  /b\b/,
  /(?<=a)b/,
  /(?<!a)b\$/,
  /a[^\n]*\$/,
  /\$ $/,
  /a.b/s,
  /a\s+b/,
  /(?:ab|ba)\n/,
  /\n\n/,
  /^\$/,
  /é+\$/u,
  /(?<!a)b\$ a*1/,
  /[ab]\$ a+\r/,
  /b1/,
  /\ba a/,
  /[^a]a/,
];

function randomCase(r: () => number): { text: string; patterns: Pattern[]; splits: number[] } {
  const n = 1 + Math.floor(r() * (r() < 0.8 ? 40 : 160));
  let text = "";
  for (let i = 0; i < n; i++) text += ALPHABET[Math.floor(r() * ALPHABET.length)];
  const patterns: Pattern[] = [];
  const k = 1 + Math.floor(r() * 3);
  for (let i = 0; i < k; i++) {
    if (r() < 0.5) {
      const len = 1 + Math.floor(r() * 3);
      let p = "";
      for (let j = 0; j < len; j++) p += ALPHABET[Math.floor(r() * ALPHABET.length)];
      patterns.push(p);
    } else patterns.push(REGEXES[Math.floor(r() * REGEXES.length)]);
  }
  const splits: number[] = [];
  for (let i = 1; i < text.length; i++) if (r() < 0.3) splits.push(i);
  return { text, patterns, splits };
}

function split(text: string, at: number[]): string[] {
  const out: string[] = [];
  let prev = 0;
  for (const i of at) {
    out.push(text.slice(prev, i));
    prev = i;
  }
  out.push(text.slice(prev));
  return out;
}

Deno.test("searcher equals a naive full rescan for random inputs, patterns and chunkings", () => {
  const r = rng(12345);
  for (let iteration = 0; iteration < 4000; iteration++) {
    const { text, patterns, splits } = randomCase(r);
    const listOrder = r() < 0.2;
    for (const chunks of [[text], split(text, splits), [...text]]) {
      const expected = naive(chunks, patterns, listOrder);
      const actual = engine(chunks, patterns, listOrder);
      deepStrictEqual(
        actual,
        expected,
        `text=${JSON.stringify(text)} patterns=${patterns.map(String).join(" ")} chunks=${
          JSON.stringify(chunks)
        } list=${listOrder}`,
      );
    }
  }
});

Deno.test("exact strings are found across every chunk boundary", () => {
  const text = "xx\r\nprompt$ yy";
  for (let i = 1; i < text.length; i++) {
    for (let j = i + 1; j < text.length; j++) {
      const chunks = [text.slice(0, i), text.slice(i, j), text.slice(j)];
      deepStrictEqual(engine(chunks, ["prompt$ "]), [[0, 4, 12]]);
    }
  }
});

Deno.test("a long line with no newline is searched without losing matches", () => {
  const chunks: string[] = [];
  for (let i = 0; i < 300; i++) chunks.push("ab".repeat(1000));
  chunks.push("END!");
  const found = engine(chunks, [/b+END!/, /a{3}/]);
  strictEqual(found.length, 1);
  strictEqual(found[0][0], 0);
});

Deno.test("the literal gate finds a later occurrence after an earlier one failed", () => {
  // "b$ " occurs twice in the first chunk; the first can never match (lookbehind), the
  // second only completes with the next chunk, far from the first chunk's end.
  const patterns = [/(?<!a)b\$ y+z/];
  const chunks = ["ab$ y\nb$ " + "y".repeat(100), "z"];
  deepStrictEqual(engine(chunks, patterns), naive(chunks, patterns));
  strictEqual(engine(chunks, patterns).length, 1);
});

Deno.test("searchWindowSize limits regex searches to the last characters", () => {
  const buffer = new StreamBuffer();
  const set = compilePatterns([/start[\s\S]*end/], false);
  const s = new Searcher(set, buffer, 10, false);
  buffer.append("start");
  strictEqual(s.search(), null);
  buffer.append(" ".repeat(20) + "end");
  strictEqual(s.search(), null); // "start" is out of the window
  const s2 = new Searcher(set, buffer, null, false);
  strictEqual(s2.search()?.start, 0);
});
