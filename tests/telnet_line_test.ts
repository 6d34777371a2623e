// The server's line reader against every way clients end lines: CR LF, CR NUL, a lone CR,
// split anywhere across packets; and against real clients typing: inetutils telnet(1) and
// `dexpect telnet`.
import assert from "node:assert/strict";
import { EOF } from "../expect/patterns.ts";
import { EOFError } from "../expect/errors.ts";
import { serve } from "../telnet/server.ts";
import { spawn } from "../pty/session.ts";
import { dexpect } from "./_cli_helpers.ts";
import { needs, PEERS } from "./_peers.ts";

const WIRE = new TextEncoder().encode("ab\r\ncd\r\0ef\rgh\n\r\nij");
const LINES = ["ab", "cd", "ef", "gh", "", "ij"];

async function linesOver(parts: Uint8Array[], bytes: boolean): Promise<string[]> {
  const got: string[] = [];
  let ended: unknown;
  const handler = async (s: { readLine(): Promise<string | Uint8Array> }) => {
    try {
      for (;;) {
        const line = await s.readLine();
        got.push(typeof line === "string" ? line : new TextDecoder().decode(line));
      }
    } catch (error) {
      ended = error;
    }
  };
  await using server = bytes
    ? serve({ encoding: null, timeout: 5_000, negotiate: [], handler })
    : serve({ timeout: 5_000, negotiate: [], handler });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
  conn.setNoDelay(true);
  for (const part of parts) {
    await conn.write(part);
    // A turn of the event loop lets the server read the parts apart (usually); the result
    // must be the same either way, so this is not synchronization.
    await new Promise((r) => setTimeout(r, 0));
  }
  conn.close();
  await server.shutdown();
  assert.ok(ended instanceof EOFError, String(ended));
  return got;
}

Deno.test("readLine: CR LF, CR NUL, lone CR and LF, whole and split at every byte", async () => {
  assert.deepEqual(await linesOver([WIRE], false), LINES);
  assert.deepEqual(await linesOver([WIRE], true), LINES);
  for (let i = 1; i < WIRE.length; i++) {
    const split = [WIRE.subarray(0, i), WIRE.subarray(i)];
    assert.deepEqual(await linesOver(split, i % 2 === 0), LINES, `split at ${i}`);
  }
});

/** A device that asks for a name with readLine until "exit". */
function greeter() {
  return serve({
    timeout: 10_000,
    handler: async (s) => {
      await s.send("Name: ");
      for (;;) {
        const name = await s.readLine();
        if (name === "exit") return;
        await s.send(`\r\nHello, [${name}]!\r\nName: `);
      }
    },
  });
}

Deno.test({
  name: "readLine with inetutils telnet(1) typing in a terminal",
  ignore: needs(PEERS.telnet),
}, async () => {
  await using server = greeter();
  await using telnet = spawn(["inetutils-telnet", "127.0.0.1", String(server.addr.port)], {
    timeout: 10_000,
    env: { PATH: "/usr/bin:/bin", TERM: "xterm", HOME: "/tmp" },
  });
  await telnet.expect("Name: ");
  await telnet.send("ada\r"); // the Enter key: telnet(1) sends CR NUL or CR LF
  await telnet.expect("Hello, [ada]!");
  await telnet.expect("Name: ");
  await telnet.send("exit\r");
  await telnet.expect("Connection closed by foreign host.");
  await telnet.expect(EOF);
});

Deno.test("readLine with `dexpect telnet` typing in a terminal", async () => {
  await using server = greeter();
  await using cli = dexpect(["telnet", "127.0.0.1", String(server.addr.port)]);
  await cli.expect("Name: ");
  await cli.send("bob\r");
  await cli.expect("Hello, [bob]!");
  await cli.expect("Name: ");
  await cli.send("exit\r");
  await cli.expect("Connection closed by foreign host.");
  assert.equal((await cli.expect(EOF)).exitStatus?.code, 0);
});
