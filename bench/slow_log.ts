// A slow log target (5 ms per write) under a fast peer: peak RSS and close() time.
//
//   deno run -A bench/slow_log.ts [MB] [runs] [--no-log]
//
// `--no-log` runs the same session without a log: the floor to compare RSS with.
// The peer is an in-process stream of 64 KiB chunks (MB megabytes in all, default 286);
// the session keeps at most 1 MiB (`overflow: "drop-oldest"`) and copies what it reads to
// `logRead`, a WritableStream that takes 5 ms per write. One line per run: peak RSS, how long
// `expect(EOF)` took, how long `close()` took (stopped waiting at 30 s), bytes logged.
import { Session } from "../expect/session.ts";
import { EOF } from "../expect/patterns.ts";

const total = Number(Deno.args[0] ?? 286) * 1024 * 1024;
const runs = Number(Deno.args[1] ?? 1);
const withLog = !Deno.args.includes("--no-log");
const CHUNK = 64 * 1024;
const WRITE_MS = 5;
const CLOSE_LIMIT_MS = 30_000;

async function once(): Promise<void> {
  let sent = 0;
  const chunk = new Uint8Array(CHUNK).fill(0x61);
  const readable = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent >= total) return c.close();
      sent += CHUNK;
      c.enqueue(chunk.slice());
    },
  }, { highWaterMark: 0 });
  let logged = 0;
  const log = new WritableStream<Uint8Array>({
    async write(c) {
      await new Promise((r) => setTimeout(r, WRITE_MS));
      logged += c.length;
    },
  });
  let peak = 0;
  const sampler = setInterval(() => peak = Math.max(peak, Deno.memoryUsage().rss), 20);
  const session = new Session({ readable, writable: new WritableStream() }, {
    maxBuffer: 1024 * 1024,
    overflow: "drop-oldest",
    timeout: null,
    logRead: withLog ? log : undefined,
  });
  const t0 = performance.now();
  await session.expect(EOF);
  const t1 = performance.now();
  let limit: ReturnType<typeof setTimeout> | undefined;
  const closed = await Promise.race([
    session.close().then(() => true),
    new Promise<boolean>((r) => limit = setTimeout(() => r(false), CLOSE_LIMIT_MS)),
  ]);
  clearTimeout(limit);
  const t2 = performance.now();
  peak = Math.max(peak, Deno.memoryUsage().rss);
  clearInterval(sampler);
  const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
  console.log(
    `read ${mb(sent)} MB: peak RSS ${mb(peak)} MB, expect(EOF) ${(t1 - t0).toFixed(0)} ms, ` +
      `close() ${closed ? "" : "still draining after "}${(t2 - t1).toFixed(0)} ms, ` +
      `logged ${mb(logged)} MB`,
  );
  if (!closed) Deno.exit(0);
}

for (let i = 0; i < runs; i++) await once();
