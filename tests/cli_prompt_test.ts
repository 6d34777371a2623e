// The dexpect> escape prompt and --help, as a telnet(1) user meets them (issue 11).
import assert from "node:assert/strict";
import { EOF } from "../expect/patterns.ts";
import { serve } from "../telnet/server.ts";
import { dexpect } from "./_cli_helpers.ts";

Deno.test("telnet prompt: help and ? list the commands; a second Ctrl-] is sent", async () => {
  const received: number[] = [];
  await using server = serve({
    timeout: 10_000,
    encoding: null,
    handler: async (s) => {
      await s.send("ready> ");
      const r = await s.expect(Uint8Array.of(0x1d));
      received.push(...r.after);
      await s.send("got it> ");
      await s.expect(EOF);
    },
  });
  await using cli = dexpect(["telnet", "127.0.0.1", String(server.addr.port)]);
  await cli.expect("ready> ");
  for (const ask of ["help", "?"]) {
    await cli.sendControl("]");
    await cli.expect("dexpect> ");
    await cli.sendLine(ask);
    await cli.expect("send brk|ip|ayt");
    await cli.expect("dexpect> "); // help returns to the prompt, not to the session
    await cli.sendLine("continue");
  }
  await cli.sendControl("]");
  await cli.expect("dexpect> ");
  await cli.sendControl("]");
  await cli.expect("got it> ");
  assert.deepEqual(received, [0x1d]);
  await cli.sendControl("]");
  await cli.expect("dexpect> ");
  await cli.sendLine("close");
  assert.equal((await cli.expect(EOF)).exitStatus?.code, 0);
});

Deno.test("--help lists every exit code, 126 and 127 included", async () => {
  await using cli = dexpect(["--help"]);
  const { before, exitStatus } = await cli.expect(EOF);
  for (const code of ["0", "1", "2", "3", "126", "127", "128+N"]) {
    assert.match(before, new RegExp(`^  ${code.replace("+", "\\+")} +\\S`, "m"), code);
  }
  assert.equal(exitStatus?.code, 0);
});
