// deno bench --allow-all pty/pty_bench.ts
// Ratios against baselines measured in the same run: `script -qc` for throughput through a
// pty, `Deno.Command` (a pipe, no pty) for spawn latency.
import { spawnProcess } from "./spawn.ts";

const SEQ = ["seq", "1", "1000000"];
const SEQ_BYTES = 7_888_896; // seq's 6 888 896 bytes plus a CR per line from the tty

async function drain(readable: ReadableStream<Uint8Array>): Promise<number> {
  let bytes = 0;
  for await (const chunk of readable) bytes += chunk.length;
  return bytes;
}

Deno.bench({
  name: "script -qc: seq 1 1000000 through a pty",
  group: "pty-seq",
  baseline: true,
  n: 5,
  warmup: 1,
  async fn() {
    const out = await new Deno.Command("script", {
      args: ["-qc", SEQ.join(" "), "/dev/null"],
      stdout: "piped",
      stdin: "null",
    }).output();
    if (out.stdout.length < SEQ_BYTES) throw new Error(`script lost output: ${out.stdout.length}`);
  },
});

Deno.bench({
  name: "dexpect: seq 1 1000000 until its last byte",
  group: "pty-seq",
  n: 5,
  warmup: 1,
  async fn() {
    await using child = spawnProcess(SEQ);
    const bytes = await drain(child.readable);
    if (bytes !== SEQ_BYTES) throw new Error(`lost output: ${bytes}`);
  },
});

Deno.bench({
  name: "Deno.Command: spawn true and wait (pipes, no pty)",
  group: "spawn",
  baseline: true,
  async fn() {
    await new Deno.Command("true", { stdin: "null", stdout: "null", stderr: "null" }).output();
  },
});

Deno.bench({
  name: "dexpect: spawn true in a pty and wait",
  group: "spawn",
  async fn() {
    const child = spawnProcess(["true"]);
    await child.wait();
    await child.close();
  },
});
