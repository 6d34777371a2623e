// The in-repo Telnet server: handler sessions, a program per connection, loopback only.
import assert from "node:assert/strict";
import { EOFError, SessionStateError } from "../expect/errors.ts";
import { EOF } from "../expect/patterns.ts";
import { TelnetCommand, TelnetOption } from "../telnet/constants.ts";
import { Telnet } from "../telnet/client.ts";
import { serve, type TelnetServerSession } from "../telnet/server.ts";
import "./_pty_helpers.ts";

const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";

Deno.test("serve with a handler: a scripted device, with the client's size and type", async () => {
  const errors: unknown[] = [];
  let seen: { size: unknown; type: unknown; settled: boolean } | undefined;
  await using server = serve({
    timeout: 5_000,
    onError: (e) => void errors.push(e),
    handler: async (s) => {
      const settled = await s.negotiated();
      seen = { size: s.windowSize, type: s.terminalType, settled };
      await s.negotiate(TelnetCommand.WILL, TelnetOption.ECHO); // echo off for the password
      await s.send("Password: ");
      const { before } = await s.expect("\r\n");
      await s.negotiate(TelnetCommand.WONT, TelnetOption.ECHO);
      await s.sendLine(before === "s3cret" ? "Welcome" : "Denied");
    },
  });
  assert.equal(server.addr.hostname, "127.0.0.1");
  await using tn = await Telnet.connect("127.0.0.1", server.addr.port, {
    timeout: 5_000,
    windowSize: { cols: 132, rows: 43 },
    terminalTypes: ["VT220"],
  });
  await tn.expect("Password: ");
  assert.equal(tn.isEnabled("him", TelnetOption.ECHO), true);
  await tn.sendLine("s3cret", { secret: true });
  assert.equal(await tn.readAll(), "Welcome\r\n");
  assert.equal(tn.isEnabled("him", TelnetOption.ECHO), false);
  assert.deepEqual(seen, { size: { cols: 132, rows: 43 }, type: "VT220", settled: true });
  await server.shutdown();
  assert.deepEqual(errors, []);
});

Deno.test("serve with a handler: errors go to onError; close() ends waiting handlers", async () => {
  const errors: unknown[] = [];
  const started = Promise.withResolvers<void>();
  await using server = serve({
    timeout: 5_000,
    onError: (e) => void errors.push(e),
    handler: async (s) => {
      await s.sendLine("hi");
      const what = await s.expect(["boom\r\n", "wait\r\n"]);
      if (what.index === 0) throw new Error("handler failed");
      started.resolve();
      await s.expect("never"); // until the server closes
    },
  });
  {
    await using tn = await Telnet.connect("127.0.0.1", server.addr.port, { timeout: 5_000 });
    await tn.sendLine("boom");
    assert.equal(await tn.readAll(), "hi\r\n");
  }
  await using tn = await Telnet.connect("127.0.0.1", server.addr.port, { timeout: 5_000 });
  await tn.sendLine("wait");
  await started.promise;
  assert.equal(server.connections, 1);
  await server.close(); // the waiting handler's expect rejects: not an error to report
  await tn.expect(EOF);
  await server.finished;
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /handler failed/);
});

Deno.test("serve: maxConnections closes extra connections; signal stops the server", async () => {
  const controller = new AbortController();
  const release = Promise.withResolvers<void>();
  const server = serve({
    maxConnections: 1,
    signal: controller.signal,
    timeout: 5_000,
    handler: async (s) => {
      await s.send("one\r\n");
      await release.promise;
    },
  });
  await using first = await Telnet.connect("127.0.0.1", server.addr.port, { timeout: 5_000 });
  await first.expect("one\r\n");
  await using second = await Telnet.connect("127.0.0.1", server.addr.port, { timeout: 5_000 });
  assert.equal(await second.readAll(), "");
  release.resolve();
  assert.equal(await first.readAll(), "");
  controller.abort();
  await server.finished;
  await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: server.addr.port }));
});

Deno.test("serve listens on loopback only unless allowRemote", () => {
  const handler = () => {};
  for (const hostname of ["0.0.0.0", "::", "192.168.1.10", "example.com"]) {
    assert.throws(() => serve({ hostname, handler }), RangeError, hostname);
  }
  assert.throws(() => serve({} as Parameters<typeof serve>[0]), TypeError);
  assert.throws(() => serve({ handler, command: "sh" }), TypeError);
  assert.throws(() => serve({ handler, maxConnections: 0 }), RangeError);
});

