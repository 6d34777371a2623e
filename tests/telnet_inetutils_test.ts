// The Telnet client against inetutils telnetd (run on one loopback socket, no inetd), and the
// in-repo server's line reader against inetutils telnet(1).
import assert from "node:assert/strict";
import { EOF } from "../expect/patterns.ts";
import { Telnet } from "../telnet/client.ts";
import { needs, PEERS } from "./_peers.ts";
import { startTelnetd } from "./_telnet_helpers.ts";

const PROMPT = "dx> ";
const SET_PROMPT = "PS1='dx''> '";

Deno.test({
  name: "inetutils telnetd: 80x24 by default, sendIntr and sendInterruptProcess interrupt",
  ignore: needs(PEERS.telnetd, PEERS.python3),
}, async () => {
  await using telnetd = await startTelnetd();
  await using tn = await Telnet.connect("127.0.0.1", telnetd.port, { timeout: 10_000 });
  await tn.sendLine(SET_PROMPT);
  await tn.expect(PROMPT);
  await tn.sendLine("stty size");
  assert.match((await tn.expect(PROMPT)).before, /\r\n24 80\r\n$/);
  for (const interrupt of [() => tn.sendIntr(), () => tn.sendInterruptProcess()]) {
    // Interrupt once the job runs: a shell that is still starting it would swallow it.
    await tn.sendLine("sh -c 'echo st''arted; exec sleep 30'");
    await tn.expect("started\r\n");
    await interrupt();
    await tn.expect(PROMPT, { timeout: 5_000 });
  }
  await tn.sendLine("exit");
  await tn.expect(EOF);
});
