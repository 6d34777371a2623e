// The Telnet client against a real peer: busybox telnetd serving /bin/sh on 127.0.0.1.
import assert from "node:assert/strict";
import { EOF } from "../expect/patterns.ts";
import { EOFError } from "../expect/errors.ts";
import { TelnetOption } from "../telnet/constants.ts";
import { Telnet } from "../telnet/client.ts";
import { startBusybox } from "./_telnet_helpers.ts";
import { needs, PEERS } from "./_peers.ts";

const ignore = needs(PEERS.busybox);

const PROMPT = "dx> ";
// Quoted in two pieces so the echoed command line does not contain the prompt.
const SET_PROMPT = "PS1='dx''> '";

Deno.test({
  name: "busybox telnetd: log in, run commands, read results, exit → EOF",
  ignore,
}, async () => {
  await using busybox = await startBusybox();
  const trace: string[] = [];
  await using tn = await Telnet.connect("127.0.0.1", busybox.port, {
    timeout: 5_000,
    debugLevel: 1,
    debug: (line) => void trace.push(line),
  });
  const banner = await tn.readUntil("# ");
  assert.ok(banner.endsWith("# "), JSON.stringify(banner));
  // busybox asked for DO ECHO, DO NAWS, WILL ECHO, WILL SGA: we refuse to echo, send 80x24.
  assert.equal(tn.isEnabled("him", TelnetOption.ECHO), true);
  assert.equal(tn.isEnabled("him", TelnetOption.SGA), true);
  assert.equal(tn.isEnabled("us", TelnetOption.ECHO), false);
  assert.ok(trace.some((l) => l.endsWith("RCVD DO NAWS")), trace.join("\n"));
  assert.ok(trace.some((l) => l.endsWith("SENT WILL NAWS")), trace.join("\n"));

  await tn.sendLine(SET_PROMPT);
  await tn.expect(PROMPT);
  await tn.sendLine("echo $((6 * 7)); printf 'a\\377b\\n'");
  const { before } = await tn.expect(PROMPT);
  assert.equal(before, "echo $((6 * 7)); printf 'a\\377b\\n'\r\n42\r\na\ufffdb\r\n");
  await tn.sendLine("stty size");
  assert.equal((await tn.expect(PROMPT)).before, "stty size\r\n24 80\r\n");

  // Interrupt once the job runs: a shell that is still starting it would swallow the ^C.
  await tn.sendLine("sh -c 'echo st''arted; exec sleep 30'");
  await tn.expect("started\r\n");
  await tn.sendIntr(); // ETX: busybox telnetd ignores IAC IP
  await tn.expect(PROMPT);

  await tn.sendLine("exit");
  const end = await tn.expect(EOF);
  assert.equal(end.before, "exit\r\n");
  await assert.rejects(tn.readVeryEager(), EOFError);
  assert.equal(await tn.readAll(), "");
});

Deno.test(
  { name: "busybox telnetd: NAWS at start and on resize; bytes mode", ignore },
  async () => {
    await using busybox = await startBusybox();
    await using tn = await Telnet.connect("127.0.0.1", busybox.port, {
      timeout: 5_000,
      encoding: null,
      windowSize: { cols: 100, rows: 30 },
    });
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    await tn.readUntil("# ");
    assert.equal(tn.isEnabled("us", TelnetOption.NAWS), true);
    await tn.sendLine(SET_PROMPT);
    await tn.expect(PROMPT);
    await tn.sendLine("stty size");
    assert.equal(decode((await tn.expect(PROMPT)).before), "stty size\r\n30 100\r\n");
    // Not 255: busybox reads NAWS at fixed offsets and misses the IAC doubling RFC 1073 requires
    // (tests/telnet_client_test.ts checks 255 byte for byte).
    await tn.resize(254, 40);
    await tn.sendLine("stty size");
    assert.equal(decode((await tn.expect(PROMPT)).before), "stty size\r\n40 254\r\n");
    await tn.sendLine("printf '\\377\\001'; exit");
    const rest = await tn.readAll();
    assert.ok(decode(rest).startsWith("printf"), JSON.stringify(decode(rest)));
    assert.deepEqual([...rest.subarray(-2)], [255, 1]);
  },
);
