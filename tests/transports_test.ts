import assert from "node:assert/strict";
import { EOF, TIMEOUT } from "../expect/patterns.ts";
import { SessionStateError, TimeoutError } from "../expect/errors.ts";
import { spawnPipe } from "../pty/pipe.ts";
import { pythonRepl, shellRepl } from "../pty/repl.ts";
import { run } from "../pty/run.ts";
import { connectSocket, SocketSession } from "../telnet/socket.ts";
import "./_pty_helpers.ts";
import { needs, PEERS } from "./_peers.ts";

Deno.test("pipe session: a filter, EOF with the exit status", async () => {
  await using tr = spawnPipe(["tr", "a-z", "A-Z"], { timeout: 5_000 });
  await tr.sendLine("hello");
  await tr.sendEof();
  const end = await tr.expect(EOF);
  assert.equal(end.before, "HELLO\n");
  assert.deepEqual(end.exitStatus, { code: 0, signal: null });
});

Deno.test("pipe session: stderr is merged; sendIntr sends SIGINT", async () => {
  await using sh = spawnPipe(["sh", "-c", "echo out; echo err >&2; exec sleep 30"], {
    timeout: 5_000,
  });
  await sh.expect("out");
  await sh.expect("err");
  await sh.sendIntr();
  const end = await sh.expect(EOF);
  assert.deepEqual(end.exitStatus, { code: null, signal: 2 });
});

Deno.test("socket session: a loopback echo server", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = (async () => {
    using conn = await listener.accept();
    await conn.write(new TextEncoder().encode("220 ready\r\n"));
    const buf = new Uint8Array(64);
    const n = await conn.read(buf);
    await conn.write(buf.subarray(0, n ?? 0));
  })();
  await using s = await connectSocket("127.0.0.1", listener.addr.port, { timeout: 5_000 });
  assert.ok(s instanceof SocketSession);
  await s.expect(/^220 /m);
  await s.sendLine("QUIT");
  const end = await s.expect(EOF);
  assert.equal(end.before, "ready\r\nQUIT\r\n");
  await served;
});

Deno.test("run answers prompts and returns output and status", async () => {
  const r = await run(["sh", "-c", 'printf "Continue? "; read a; echo "got $a"; exit 2'], {
    events: [["Continue? ", "yes\n"]],
    timeout: 5_000,
  });
  assert.deepEqual(r, { output: "Continue? yes\r\ngot yes\r\n", code: 2, signal: null });
  const counted = await run([
    "sh",
    "-c",
    "for i in 1 2 3; do printf 'n? '; read x; done; echo done",
  ], {
    events: [["n? ", (m) => `${m.index}\n`]],
    timeout: 5_000,
  });
  assert.equal(counted.output, "n? 1\r\nn? 1\r\nn? 1\r\ndone\r\n");
  await assert.rejects(run(["sleep", "10"], { timeout: 50 }), TimeoutError);
});

Deno.test({
  name: "pythonRepl returns each statement's output",
  ignore: needs(PEERS.python3),
}, async () => {
  await using py = await pythonRepl(undefined, { timeout: 10_000 });
  assert.equal(await py.run("print(6 * 7)"), "42\r\n");
  assert.equal(await py.run("for i in range(2):\n  print(i)\n"), "0\r\n1\r\n");
  await assert.rejects(py.run("def f():"), SyntaxError);
  assert.equal(await py.run("1 + 1"), "2\r\n");
});

Deno.test("shellRepl returns each command's output", async () => {
  await using sh = await shellRepl(undefined, { timeout: 5_000 });
  assert.equal(await sh.run("echo $((1 + 2))"), "3\r\n");
});

Deno.test("a send after the peer closed is a SessionStateError naming the session", async () => {
  await using sh = spawnPipe(["sh", "-c", "exit 0"], { timeout: 5_000 });
  await sh.expect(EOF);
  const error = await sh.sendLine("late").then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof SessionStateError, String(error));
  assert.equal(error.reason, "closed");
  assert.match(error.message, /^Cannot send to the PipeSession: the peer closed its end/);
});

Deno.test("run: a TIMEOUT event is answered once, at the run's deadline", async () => {
  let calls = 0;
  const started = performance.now();
  const r = await run(["sh", "-c", "echo waiting; exec sleep 30"], {
    timeout: 300,
    events: [[TIMEOUT, () => void calls++]],
  });
  const took = performance.now() - started;
  assert.equal(calls, 1);
  assert.equal(r.timedOut, true);
  assert.equal(r.output, "waiting\r\n");
  assert.notEqual(r.signal, null); // ended by the close: SIGHUP
  assert.ok(took >= 290 && took < 10_000, `${took} ms`);
});
