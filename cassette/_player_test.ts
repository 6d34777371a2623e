// Copyright the dexpect authors. MIT license.
import assert from "node:assert/strict";
import { LineEnds, Player } from "./_player.ts";
import type { Cassette } from "./format.ts";

const enc = new TextEncoder();

Deno.test("line ends: CR LF, CR NUL, LF and CR become CR at every split", () => {
  const input = enc.encode("a\r\nb\r\0c\nd\re\r\n\r\n");
  const whole = new LineEnds().push(input);
  assert.deepEqual(new TextDecoder().decode(whole), "a\rb\rc\rd\re\r\r");
  for (let a = 0; a <= input.length; a++) {
    for (let b = a; b <= input.length; b++) {
      const ends = new LineEnds();
      const parts = [input.subarray(0, a), input.subarray(a, b), input.subarray(b)].map((p) =>
        ends.push(p)
      );
      assert.deepEqual(Uint8Array.from(parts.flatMap((p) => [...p])), whole, `splits ${a} ${b}`);
    }
  }
});

Deno.test("player: input split at every offset matches; a wrong byte fails at its offset", async () => {
  const cassette: Cassette = {
    cols: 80,
    rows: 24,
    timestamp: 0,
    transport: { type: "session" },
    exitStatus: null,
    events: [
      { time: 0, code: "i", data: enc.encode("hello "), text: "" },
      { time: 0, code: "i", data: enc.encode("world\n"), text: "" },
      { time: 0, code: "o", data: enc.encode("done"), text: "" },
    ],
  };
  const sent = enc.encode("hello world\n");
  for (let a = 0; a <= sent.length; a++) {
    const player = new Player(cassette);
    player.input(sent.subarray(0, a));
    player.input(sent.subarray(a));
    assert.deepEqual(await player.next(), enc.encode("done"));
    assert.equal(await player.next(), null);
    assert.equal(player.ended, true);
  }
  for (let at = 0; at < sent.length; at++) {
    const player = new Player(cassette);
    const wrong = sent.slice();
    wrong[at] ^= 0x20;
    assert.throws(
      () => player.input(wrong),
      (e: Error & { position?: { offset: number; event: number } }) =>
        e.position!.event === (at < 6 ? 0 : 1) && e.position!.offset === (at < 6 ? at : at - 6),
    );
    player.input(sent); // all or nothing: the failed input consumed nothing
    assert.deepEqual(await player.next(), enc.encode("done"));
  }
});
