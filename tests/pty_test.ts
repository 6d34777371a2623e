import assert from "node:assert/strict";
import { PtyError, SpawnError } from "../pty/errors.ts";
import { spawnProcess } from "../pty/spawn.ts";
import { childPids, openFds, procStat, spawnStubborn, TextTap, type } from "./_pty_helpers.ts";

Deno.test("tty prints the slave path, which is the process's ttyName", async () => {
  await using child = spawnProcess("tty");
  const text = await new TextTap(child).all();
  assert.match(child.ttyName, /^\/dev\/pts\/\d+$/);
  assert.equal(text, `${child.ttyName}\r\n`);
  assert.deepEqual(child.exitStatus, { code: 0, signal: null });
});

Deno.test("the child is a session leader whose controlling tty is the slave", async () => {
  await using child = spawnProcess("cat");
  const [, , pgrp, session, ttyNr] = procStat(child.pid);
  assert.equal(Number(session), child.pid);
  assert.equal(Number(pgrp), child.pid);
  assert.equal(Number(ttyNr), Deno.statSync(child.ttyName).rdev);
});

Deno.test("stty size shows the spawn size, then a resize; the child gets SIGWINCH", async () => {
  await using child = spawnProcess([
    "sh",
    "-c",
    'trap "echo WINCH" WINCH; stty size; read x; stty size',
  ], {
    cols: 100,
    rows: 30,
  });
  const tap = new TextTap(child);
  let at = await tap.until("30 100\r\n");
  assert.deepEqual(child.size, { cols: 100, rows: 30 });
  child.resize(120, 40);
  at = await tap.until("WINCH", 5000, at);
  await type(child, "\n");
  await tap.until("40 120\r\n", 5000, at);
  assert.deepEqual(child.size, { cols: 120, rows: 40 });
  assert.throws(() => child.resize(0, 10), RangeError);
  tap.release();
});

Deno.test("exit codes and death by signal are reported", async () => {
  await using exited = spawnProcess(["sh", "-c", "exit 7"]);
  assert.deepEqual(await exited.wait(), { code: 7, signal: null });
  await using killed = spawnProcess(["sh", "-c", "kill -9 $$"]);
  assert.deepEqual(await killed.wait(), { code: null, signal: 9 });
  await using sleeper = spawnProcess(["sleep", "60"]);
  assert.equal(sleeper.isAlive(), true);
  sleeper.kill("SIGTERM");
  assert.deepEqual(await sleeper.wait(), { code: null, signal: 15 });
  assert.equal(sleeper.isAlive(), false);
  assert.throws(() => sleeper.kill(), PtyError);
});

Deno.test("env replaces the environment and cwd sets the directory", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    await using child = spawnProcess(["sh", "-c", 'echo "[$FOO][$HOME]"; pwd'], {
      env: { FOO: "bar baz", PATH: "/usr/bin:/bin" },
      cwd: dir,
    });
    const text = await new TextTap(child).all();
    assert.equal(text, `[bar baz][]\r\n${Deno.realPathSync(dir)}\r\n`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a string command is split like a shell splits words", async () => {
  await using child = spawnProcess(`printf '%s|' "a b" c\\ d 'e "f"'`);
  assert.equal(await new TextTap(child).all(), 'a b|c d|e "f"|');
});

Deno.test("a missing or non-executable program throws a typed error at once", () => {
  const fds = openFds();
  assert.throws(() => spawnProcess("no-such-program-dexpect"), (e: unknown) => {
    assert.ok(e instanceof SpawnError);
    assert.equal(e.code, "ENOENT");
    assert.equal(e.program, "no-such-program-dexpect");
    assert.match(
      e.message,
      /Cannot spawn "no-such-program-dexpect": posix_spawnp failed with ENOENT/,
    );
    return true;
  });
  const file = Deno.makeTempFileSync();
  try {
    Deno.chmodSync(file, 0o644);
    assert.throws(
      () => spawnProcess([file]),
      (e: unknown) => e instanceof SpawnError && e.code === "EACCES",
    );
  } finally {
    Deno.removeSync(file);
  }
  assert.throws(() => spawnProcess(["true"], { cwd: "/no/such/dir" }), SpawnError);
  assert.throws(() => spawnProcess(""), TypeError);
  assert.throws(() => spawnProcess("echo 'unclosed"), SyntaxError);
  assert.equal(openFds(), fds);
});

