// The Telnet client's telnetlib API and session hooks, against scripted loopback peers.
import assert from "node:assert/strict";
import { EOFError, SessionStateError } from "../expect/errors.ts";
import { EOF } from "../expect/patterns.ts";
import { TelnetCommand, TelnetOption } from "../telnet/constants.ts";
import { encodeNegotiation } from "../telnet/encoder.ts";
import { TelnetError } from "../telnet/errors.ts";
import type { TelnetEvent } from "../telnet/events.ts";
import { Telnet } from "../telnet/client.ts";
import { bytes, readBytes, readUntilBytes, scriptedPeer, writeAll } from "./_telnet_helpers.ts";

const { IAC, SB, SE, WILL, WONT, DO, IP, BRK, AYT } = TelnetCommand;
const { ECHO, TTYPE, NAWS } = TelnetOption;

/** A promise with its resolve function, for a peer to wait on the test. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire };
}

Deno.test("readUntil returns through the match, what it has on timeout, EOFError when empty", async () => {
  const go = signal();
  await using peer = scriptedPeer(async (conn) => {
    await writeAll(conn, "login: then more");
    await go.promise;
    await writeAll(conn, "tail");
  });
  await using tn = await Telnet.connect("127.0.0.1", peer.port, { timeout: 5_000 });
  assert.equal(await tn.readUntil("login: "), "login: ");
  await tn.peek("more"); // everything has arrived
  assert.equal(await tn.readUntil("never", { timeout: 50 }), "then more");
  assert.equal(await tn.readUntil("never", { timeout: 10 }), "");
  go.fire();
  await peer.done; // "tail" sent, connection closed
  assert.equal(await tn.readUntil("never"), "tail"); // EOF with cooked data: the data
  await assert.rejects(tn.readUntil("never"), EOFError); // EOF with none
});

Deno.test("readAll, readSome, the eager and lazy reads, and their EOFError", async () => {
  const go = signal();
  await using peer = scriptedPeer(async (conn) => {
    await writeAll(conn, "hello world");
    await go.promise;
    await writeAll(conn, bytes("part", IAC, IAC, "2"));
  });
  await using tn = await Telnet.connect("127.0.0.1", peer.port, { timeout: 5_000 });
  assert.equal(await tn.readVeryLazy(), ""); // nothing read yet: no I/O, no wait
  assert.equal(await tn.readSome(), "hello world"); // one chunk on loopback
  // The peer sends nothing until told: nothing is available, and nothing is waited for.
  assert.equal(await tn.readLazy(), "");
  assert.equal(await tn.readEager(), "");
  assert.equal(await tn.readVeryEager(), "");
  go.fire();
  await peer.done;
  await tn.peek(EOF); // everything read and buffered, not consumed
  assert.equal(tn.eof, true);
  assert.equal(await tn.readVeryLazy(), "part\ufffd2");
  await assert.rejects(tn.readVeryEager(), EOFError);
  await assert.rejects(tn.readEager(), EOFError);
  await assert.rejects(tn.readLazy(), EOFError);
  await assert.rejects(tn.readVeryLazy(), EOFError);
  assert.equal(await tn.readSome(), "");
  assert.equal(await tn.readAll(), "");
});

Deno.test("readVeryEager returns what is buffered and what arrives back to back", async () => {
  await using peer = scriptedPeer(async (conn) => {
    await writeAll(conn, "one ");
    await readBytes(conn, 1);
    await writeAll(conn, "two ");
  });
  await using tn = await Telnet.connect("127.0.0.1", peer.port, { timeout: 5_000 });
  await tn.peek("one ");
  assert.equal(await tn.readVeryEager(), "one ");
  await tn.send("!");
  await peer.done;
  let rest = "";
  for (let i = 0; i < 100 && !rest.endsWith("two "); i++) rest += await tn.readSome();
  assert.equal(rest, "two ");
  await assert.rejects(tn.readVeryEager(), EOFError);
});

Deno.test("bytes mode: reads return Uint8Array and IAC IAC is one 255", async () => {
  await using peer = scriptedPeer(async (conn) => {
    await writeAll(conn, bytes(1, IAC, IAC, 2, 13, 0, 3, "END"));
  });
  await using tn = await Telnet.connect("127.0.0.1", peer.port, { timeout: 5_000, encoding: null });
  const data = await tn.readUntil("END");
  assert.ok(data instanceof Uint8Array);
  assert.deepEqual([...data], [1, 255, 2, 13, 3, ...bytes("END")]);
  assert.deepEqual([...await tn.readAll()], []);
});

Deno.test("write doubles IAC and follows NVT line rules; sendLine ends with CR LF", async () => {
  const wire = bytes(1, IAC, IAC, 2, "a\r\nb", "c\r\0", "x\r\n", "y\r\0", ".");
  await using peer = scriptedPeer(async (conn) => {
    const got = await readBytes(conn, wire.length);
    await writeAll(conn, JSON.stringify([...got]));
  });
  await using tn = await Telnet.connect("127.0.0.1", peer.port, { timeout: 5_000, encoding: null });
  await tn.write(Uint8Array.of(1, 255, 2));
  await tn.write("a\nb");
  await tn.write("c\r");
  await tn.sendLine("x");
  // CR and LF sent apart (a charDelay) make one end of line, CR NUL as telnet's Enter key.
  await tn.sendLine("y", { charDelay: 1 });
  await tn.write(".");
  const got = JSON.parse(new TextDecoder().decode(await tn.readAll()));
  assert.deepEqual(got, [...wire]);
});

Deno.test("sendInterruptProcess, sendBreak, areYouThere send IAC IP, BRK, AYT; sendIntr ETX", async () => {
  await using peer = scriptedPeer(async (conn) => {
    // Echoed back, the commands are received as commands: only ETX is data, then EOF.
    await writeAll(conn, await readBytes(conn, 7));
  });
  await using tn = await Telnet.connect("127.0.0.1", peer.port, { timeout: 5_000, encoding: null });
  await tn.sendInterruptProcess();
  await tn.sendIntr(); // the byte a user's Ctrl-C sends in character mode
  await tn.sendBreak();
  await tn.areYouThere();
  const commands: number[] = [];
  using _ = tn.observeTelnet((e) => void (e.type === "command" && commands.push(e.command)));
  assert.deepEqual([...await tn.readAll()], [0x03]);
  assert.deepEqual(commands, [IP, BRK, AYT]);
});

Deno.test("NAWS: sent when the server asks and on every resize, 255 doubled", async () => {
  await using peer = scriptedPeer(async (conn) => {
    await writeAll(conn, bytes(IAC, DO, NAWS, "ready"));
    const first = await readUntilBytes(conn, bytes(IAC, SE));
    assert.deepEqual([...first], [IAC, WILL, NAWS, IAC, SB, NAWS, 0, 80, 0, 24, IAC, SE]);
    await writeAll(conn, "go");
    const second = await readUntilBytes(conn, bytes(IAC, SE));
    assert.deepEqual([...second], [IAC, SB, NAWS, 0, 255, 255, 0, 50, IAC, SE]);
    await writeAll(conn, "done");
  });
  await using tn = await Telnet.connect("127.0.0.1", peer.port, {
    timeout: 5_000,
    windowSize: { cols: 80, rows: 24 },
  });
  await tn.expect("ready");
  await tn.expect("go");
  await tn.resize(255, 50);
  assert.deepEqual(tn.windowSize, { cols: 255, rows: 50 });
  assert.equal(await tn.readAll(), "done");
  await peer.done;
});

Deno.test("NAWS: 80x24 by default, as pexpect sizes every pty", async () => {
  await using peer = scriptedPeer(async (conn) => {
    await writeAll(conn, bytes(IAC, DO, NAWS, "ready"));
    const first = await readUntilBytes(conn, bytes(IAC, SE));
    assert.deepEqual([...first], [IAC, WILL, NAWS, IAC, SB, NAWS, 0, 80, 0, 24, IAC, SE]);
    await writeAll(conn, "done");
  });
  await using tn = await Telnet.connect("127.0.0.1", peer.port, { timeout: 5_000 });
  assert.deepEqual(tn.windowSize, { cols: 80, rows: 24 });
  assert.equal(await tn.readAll(), "readydone");
  await peer.done;
});

Deno.test("interact forwards the user's terminal size with NAWS", async () => {
  await using peer = scriptedPeer(async (conn) => {
    await writeAll(conn, bytes(IAC, DO, NAWS, "$ "));
    assert.deepEqual([...await readBytes(conn, 3)], [IAC, WONT, NAWS]); // windowSize: null
    // interact() learns the terminal's size: the client offers NAWS and sends the size.
    assert.deepEqual([...await readBytes(conn, 3)], [IAC, WILL, NAWS]);
    await writeAll(conn, bytes(IAC, DO, NAWS));
    assert.deepEqual([...await readBytes(conn, 9)], [IAC, SB, NAWS, 0, 90, 0, 20, IAC, SE]);
    await writeAll(conn, "sized");
    await readBytes(conn, 1);
  });
  await using tn = await Telnet.connect("127.0.0.1", peer.port, {
    timeout: 5_000,
    windowSize: null,
  });
  await tn.expect("$ ");
  const keys = new TransformStream<Uint8Array, Uint8Array>();
  const keyboard = keys.writable.getWriter();
  let shown = "";
  const r = await tn.interact({
    terminal: {
      readable: keys.readable,
      writable: new WritableStream({
        write(chunk) {
          shown += new TextDecoder().decode(chunk);
          if (shown.includes("sized")) keyboard.write(Uint8Array.of(0x1d)).catch(() => {});
        },
      }),
      isTerminal: true,
      setRaw: () => {},
      size: () => ({ cols: 90, rows: 20 }),
    },
    signal: AbortSignal.timeout(5_000),
  });
  assert.equal(r.reason, "escape");
  assert.equal(shown, "sized");
  assert.deepEqual(tn.windowSize, { cols: 90, rows: 20 });
  await tn.send("."); // lets the peer finish
  await peer.done;
  await keyboard.close();
});

Deno.test("setOptionNegotiationCallback takes over negotiation; readSbData", async () => {
  const reply = signal();
  let wire: number[] = [];
  await using peer = scriptedPeer(async (conn) => {
    await writeAll(conn, bytes(IAC, DO, TTYPE, IAC, WILL, ECHO, IAC, SB, TTYPE, 1, IAC, SE, "X"));
    wire = [...await readBytes(conn, 3)];
    reply.fire();
  });
  await using tn = await Telnet.connect("127.0.0.1", peer.port, { timeout: 5_000 });
  const calls: [number, number][] = [];
  let sb: number[] = [];
  tn.setOptionNegotiationCallback((command, option) => {
    calls.push([command, option]);
    if (command === SE) sb = [...tn.readSbData()];
    if (command === DO) tn.writeRaw(encodeNegotiation(WONT, option));
  });
  await tn.expect("X");
  await reply.promise;
  assert.deepEqual(calls, [[DO, TTYPE], [WILL, ECHO], [SB, 0], [SE, 0]]);
  assert.deepEqual(sb, [TTYPE, 1]);
  assert.deepEqual(wire, [IAC, WONT, TTYPE]); // only the callback's reply
  assert.equal(tn.isEnabled("him", ECHO), false); // no automatic DO ECHO
  assert.deepEqual([...tn.readSbData()], []);
});

Deno.test("debug level, msg and its sink; observers see the negotiation", async () => {
  await using peer = scriptedPeer(async (conn) => {
    await writeAll(conn, bytes(IAC, WILL, ECHO, "hi"));
    await readBytes(conn, 3);
  });
  const lines: string[] = [];
  await using tn = new Telnet({ timeout: 5_000, debug: (line) => void lines.push(line) });
  assert.equal(tn.getSocket(), null);
  tn.msg("dropped at level 0");
  await tn.open("127.0.0.1", peer.port);
  assert.ok(tn.getSocket() !== null);
  const events: TelnetEvent[] = [];
  using _ = tn.observeTelnet((e) => void events.push(e));
  tn.setDebugLevel(2);
  tn.msg("user %s has %d%% of %r", "ann", 42.9, "quota");
  await tn.expect("hi");
  tn.setDebugLevel(0);
  tn.msg("dropped again");
  const prefix = `Telnet(127.0.0.1,${peer.port}): `;
  assert.deepEqual(lines, [
    `${prefix}user ann has 42% of "quota"`,
    `${prefix}RCVD WILL ECHO`,
    `${prefix}SENT DO ECHO`,
    `${prefix}recv "hi"`,
  ]);
  assert.deepEqual(events.map((e) => e.type), ["negotiation", "trace", "send", "trace", "option"]);
  assert.throws(() => tn.setDebugLevel(-1), RangeError);
});

Deno.test("new Telnet() then open(): calls made before open wait; no reopen", async () => {
  await using peer = scriptedPeer(async (conn) => {
    await writeAll(conn, "hi");
  });
  await using tn = new Telnet({ timeout: 5_000 });
  const early = tn.expect("hi");
  await assert.rejects(tn.write("x"), TelnetError); // not connected: writing cannot wait
  await tn.open("127.0.0.1", peer.port);
  assert.equal((await early).after, "hi");
  await assert.rejects(
    tn.open("127.0.0.1", peer.port),
    (e) => e instanceof TelnetError && e.reason === "reopen",
  );
  assert.equal(tn.host, "127.0.0.1");
  assert.equal(tn.port, peer.port);
});

Deno.test("close before open ends waiting calls; closed sessions refuse", async () => {
  const tn = new Telnet({ timeout: 5_000 });
  const waiting = tn.expect("never");
  await tn.close();
  await assert.rejects(waiting, SessionStateError);
  await assert.rejects(
    tn.open("127.0.0.1", 1),
    (e) => e instanceof TelnetError && e.reason === "reopen",
  );
  await assert.rejects(tn.sendIntr(), SessionStateError);
});

Deno.test("connect errors are TelnetErrors naming the address, with the cause", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  await assert.rejects(
    Telnet.connect("127.0.0.1", port, { timeout: 5_000 }),
    (e) =>
      e instanceof TelnetError && e.reason === "io" &&
      e.message === `Cannot connect to 127.0.0.1:${port}: connection refused` &&
      e.cause instanceof Deno.errors.ConnectionRefused,
  );
  // A TLS handshake with a server that never answers: the deadline covers it.
  await using silent = scriptedPeer(async (conn) => {
    await conn.read(new Uint8Array(4096)); // the ClientHello
    await conn.read(new Uint8Array(4096)); // until the client gives up and closes
  });
  await assert.rejects(
    Telnet.connect("127.0.0.1", silent.port, { timeout: 100, tls: true }),
    (e) => e instanceof TelnetError && e.reason === "timeout",
  );
});

/** An authority and a certificate for 127.0.0.1 it signed (openssl), or null without openssl. */
function certificates(): { ca: string; cert: string; key: string } | null {
  const dir = Deno.makeTempDirSync();
  const run = (...args: string[]) =>
    new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "null" }).outputSync()
      .success;
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  try {
    const ok = run(
      "req",
      "-x509",
      ...ec,
      "-days",
      "1",
      "-subj",
      "/CN=test CA",
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
    ) &&
      run("req", ...ec, "-subj", "/CN=localhost", "-keyout", "key.pem", "-out", "req.csr") &&
      Deno.writeTextFileSync(`${dir}/ext.cnf`, "subjectAltName=IP:127.0.0.1,DNS:localhost\n") ===
        undefined &&
      run(
        ...["x509", "-req", "-in", "req.csr", "-CA", "ca.pem", "-CAkey", "ca.key"],
        ...["-CAcreateserial", "-days", "1", "-extfile", "ext.cnf", "-out", "cert.pem"],
      );
    if (!ok) return null;
    const read = (name: string) => Deno.readTextFileSync(`${dir}/${name}`);
    return { ca: read("ca.pem"), cert: read("cert.pem"), key: read("key.pem") };
  } catch {
    return null;
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

const pki = certificates();

Deno.test({
  name: "telnets: TLS with a private authority",
  ignore: pki === null,
  async fn() {
    const { ca, cert, key } = pki!;
    using listener = Deno.listenTls({ hostname: "127.0.0.1", port: 0, cert, key });
    const served = (async () => {
      using conn = await listener.accept();
      await writeAll(conn, bytes(IAC, WILL, ECHO, "secure> "));
      const line = await readUntilBytes(conn, bytes("\r\n"));
      assert.deepEqual([...line.subarray(0, 3)], [IAC, DO, ECHO]);
      await writeAll(conn, `got ${new TextDecoder().decode(line.subarray(3)).trim()}\r\n`);
    })();
    await using tn = await Telnet.connect("127.0.0.1", listener.addr.port, {
      timeout: 5_000,
      tls: { caCerts: [ca] },
    });
    await tn.expect("secure> ");
    assert.equal(tn.isEnabled("him", ECHO), true);
    await tn.sendLine("hello");
    assert.equal(await tn.readAll(), "got hello\r\n");
    await served;
    // Without the authority the handshake fails.
    const rejected = (async () => {
      using conn = await listener.accept();
      await conn.handshake().catch(() => {});
      await conn.read(new Uint8Array(16)).catch(() => {});
    })();
    await assert.rejects(
      Telnet.connect("127.0.0.1", listener.addr.port, { timeout: 5_000, tls: true }),
    );
    await rejected;
  },
});
