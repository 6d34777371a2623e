// Escape-heavy Telnet output through the whole client (socket → in-place decoding → engine),
// in both modes and with reads cut wherever TCP and the writer's random sizes cut them.
import assert from "node:assert/strict";
import { concatBytes } from "../expect/_codec.ts";
import { Telnet } from "../telnet/client.ts";
import { random } from "../expect/_fake_channel.ts";
import { scriptedPeer, writeAll } from "./_telnet_helpers.ts";

/** 512 KiB of data (every 16th byte 255, some CR NUL, some bare NUL) and its wire form. */
function stream(next: () => number): { data: Uint8Array; wire: Uint8Array } {
  const data = Uint8Array.from({ length: 512 * 1024 }, (_, i) => {
    const r = next();
    return i % 16 === 15 ? 255 : r < 0.01 ? 13 : r < 0.015 ? 0 : 32 + Math.floor(r * 95);
  });
  const wire: number[] = [];
  for (let i = 0; i < data.length; i++) {
    if (i % 4096 === 0) wire.push(255, 241); // IAC NOP
    if (i % 65536 === 0) wire.push(255, 254, 200); // IAC DONT 200: nothing to answer
    const b = data[i];
    wire.push(b);
    if (b === 255) wire.push(255);
    // CR NUL means CR (RFC 854): a data NUL after a CR needs it; elsewhere it is optional.
    if (b === 13 && (data[i + 1] === 0 || next() < 0.5)) wire.push(0);
  }
  return { data, wire: Uint8Array.from(wire) };
}

/** A peer that sends `wire` in writes of random sizes, then closes. */
function peer(wire: Uint8Array, next: () => number) {
  return scriptedPeer(async (conn) => {
    for (let o = 0; o < wire.length;) {
      const n = 1 + Math.floor(next() * (next() < 0.5 ? 64 : 20_000));
      await writeAll(conn, wire.subarray(o, o + n));
      o += n;
    }
  });
}

Deno.test("escape-heavy output arrives whole through chunks() and readAll() in both modes", async () => {
  const next = random(10);
  const { data, wire } = stream(next);
  {
    await using p = peer(wire, next);
    await using tn = await Telnet.connect("127.0.0.1", p.port, { timeout: 10_000, encoding: null });
    const parts: Uint8Array[] = [];
    for await (const chunk of tn.chunks()) parts.push(chunk);
    assert.deepEqual(concatBytes(...parts), data);
  }
  {
    await using p = peer(wire, next);
    await using tn = await Telnet.connect("127.0.0.1", p.port, { timeout: 10_000, encoding: null });
    assert.deepEqual(await tn.readAll(), data);
  }
  const text = new TextDecoder().decode(data);
  {
    await using p = peer(wire, next);
    await using tn = await Telnet.connect("127.0.0.1", p.port, { timeout: 10_000 });
    let got = "";
    for await (const chunk of tn.chunks()) got += chunk;
    assert.equal(got, text);
  }
  {
    await using p = peer(wire, next);
    await using tn = await Telnet.connect("127.0.0.1", p.port, { timeout: 10_000 });
    assert.equal(await tn.readAll(), text);
  }
});
