// `dexpect telnet` in NVT line mode (local echo and editing) against a server that does not
// echo, character mode once it does (WILL ECHO), and `mode` at the dexpect> prompt.
import assert from "node:assert/strict";
import { EOF } from "../expect/patterns.ts";
import { TelnetCommand, TelnetOption } from "../telnet/constants.ts";
import { serve } from "../telnet/server.ts";
import { dexpect } from "./_cli_helpers.ts";

Deno.test("telnet: line mode until the server echoes, then character mode; mode command", async () => {
  const got: string[] = [];
  await using server = serve({
    timeout: 10_000,
    handler: async (s) => {
      await s.send("login: ");
      got.push(await s.readLine()); // one line, edited by the client
      await s.negotiate(TelnetCommand.WILL, TelnetOption.ECHO);
      await s.send("\r\nPassword: ");
      await s.expect("x"); // a key, without Enter: character mode
      await s.send("<got x>");
      got.push(await s.readLine()); // the line typed in forced line mode
      await s.send("\r\nbye\r\n");
    },
  });
  await using cli = dexpect(["telnet", "127.0.0.1", String(server.addr.port)]);
  await cli.expect("login: ");
  await cli.send("ad");
  await cli.send("\x7f");
  await cli.send("dmin");
  // The server never echoes: what shows is the client's own echo, with the erase.
  await cli.expect("ad\b \bdmin");
  await cli.send("\r");
  const password = await cli.expect("Password: ");
  assert.match(password.before, /^(\r+\n){2}$/); // our Enter, then the server's CR LF
  await cli.send("x");
  const key = await cli.expect("<got x>");
  assert.equal(key.before, ""); // no local echo once the server echoes

  await cli.sendControl("]");
  await cli.expect("dexpect> ");
  await cli.sendLine("mode");
  await cli.expect("Mode: character (chosen by the server's ECHO)");
  await cli.expect("dexpect> ");
  await cli.sendLine("mode line");
  await cli.expect("Mode: line (set with mode)");
  await cli.expect("dexpect> ");
  await cli.sendLine("continue");
  await cli.send("yz\r");
  await cli.expect("bye");
  assert.equal((await cli.expect(EOF)).exitStatus?.code, 0);
  assert.deepEqual(got, ["admin", "yz"]);
});
