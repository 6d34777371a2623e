// Exhausted resources and unclosed sessions, each in a child process (issue 8, items 6 and 7).
import assert from "node:assert/strict";
import { readUntilBytes, scriptedPeer, writeAll } from "./_telnet_helpers.ts";

const CHILD = new URL("./_telnet_children.ts", import.meta.url).pathname;

/** Runs a child script under `sh -c`, killed after `ms`; returns its exit code and output. */
async function runChild(shell: string, ms: number): Promise<{ code: number; out: string }> {
  const child = new Deno.Command("sh", {
    args: ["-c", shell],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), ms);
  try {
    const { code, stdout, stderr } = await child.output();
    const out = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    return { code, out };
  } finally {
    clearTimeout(timer);
  }
}

const deno = (args: string) => `exec '${Deno.execPath()}' run -A '${CHILD}' ${args}`;

Deno.test("serve() reports EMFILE from accept to onError, backs off and serves on (ulimit -n 64)", async () => {
  const { code, out } = await runChild(`ulimit -n 64 && ${deno("emfile")}`, 20_000);
  assert.match(out, /onError: .*Too many open files/);
  assert.match(out, /hello received\ndone\n/);
  assert.equal(code, 0, out);
});

Deno.test("a script that ends without close() exits although its expect() timed out", async () => {
  await using peer = scriptedPeer(async (conn) => {
    await writeAll(conn, "hi");
    await readUntilBytes(conn, new TextEncoder().encode("ready\r\n"));
    // Late enough that a child whose waiting read did not keep it alive would be gone.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await writeAll(conn, "late");
    // Keep the connection open until the child process is gone.
    while (await conn.read(new Uint8Array(64)) !== null) { /* wait for EOF */ }
  });
  const { code, out } = await runChild(deno(`unclosed ${peer.port}`), 20_000);
  assert.equal(out, "TimeoutError\nTimeoutError\nlate\nscript ends\n");
  assert.equal(code, 0, out);
});
