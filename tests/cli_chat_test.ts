// `dexpect chat` against real programs: paging, captures, secrets, window size, eof, fail.
import assert from "node:assert/strict";
import { EOF } from "../expect/patterns.ts";
import { dexpect } from "./_cli_helpers.ts";

async function chat(
  lines: string[],
  env: Record<string, string> = {},
): Promise<{ output: string; code: number | null; log: string }> {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/d.chat`, lines.join("\n"));
    await using cli = dexpect(["chat", `${dir}/d.chat`], env);
    const end = await cli.expect(EOF);
    return { output: end.before, code: end.exitStatus?.code ?? null, log: "" };
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

// A pager: three pages behind --More--, then a version line and a password prompt.
const DEVICE = [
  "spawn sh -c '",
  'for p in 1 2 3; do echo page$p; printf -- "--More--"; read x; done;',
  'echo "Version 4.2b (build 7)"; stty -echo; printf "Password: "; read pw; stty echo;',
  'echo; [ "$pw" = "$EXPECTED" ] && echo "welcome #1" || echo denied; stty size; exit 5',
  "'",
].join(" ");

Deno.test("chat: pages through --More--, captures, a secret from the environment", async () => {
  const { output, code } = await chat([
    "timeout 5000",
    "size 100x30",
    DEVICE,
    "expect {",
    '  "--More--"   send "\\r"; continue   # next page',
    "  /Version (?<version>\\S+) \\(build (\\d+)\\)/ as build",
    '  timeout      fail "no version"',
    "}",
    'expect "Password: "',
    "secret DEVICE_PASSWORD",
    "expect {",
    '  denied          fail "wrong password for ${version}"',
    '  "welcome #1"   sendline', // a # in quotes is text
    "}",
    'expect "30 100"                 # stty size: rows cols',
    "expect eof",
  ], { DEVICE_PASSWORD: "s3cr3t pw", EXPECTED: "s3cr3t pw" });
  assert.match(output, /page1[\s\S]*page3[\s\S]*welcome #1/);
  assert.ok(!output.includes("s3cr3t"), output);
  assert.equal(code, 5);
});

Deno.test("chat: a fail action exits 4 naming its line; an unset secret runs nothing", async () => {
  const failed = await chat([
    "timeout 5000",
    DEVICE,
    "expect {",
    '  "--More--"  send "\\r"; continue',
    "  /Version (\\S+)/ as version",
    "}",
    'expect "Password: "',
    "secret DEVICE_PASSWORD",
    "expect {",
    '  denied   fail "wrong password for ${version}"',
    "  welcome",
    "}",
  ], { DEVICE_PASSWORD: "guess", EXPECTED: "other" });
  assert.match(failed.output, /dexpect: Dialogue failed at line 10: wrong password for 4\.2b\r\n/);
  assert.ok(!failed.output.includes("guess"), failed.output);
  assert.equal(failed.code, 4);

  const unset = await chat(["spawn sh -c 'echo started; sleep 5'", "secret NOT_SET_ANYWHERE"]);
  assert.match(unset.output, /line 2: the environment variable NOT_SET_ANYWHERE of a secret/);
  assert.doesNotMatch(unset.output, /started/);
  assert.equal(unset.code, 4);
});

Deno.test("chat: `expect eof` waits for the end, quotes keep # in spawn", async () => {
  const { output, code } = await chat([
    `spawn sh -c 'echo "a #b"; exit 7' # a comment`,
    'expect "a #b"',
    "expect eof",
  ]);
  assert.match(output, /^a #b\r+\n$/);
  assert.equal(code, 7); // not 3: `eof` is the end of output, not the text "eof"
});
