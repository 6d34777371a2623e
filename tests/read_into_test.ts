// readInto() over real transports: a Telnet connection (IAC unescaped straight into the lent
// memory) and a pty (the synchronous read path).
import assert from "node:assert/strict";
import { Telnet } from "../telnet/client.ts";
import { serve } from "../telnet/server.ts";
import { spawn } from "../pty/session.ts";
import { concatBytes } from "../expect/_codec.ts";
import { EOF } from "../expect/patterns.ts";
import "./_pty_helpers.ts";

/** Everything `readInto` yields until the end, through a buffer of `size` bytes. */
async function readAllInto(
  s: { readInto(b: Uint8Array): Promise<number | null> },
  size: number,
): Promise<Uint8Array> {
  const into = new Uint8Array(size);
  const parts: Uint8Array[] = [];
  for (let n = await s.readInto(into); n !== null; n = await s.readInto(into)) {
    parts.push(into.slice(0, n));
  }
  return concatBytes(...parts);
}

Deno.test("readInto over Telnet: every byte value but NUL, CR and LF, 0xFF included, arrives as sent", async () => {
  // NUL, CR and LF follow the NVT line rules outside BINARY mode: the rest passes as it is.
  const payload = new Uint8Array(300_000);
  for (let i = 0; i < payload.length; i++) {
    const b = (i * 7 + (i >> 8)) & 0xff;
    payload[i] = b === 0 || b === 10 || b === 13 ? 0xff : b;
  }
  await using server = serve<Uint8Array>({
    encoding: null,
    timeout: 10_000,
    handler: async (s) => {
      await s.send(payload);
      await s.sendEof(); // the client's end of output, once everything queued is written
      await s.expect(EOF);
    },
  });
  await using tn = await Telnet.connect("127.0.0.1", server.addr.port, {
    encoding: null,
    timeout: 10_000,
  });
  const got = await readAllInto(tn, 1000);
  assert.equal(got.length, payload.length);
  assert.deepEqual(got, payload);
});

Deno.test("readInto over a pty: the whole output of seq, then null", async () => {
  await using s = spawn(["seq", "1", "20000"], { encoding: null, timeout: 10_000 });
  const got = new TextDecoder().decode(await readAllInto(s, 4096));
  const want = Array.from({ length: 20000 }, (_, i) => `${i + 1}\r\n`).join("");
  assert.equal(got, want);
});
