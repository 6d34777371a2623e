// The CLI's telnet, chat and serve commands, run as users run them: in a pty driven by
// dexpect, against the in-repo Telnet server on 127.0.0.1.
import assert from "node:assert/strict";
import { EOF } from "../expect/patterns.ts";
import { Telnet } from "../telnet/client.ts";
import { serve, type TelnetServer } from "../telnet/server.ts";
import { dexpect } from "./_cli_helpers.ts";

/** A mock device: a prompt that answers `show version` and `whoami` until `exit`. */
function device(): TelnetServer {
  return serve({
    port: 0,
    timeout: 10_000,
    handler: async (s) => {
      await s.send("router> ");
      for (;;) {
        const r = await s.expect({
          version: "show version",
          who: "whoami",
          exit: "exit",
          gone: EOF,
        });
        if (r.key === "gone" || r.key === "exit") return;
        await s.expect(/[\r\n]/); // Enter: CR from a terminal, CR LF from sendLine
        await s.send(
          r.key === "version"
            ? "\r\nRouterOS 1.2\r\nrouter> "
            : `\r\n${s.terminalType}\r\nrouter> `,
        );
      }
    },
  });
}

Deno.test("telnet: an interactive session, the escape prompt, status and close", async () => {
  await using server = device();
  await using cli = dexpect(["telnet", "127.0.0.1", String(server.addr.port)]);
  await cli.expect("Escape character is '^]'.");
  await cli.expect("router> ");
  await cli.send("show version\r");
  await cli.expect("RouterOS 1.2");
  await cli.expect("router> ");
  await cli.sendControl("]");
  await cli.expect("dexpect> ");
  await cli.sendLine("status");
  await cli.expect(`Connected to 127.0.0.1 port ${server.addr.port}.`);
  await cli.send("whoami\r");
  await cli.expect("xterm"); // TTYPE: the user's $TERM
  await cli.expect("router> ");
  await cli.sendControl("]");
  await cli.expect("dexpect> ");
  await cli.sendLine("close");
  const end = await cli.expect(EOF);
  assert.equal(end.exitStatus?.code, 0);
});

Deno.test("telnet: the server closing ends the client with status 0", async () => {
  await using server = device();
  await using cli = dexpect(["telnet", "127.0.0.1", String(server.addr.port)]);
  await cli.expect("router> ");
  await cli.send("exit\r");
  await cli.expect("Connection closed by foreign host.");
  assert.equal((await cli.expect(EOF)).exitStatus?.code, 0);
});

Deno.test("chat: a dialogue file against a program and against a Telnet device", async () => {
  await using server = device();
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(
      `${dir}/program.chat`,
      [
        "# a program",
        "timeout 5000",
        'spawn sh -c \'printf "ok? "; read a; echo "got $a"; exit 6\'',
        'expect "ok? "',
        "sendline yes",
        "expect /got \\w+/",
      ].join("\n"),
    );
    await using program = dexpect(["chat", `${dir}/program.chat`]);
    const ended = await program.expect(EOF);
    assert.match(ended.before, /got yes/);
    assert.equal(ended.exitStatus?.code, 6);

    Deno.writeTextFileSync(
      `${dir}/device.chat`,
      [
        `connect 127.0.0.1 ${server.addr.port}`,
        'expect "router> "',
        "sendline show version",
        "expect RouterOS",
      ].join("\n"),
    );
    await using device = dexpect(["chat", `${dir}/device.chat`]);
    const done = await device.expect(EOF);
    assert.match(done.before, /RouterOS 1\.2/);
    assert.equal(done.exitStatus?.code, 0);

    Deno.writeTextFileSync(`${dir}/bad.chat`, "spawn cat\nexpekt x\n");
    await using bad = dexpect(["chat", `${dir}/bad.chat`]);
    const rejected = await bad.expect(EOF);
    assert.match(rejected.before, /line 2 .*unknown step "expekt"/);
    assert.equal(rejected.exitStatus?.code, 2);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("serve: a program over Telnet on loopback, stopped with Ctrl-C", async () => {
  await using cli = dexpect(["serve", "--port", "0", "--", "sh"], { PS1: "served$ " });
  const r = await cli.expect(/telnet:\/\/127\.0\.0\.1:(\d+)/);
  await using client = await Telnet.connect("127.0.0.1", Number(r.match[1]), { timeout: 10_000 });
  await client.expect("served$ ");
  await client.sendLine("echo $((6 * 7))");
  await client.expect("42");
  await client.sendLine("exit");
  await client.expect(EOF);
  await cli.sendIntr();
  assert.equal((await cli.expect(EOF)).exitStatus?.code, 0);
});

Deno.test("errors are one line naming what failed", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close(); // nothing listens there now
  const cases: [string[], RegExp, number][] = [
    [
      ["telnet", "127.0.0.1", String(port)],
      new RegExp(`^dexpect: Cannot connect to 127\\.0\\.0\\.1:${port}: connection refused\\r\\n$`),
      1,
    ],
    [
      ["chat", "/no/such/file.chat"],
      /^dexpect: Cannot read the dialogue file \/no\/such\/file\.chat: no such file or directory\r\n$/,
      1,
    ],
    [
      ["serve", "--port", "0", "--", "no-such-program-dexpect"],
      /^dexpect: Cannot spawn "no-such-program-dexpect": .*ENOENT.*\r\n$/,
      127,
    ],
  ];
  for (const [args, message, code] of cases) {
    await using cli = dexpect(args);
    const end = await cli.expect(EOF);
    assert.match(end.before, message);
    assert.equal(end.exitStatus?.code, code);
  }
});
