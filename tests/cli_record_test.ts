// The CLI's recordings: input only on request and never while the echo is off; private files.
import assert from "node:assert/strict";
import { EOF } from "../expect/patterns.ts";
import { dexpect } from "./_cli_helpers.ts";

// Reads a password with the echo off, then a line with it on.
const PROGRAM = [
  "sh",
  "-c",
  'stty -echo; printf "pw:"; read pw; stty echo; printf "\\nok:"; read x; echo "got $x"',
];

async function record(extra: string[]): Promise<{ events: unknown[][]; dir: string }> {
  const dir = Deno.makeTempDirSync();
  const cast = `${dir}/s.cast`;
  const log = `${dir}/s.log`;
  // An existing, world-readable log is made private too.
  Deno.writeTextFileSync(log, "old");
  Deno.chmodSync(log, 0o644);
  await using cli = dexpect(["spawn", "--log", log, "--record", cast, ...extra, "--", ...PROGRAM]);
  await cli.expect("pw:");
  await cli.sendLine("hunter2");
  await cli.expect("ok:");
  await cli.sendLine("visible");
  await cli.expect("got visible");
  const end = await cli.expect(EOF);
  assert.equal(end.exitStatus?.code, 0);
  for (const file of [cast, log]) {
    assert.equal(Deno.statSync(file).mode! & 0o777, 0o600, file);
    assert.ok(!Deno.readTextFileSync(file).includes("hunter2"), file);
  }
  const events = Deno.readTextFileSync(cast).trimEnd().split("\n").slice(1).map((l) =>
    JSON.parse(l)
  );
  return { events, dir };
}

Deno.test("spawn --record: no input events by default; files are 0600", async () => {
  const { events, dir } = await record([]);
  try {
    assert.ok(events.some(([, type, data]) => type === "o" && String(data).includes("got")));
    assert.deepEqual(events.filter(([, type]) => type === "i"), []);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("spawn --record-input: what is typed, except while the echo is off", async () => {
  const { events, dir } = await record(["--record-input"]);
  try {
    const input = events.filter(([, type]) => type === "i").map(([, , data]) => data).join("");
    assert.match(input, /visible/);
    assert.ok(!input.includes("hunter2"), input);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
