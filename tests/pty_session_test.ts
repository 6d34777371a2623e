import assert from "node:assert/strict";
import { EOFError, TimeoutError } from "../expect/errors.ts";
import { EOF, TIMEOUT } from "../expect/patterns.ts";
import { spawn } from "../pty/session.ts";
import "./_pty_helpers.ts";

const ENV = { PATH: "/usr/bin:/bin", PS1: "$ ", TERM: "dumb" };

Deno.test("a multi-byte character split across two reads decodes whole", async () => {
  // The child blocks on `read` between the two halves of "€" (e2 82 | ac); with echo off
  // nothing comes between them.
  await using s = spawn(["sh", "-c", "printf 'A\\342\\202'; read x; printf '\\254B\\n'"], {
    timeout: 5_000,
    echo: false,
  });
  await s.expect("A");
  await s.sendLine("");
  const r = await s.expect("€B");
  assert.equal(r.before, "");
});

Deno.test("bytes mode returns bytes", async () => {
  await using s = spawn(["printf", "\\001\\002\\377"], { encoding: null, timeout: 5_000 });
  const r = await s.expect(new Uint8Array([2, 255]));
  assert.deepEqual(r.before, new Uint8Array([1]));
  assert.deepEqual(r.after, new Uint8Array([2, 255]));
});

Deno.test("sendEof ends cat's input; EOF carries the exit status", async () => {
  await using s = spawn("cat", { timeout: 5_000 });
  await s.sendLine("hello");
  await s.expect("hello\r\nhello\r\n");
  await s.sendEof();
  const r = await s.expect(EOF);
  assert.deepEqual(r.exitStatus, { code: 0, signal: null });
  assert.deepEqual(s.exitStatus(), { code: 0, signal: null });
});

Deno.test("sendIntr interrupts the foreground job", async () => {
  await using s = spawn("sh", { env: ENV, timeout: 5_000 });
  await s.expect("$ ");
  // The job prints the marker itself, so it is the foreground process when Ctrl-C comes;
  // quoting keeps the marker out of the echoed command line.
  await s.sendLine("sh -c 'echo run''ning; exec sleep 30'");
  await s.expect("running");
  await s.sendIntr();
  await s.expect("$ ");
  await s.sendLine("echo status=$?");
  await s.expect("status=130");
});

Deno.test("EOFError names the pattern and carries the exit status", async () => {
  await using s = spawn(["sh", "-c", "echo bye; exit 9"], { timeout: 5_000 });
  await assert.rejects(s.expect("never"), (e: unknown) => {
    assert.ok(e instanceof EOFError);
    assert.match(e.message, /"never"/);
    assert.match(e.message, /bye/);
    assert.match(e.message, /exit code 9/);
    return true;
  });
});

Deno.test("a timeout keeps the output for the next call", async () => {
  await using s = spawn(["sh", "-c", "read x; echo got $x"], { timeout: 5_000 });
  await assert.rejects(s.expect("got", { timeout: 50 }), TimeoutError);
  const t = await s.expect([TIMEOUT, "got"], { timeout: 50 });
  assert.equal(t.index, 0);
  await s.sendLine("it");
  await s.expect("got it");
});

Deno.test("waitNoEcho resolves when a program turns echo off", async () => {
  await using s = spawn([
    "sh",
    "-c",
    "echo ready; read go; stty -echo; echo off; read secret; echo got:$secret",
  ], {
    timeout: 5_000,
  });
  await s.expect("ready");
  assert.equal(s.echo, true);
  assert.equal(await s.waitNoEcho({ timeout: 30 }), false);
  await s.sendLine("");
  assert.equal(await s.waitNoEcho(), true);
  await s.sendLine("hunter2", { secret: true });
  const r = await s.expect(/got:(\w+)/);
  assert.equal(r.match[1], "hunter2");
  assert.ok(!r.before.includes("hunter2"), "the password was not echoed");
});
