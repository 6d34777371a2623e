// The CLI as users run it: in a pty, driven by dexpect itself.
import assert from "node:assert/strict";
import { EOF } from "../expect/patterns.ts";
import { dexpect } from "./_cli_helpers.ts";

async function finish(args: string[]): Promise<{ output: string; code: number | null }> {
  await using cli = dexpect(args);
  const end = await cli.expect(EOF);
  return { output: end.before, code: end.exitStatus?.code ?? null };
}

Deno.test("run plays a dialogue and exits with the child's code", async () => {
  const { output, code } = await finish([
    "run",
    "--expect",
    "$ ",
    "--send",
    "echo hi $((1+2))\\n",
    "--expect",
    "/hi \\d/",
    "--send",
    "exit 4\\n",
    "--",
    "env",
    "PS1=$ ",
    "sh",
  ]);
  assert.match(output, /hi 3/);
  assert.equal(code, 4);
});

Deno.test("run: exit 1 on timeout, 3 on EOF, 128+N on a signal", async () => {
  const timedOut = await finish(["run", "--timeout", "200", "--expect", "never", "--", "cat"]);
  assert.equal(timedOut.code, 1);
  assert.match(timedOut.output, /dexpect: Timed out after \d+ ms waiting for "never"/);
  const eof = await finish(["run", "--expect", "never", "--", "echo", "bye"]);
  assert.equal(eof.code, 3);
  assert.match(eof.output, /end of output.*"never".*bye/s);
  const killed = await finish(["run", "--", "sh", "-c", "kill -TERM $$"]);
  assert.equal(killed.code, 128 + 15);
});

Deno.test("usage errors exit 2 with one line on stderr; --help and --version", async () => {
  for (
    const args of [
      ["bogus"],
      ["run", "--", ""],
      ["run", "--bad", "--", "true"],
      ["run", "true"],
      ["chat", "--bogus", "f"],
      ["telnet", "--nope", "h"],
      ["replay", "--bogus", "f.cast"],
    ]
  ) {
    const { output, code } = await finish(args);
    assert.equal(code, 2, `${args.join(" ")}: ${output}`);
    assert.match(output, /^dexpect: .+\r\n$/);
  }
  const help = await finish(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.output, /Exit codes:/);
  assert.match((await finish(["run", "--help"])).output, /Usage: dexpect run/);
  assert.match((await finish(["--version"])).output, /^dexpect \d+\.\d+\.\d+/);
  const missing = await finish(["run", "--", "no-such-program-dexpect"]);
  assert.equal(missing.code, 127);
  assert.match(missing.output, /Cannot spawn "no-such-program-dexpect".*ENOENT/);
});

Deno.test("spawn records a session like script(1) and exits with the child's code", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const log = `${dir}/session.log`;
    const cast = `${dir}/session.cast`;
    await using cli = dexpect(["spawn", "--log", log, "--record", cast, "--", "sh"], {
      PS1: "P> ",
    });
    await cli.expect(`Script started, output file is ${log} and ${cast}.`);
    await cli.expect("P> ");
    await cli.sendLine("echo recorded; exit 5");
    const end = await cli.expect(EOF);
    assert.match(end.before, /recorded/);
    assert.match(end.before, /Script done\./);
    assert.equal(end.exitStatus?.code, 5);
    const text = Deno.readTextFileSync(log);
    assert.match(text, /^Script started on .+ \[COMMAND="sh"\]\n/);
    assert.match(text, /recorded\r\n/);
    assert.match(text, /Script done on .+ \[COMMAND_EXIT_CODE="5"\]\n$/);
    const [header, ...events] = Deno.readTextFileSync(cast).trimEnd().split("\n").map((l) =>
      JSON.parse(l)
    );
    assert.equal(header.version, 2);
    assert.equal(header.width, 80);
    assert.ok(events.some(([, type, data]) => type === "o" && data.includes("recorded")));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
