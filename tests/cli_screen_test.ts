// Copyright the dexpect authors. MIT license.
// `dexpect run --screen` and the dialogue file's screen steps, as users run them.
import assert from "node:assert/strict";
import { EOF } from "../expect/patterns.ts";
import { dexpect as cli } from "./_cli_helpers.ts";

// The CLI loads xterm.js from Deno's cache: this process's, since the helper's HOME differs.
const DENO_DIR = Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`;
const dexpect = (args: string[]) => cli(args, { DENO_DIR });

const DRAW = "printf '\\033[2J\\033[3;6Hhello \\033[7mworld\\033[m\\033[1;1H'; sleep 0.1";

Deno.test("run --screen: --expect looks at the screen; prints the final screen; --svg", async () => {
  const svg = await Deno.makeTempFile({ suffix: ".svg" });
  try {
    await using cli = dexpect([
      "run",
      "--screen",
      "--svg",
      svg,
      "--expect",
      "/^ +hello world$/m",
      "--",
      "sh",
      "-c",
      DRAW,
    ]);
    const end = await cli.expect(EOF);
    assert.equal(end.exitStatus?.code, 0);
    assert.equal(end.before, "\r\n\r\n     hello world\r\n");
    assert.match(await Deno.readTextFile(svg), />world<\/text>/);
  } finally {
    await Deno.remove(svg);
  }
});

Deno.test("run --screen: a timed-out screen --expect shows the screen", async () => {
  await using cli = dexpect([
    "run",
    "--screen",
    "--timeout",
    "300",
    "--expect",
    "bye",
    "--",
    "sh",
    "-c",
    DRAW + "; sleep 5",
  ]);
  const end = await cli.expect(EOF);
  assert.equal(end.exitStatus?.code, 1);
  assert.match(end.before, /waiting for onScreen\("bye"\)/);
  assert.match(end.before, /│█? +│\r\n│ +│\r\n│ {5}hello world +│/);
});

Deno.test("chat: expect screen and settle steps", async () => {
  const file = await Deno.makeTempFile({ suffix: ".chat" });
  try {
    await Deno.writeTextFile(
      file,
      [
        `spawn sh -c "${DRAW.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}; read x"`,
        "expect screen /hello (\\w+)/",
        "settle 50",
        "sendline",
        "",
      ].join("\n"),
    );
    await using cli = dexpect(["chat", file]);
    const end = await cli.expect(EOF);
    assert.equal(end.exitStatus?.code, 0, end.before);
  } finally {
    await Deno.remove(file);
  }
});