Deno.test("a 1 MiB line with no newline arrives whole", async () => {
  await using child = spawnProcess(["sh", "-c", "head -c 1048576 /dev/zero | tr '\\0' a"]);
  const text = await new TextTap(child).all();
  assert.equal(text.length, 1 << 20);
  assert.ok(/^a+$/.test(text));
});

Deno.test("EOF comes after every byte, with the exit status known", async () => {
  for (let i = 0; i < 5; i++) {
    await using child = spawnProcess(["sh", "-c", "seq 1 20000; exit 5"]);
    let bytes = 0;
    for await (const chunk of child.readable) bytes += chunk.length;
    assert.equal(bytes, 108894 + 20000); // seq's output plus one CR per line
    assert.deepEqual(child.exitStatus, { code: 5, signal: null });
  }
});

Deno.test("close() ends a pending read at once and hangs up the child", async () => {
  const child = spawnProcess("cat");
  const reader = child.readable.getReader();
  const pending = reader.read();
  const status = await child.close();
  assert.deepEqual(await pending, { done: true, value: undefined });
  assert.deepEqual(status, { code: null, signal: 1 });
  assert.equal(await child.close(), status);
  await assert.rejects(type(child, "x"), PtyError);
  assert.throws(() => child.resize(10, 10), PtyError);
});

Deno.test("close() escalates to SIGKILL for a child that ignores hangups", async () => {
  const child = await spawnStubborn();
  assert.deepEqual(await child.close({ grace: 50 }), { code: null, signal: 9 });
});

Deno.test("echo can be read and turned off", async () => {
  await using child = spawnProcess("cat", { echo: false });
  assert.equal(child.echo, false);
  child.setEcho(true);
  assert.equal(child.echo, true);
  assert.deepEqual(child.controlCharacters, { eof: 4, intr: 3 });
});

Deno.test("500 sequential spawn/close cycles leak no fd and no child", async () => {
  const fds = openFds();
  const children = childPids().length;
  for (let i = 0; i < 500; i++) {
    const child = spawnProcess("cat");
    await child.close();
  }
  assert.equal(openFds(), fds);
  assert.equal(childPids().length, children);
});

Deno.test("200 concurrent sessions each answer one round trip", async () => {
  const children = Array.from({ length: 200 }, () => spawnProcess("cat"));
  try {
    await Promise.all(children.map(async (child, i) => {
      const tap = new TextTap(child);
      await type(child, `ping ${i}\n`);
      const echoed = await tap.until(`ping ${i}\r\n`, 20_000);
      await tap.until(`ping ${i}\r\n`, 20_000, echoed);
      tap.release();
    }));
  } finally {
    await Promise.all(children.map((c) => c.close()));
  }
});

Deno.test("a script that ends without close() still exits", async () => {
  const script = `
    import { spawnProcess } from "${new URL("../pty/spawn.ts", import.meta.url).href}";
    const cat = spawnProcess("cat");
    spawnProcess(["sleep", "60"]);
    const w = cat.writable.getWriter();
    await w.write(new TextEncoder().encode("hi\\n"));
    const r = cat.readable.getReader();
    await r.read();
    console.log("end");
  `;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(15_000),
  }).output();
  assert.equal(new TextDecoder().decode(output.stderr), "");
  assert.equal(new TextDecoder().decode(output.stdout), "end\n");
  assert.equal(output.code, 0);
});
