// Small Telnet behaviours found by trying dexpect as a new user would (issue 11).
import assert from "node:assert/strict";
import { EOFError } from "../expect/errors.ts";
import { Telnet } from "../telnet/client.ts";
import { serve } from "../telnet/server.ts";

Deno.test("readUntil at EOF names only the text it waited for, not its TIMEOUT", async () => {
  await using server = serve({ handler: () => {} });
  await using tn = await Telnet.connect("127.0.0.1", server.addr.port, { timeout: 5_000 });
  const error = await tn.readUntil("nothere").then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof EOFError, String(error));
  assert.deepEqual(error.patterns, ['"nothere"']);
  assert.doesNotMatch(error.message, /TIMEOUT/);
});

Deno.test("serve({ encoding: null, handler }) gives the handler a bytes-mode session", async () => {
  const got: Uint8Array[] = [];
  await using server = serve({
    encoding: null,
    timeout: 5_000,
    handler: async (s) => {
      const r = await s.expect(Uint8Array.of(0x21)); // a Uint8Array pattern: bytes mode
      const before: Uint8Array = r.before; // typed as bytes, no cast
      got.push(before);
    },
  });
  await using tn = await Telnet.connect("127.0.0.1", server.addr.port, { timeout: 5_000 });
  await tn.send("ab!");
  await tn.readAll();
  assert.deepEqual(got.map((b) => [...b]), [[0x61, 0x62]]);
});