Deno.test("serve a loopback alias: localhost and 127.0.0.2", async () => {
  for (const hostname of ["localhost", "127.0.0.2"]) {
    await using server = serve({ hostname, handler: (s) => s.sendLine(hostname) });
    const address = server.addr.hostname === "::1" ? "::1" : server.addr.hostname;
    await using tn = await Telnet.connect(address, server.addr.port, { timeout: 5_000 });
    assert.equal(await tn.readAll(), `${hostname}\r\n`);
  }
});

Deno.test("serve a command: TTYPE → TERM, NAWS → size and resize, IP interrupts, exit → EOF", async () => {
  const errors: unknown[] = [];
  await using server = serve({
    command: ["/bin/sh"],
    env: { PATH, PS1: "$ " },
    onError: (e) => void errors.push(e),
  });
  await using tn = await Telnet.connect("127.0.0.1", server.addr.port, {
    timeout: 5_000,
    windowSize: { cols: 101, rows: 31 },
    terminalTypes: ["XTERM-256COLOR"],
  });
  await tn.expect("$ ");
  assert.equal(tn.isEnabled("him", TelnetOption.ECHO), true); // the pty echoes
  await tn.sendLine('echo "[$TERM]"; stty size');
  assert.equal(
    (await tn.expect("$ ")).before,
    'echo "[$TERM]"; stty size\r\n[xterm-256color]\r\n31 101\r\n',
  );
  await tn.resize(255, 44);
  await tn.sendLine("stty size");
  assert.equal((await tn.expect("$ ")).before, "stty size\r\n44 255\r\n");
  // Interrupt once the job runs: a shell that is still starting it would swallow the ^C.
  await tn.sendLine("sh -c 'echo st''arted; exec sleep 30'");
  await tn.expect("started\r\n");
  await tn.sendIntr(); // ETX through the pty
  await tn.expect("$ ");
  await tn.sendLine("sh -c 'echo st''arted; exec sleep 30'");
  await tn.expect("started\r\n");
  await tn.sendInterruptProcess(); // IAC IP: the server interrupts the job itself
  await tn.expect("$ ");
  await tn.areYouThere();
  await tn.expect("[Yes]\r\n");
  await tn.sendLine("exit 3");
  const end = await tn.expect(EOF);
  assert.equal(end.before, "exit 3\r\n");
  await server.shutdown();
  assert.deepEqual(errors, []);
});

Deno.test("serve a command: a client that refuses TTYPE and NAWS gets TERM=dumb, 80x24", async () => {
  await using server = serve({ command: ["/bin/sh"], env: { PATH, PS1: "$ " } });
  await using tn = await Telnet.connect("127.0.0.1", server.addr.port, { timeout: 5_000 });
  await tn.expect("$ ");
  await tn.sendLine('echo "[$TERM]"; stty size; exit');
  assert.equal(await tn.readAll(), 'echo "[$TERM]"; stty size; exit\r\n[dumb]\r\n24 80\r\n');
});

Deno.test("serve a command: the client leaving ends the program", async () => {
  await using server = serve({ command: ["/bin/sh"], env: { PATH, PS1: "$ " } });
  let pid = 0;
  {
    await using tn = await Telnet.connect("127.0.0.1", server.addr.port, { timeout: 5_000 });
    await tn.expect("$ ");
    await tn.sendLine("echo pid=$$");
    pid = Number((await tn.expect(/pid=(\d+)/)).match[1]);
    assert.ok(pid > 0);
  }
  await server.shutdown(); // returns once the program was ended and reaped
  assert.throws(() => Deno.kill(pid, "SIGCONT"), Deno.errors.NotFound);
});

Deno.test("a handler session in bytes mode; EOFError when the client leaves", async () => {
  const outcome = Promise.withResolvers<unknown>();
  await using server = serve<Uint8Array>({
    encoding: null,
    timeout: 5_000,
    handler: async (s: TelnetServerSession<Uint8Array>) => {
      const r = await s.expect(Uint8Array.of(1, 255, 2));
      await s.send(r.after);
      await s.expect("never").catch((e) => outcome.resolve(e));
    },
  });
  {
    await using tn = await Telnet.connect("127.0.0.1", server.addr.port, {
      timeout: 5_000,
      encoding: null,
    });
    await tn.write(Uint8Array.of(1, 255, 2));
    assert.deepEqual([...await tn.readUntil(Uint8Array.of(2))], [1, 255, 2]);
  }
  const error = await outcome.promise;
  assert.ok(error instanceof EOFError || error instanceof SessionStateError, String(error));
});
