// Resource evidence for spawn/close cycles: open fds, child processes (zombies included) and
// V8 heap before and after N sequential cycles of spawn `cat`, one round trip, close().
//   deno run -A --v8-flags=--expose-gc bench/pty_cycles.ts [N]   (default 10 000)
import { spawnProcess } from "../pty/spawn.ts";

const n = Number(Deno.args[0] ?? 10_000);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function openFds(): number {
  return [...Deno.readDirSync("/proc/self/fd")].length;
}

function children(): { all: number; zombies: number } {
  let all = 0;
  let zombies = 0;
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) !== Deno.pid) continue;
      all++;
      if (fields[0] === "Z") zombies++;
    } catch {
      // gone while we looked
    }
  }
  return { all, zombies };
}

function heapKiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round(Deno.memoryUsage().heapUsed / 1024);
}

async function cycle(i: number): Promise<void> {
  const child = spawnProcess("cat");
  const writer = child.writable.getWriter();
  await writer.write(encoder.encode(`ping ${i}\n`));
  writer.releaseLock();
  const reader = child.readable.getReader();
  let text = "";
  while (!text.includes(`ping ${i}\r\n`)) text += decoder.decode((await reader.read()).value);
  reader.releaseLock();
  await child.close();
}

await cycle(-1); // loads libc, creates the poller
const before = { fds: openFds(), ...children(), heap: heapKiB() };
const start = performance.now();
for (let i = 0; i < n; i++) await cycle(i);
const ms = performance.now() - start;
const after = { fds: openFds(), ...children(), heap: heapKiB() };
console.log(
  `pty-cycles   ${n} spawn/round-trip/close cycles in ${(ms / 1000).toFixed(1)} s: ` +
    `fds ${before.fds} -> ${after.fds}, children ${before.all} -> ${after.all}, ` +
    `zombies ${before.zombies} -> ${after.zombies}, heap ${before.heap} -> ${after.heap} KiB`,
);
